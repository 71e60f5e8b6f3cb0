package dev.ordo.testing;

import java.util.concurrent.atomic.AtomicLong;

/** Ids no other test of this run uses, so tests can share one database. */
public final class Unique {

    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private static final AtomicLong NEXT = new AtomicLong();

    private Unique() {}

    public static String id(String prefix) {
        return prefix + "-" + RUN + "-" + NEXT.incrementAndGet();
    }
}
