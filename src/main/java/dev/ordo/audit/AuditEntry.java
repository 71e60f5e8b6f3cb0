package dev.ordo.audit;

import java.time.Instant;

/** One admin change: who asked for it, when, what exactly, and how it was answered. */
public record AuditEntry(
        long auditId,
        Instant at,
        String actor,
        String remoteAddr,
        String method,
        String path,
        String query,
        String body,
        int status) {}
