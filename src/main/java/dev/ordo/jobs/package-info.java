/**
 * Durable background work (SPEC K3): named queues with their own concurrency, delays, retries with
 * backoff and a dead-letter state, and recurring timers, safe with several nodes on one database.
 * Modules declare a {@link dev.ordo.jobs.JobQueue}, implement a {@link dev.ordo.jobs.JobHandler}
 * and enqueue through {@link dev.ordo.jobs.Jobs}, inside their own transaction.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Jobs")
package dev.ordo.jobs;
