package dev.ordo.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Races: many calls released at the same moment from a pool of threads. */
public final class AtOnce {

    private AtOnce() {}

    /** Makes {@code calls} calls from {@code threads} threads, all released together; their answers by index. */
    public static <R> List<R> call(int calls, int threads, IntFunction<R> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<R>> all = new ArrayList<>(calls);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < calls; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    start.await();
                    return call.apply(n);
                }));
            }
            start.countDown();
            List<R> answers = new ArrayList<>(calls);
            for (Future<R> f : all) {
                answers.add(f.get());
            }
            return answers;
        }
    }
}
