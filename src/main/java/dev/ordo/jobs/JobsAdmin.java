package dev.ordo.jobs;

import java.util.List;
import java.util.Optional;

/** What the admin API and console show and do with jobs. */
public interface JobsAdmin {

    List<QueueStats> queues();

    List<String> recurring();

    List<DeadJob> deadJobs(String queue, int limit);

    /** Sends a dead job back to its queue as a fresh job; empty if no such dead job. */
    Optional<DeadJob> retryDead(long id);
}
