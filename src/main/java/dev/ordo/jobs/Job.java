package dev.ordo.jobs;

/**
 * One job as its handler sees it.
 *
 * @param id      unique within its queue while pending: enqueuing the same id again is a no-op
 * @param attempt 1 on the first run, 2 on the first retry, ...
 */
public record Job<T>(String queue, String id, T payload, int attempt) {}
