package dev.ordo.jobs;

import java.time.Instant;

/** A job that used up its attempts; an operator can send it back to its queue. */
public record DeadJob(
        long id, String queue, String jobId, String payload, int attempts, String lastError, Instant failedAt) {}
