package dev.ordo.wallet;

import java.time.Instant;

/**
 * Which records to list, newest first.
 *
 * @param type  only this operation, or all when null
 * @param from  created at or after (inclusive), or unbounded when null
 * @param to    created before (exclusive), or unbounded when null
 * @param page  page index from 0
 * @param size  records per page, 1 to 500
 */
public record RecordQuery(ChangeType type, Instant from, Instant to, int page, int size) {

    public static final int MAX_SIZE = 500;

    public RecordQuery {
        if (page < 0 || page > 1_000_000) {
            throw new IllegalArgumentException("pi must be between 0 and 1000000");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("ps must be between 1 and " + MAX_SIZE);
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("start_time must not be after end_time");
        }
    }

    public long offset() {
        return (long) page * size;
    }
}
