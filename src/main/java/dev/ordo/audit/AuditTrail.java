package dev.ordo.audit;

import java.time.Instant;
import java.util.List;

/** Reads the admin audit trail; entries are written by the audit filter as changes are answered. */
public interface AuditTrail {

    /** Newest first; {@code pathPrefix}, {@code from} (inclusive) and {@code to} (exclusive) may be null. */
    List<AuditEntry> search(String pathPrefix, Instant from, Instant to, int limit);
}
