package dev.ordo.jobs;

/**
 * What one queue holds right now, across all nodes.
 *
 * @param due        waiting for a worker (execution time passed, not picked)
 * @param scheduled  waiting for a later time (delayed or backing off)
 * @param running    picked by a worker
 * @param retrying   pending after at least one failed attempt
 * @param dead       given up after the last attempt, in the dead-letter list
 * @param concurrency jobs at once per node on this node's configuration
 */
public record QueueStats(
        String queue, long due, long scheduled, long running, long retrying, long dead, int concurrency) {}
