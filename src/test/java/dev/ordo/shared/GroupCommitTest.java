package dev.ordo.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.shared.GroupCommit.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessResourceException;

/** Callers hand in one item each; batches answer every item on its own, and a failing batch cannot fail the others. */
class GroupCommitTest {

    private static GroupCommit<Integer, String> groupCommit(GroupCommit.Batch<Integer, String> batch) {
        return new GroupCommit<>("test", 1, 64, Duration.ofSeconds(10), "busy", batch, new SimpleMeterRegistry());
    }

    /** Runs one caller per item at once, and collects what each got (its value or its exception's message). */
    private static Map<Integer, String> burst(GroupCommit<Integer, String> commit, int items) throws Exception {
        return burst(commit, items, false);
    }

    /** As {@link #burst(GroupCommit, int)}, the callers on virtual threads (request handlers) or platform threads (job workers). */
    private static Map<Integer, String> burst(GroupCommit<Integer, String> commit, int items, boolean virtual)
            throws Exception {
        Map<Integer, String> answers = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService callers =
                virtual ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newFixedThreadPool(32)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                int item = i;
                all.add(callers.submit(() -> {
                    start.await();
                    try {
                        answers.put(item, commit.submit(item, 0));
                    } catch (RuntimeException e) {
                        answers.put(item, "failed: " + e.getMessage());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : all) {
                f.get();
            }
        }
        return answers;
    }

    @Test
    void every_caller_gets_the_answer_of_its_own_item() throws Exception {
        try (GroupCommit<Integer, String> commit = groupCommit(items -> items.stream()
                .map(i -> i % 10 == 0
                        ? Outcome.<String>failed(new IllegalArgumentException("refused " + i))
                        : Outcome.of("done " + i))
                .toList())) {
            Map<Integer, String> answers = burst(commit, 300);
            assertThat(answers).hasSize(300);
            answers.forEach((item, answer) ->
                    assertThat(answer).isEqualTo(item % 10 == 0 ? "failed: refused " + item : "done " + item));
        }
    }

    @Test
    void a_batch_that_fails_as_a_whole_is_run_item_by_item_so_only_the_bad_item_fails() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (GroupCommit<Integer, String> commit = groupCommit(items -> {
            batchSizes.add(items.size());
            if (items.contains(7)) {
                throw new IllegalStateException("item 7 breaks its batch");
            }
            return items.stream().map(i -> Outcome.of("done " + i)).toList();
        })) {
            Map<Integer, String> answers = burst(commit, 200);
            assertThat(answers.get(7)).isEqualTo("failed: item 7 breaks its batch");
            answers.forEach((item, answer) -> {
                if (item != 7) {
                    assertThat(answer).isEqualTo("done " + item);
                }
            });
        }
    }

    @Test
    void an_item_that_fails_its_batch_by_name_is_left_out_and_the_others_run_again_together() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer, String> commit = groupCommit(items -> {
            batchSizes.add(items.size());
            if (items.contains(-1)) {
                try {
                    release.await(); // holds the lane while the others queue up as one batch
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of(Outcome.of("held"));
            }
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i) % 10 == 7) {
                    throw new GroupCommit.ItemFailed(i, new IllegalStateException("item " + items.get(i) + " refused"));
                }
            }
            return items.stream().map(i -> Outcome.of("done " + i)).toList();
        })) {
            try (ExecutorService holder = Executors.newSingleThreadExecutor()) {
                Future<String> held = holder.submit(() -> commit.submit(-1, 0));
                while (batchSizes.isEmpty()) {
                    Thread.sleep(5);
                }
                try (ExecutorService callers = Executors.newSingleThreadExecutor()) {
                    Future<Map<Integer, String>> answers = callers.submit(() -> burst(commit, 30));
                    Thread.sleep(300); // the 30 callers queue behind the held batch
                    release.countDown();
                    assertThat(held.get()).isEqualTo("held");
                    Map<Integer, String> got = answers.get();
                    assertThat(got)
                            .hasSize(30)
                            .allSatisfy((item, answer) -> assertThat(answer)
                                    .isEqualTo(item % 10 == 7 ? "failed: item " + item + " refused" : "done " + item));
                }
            }
        }
        assertThat(batchSizes.size())
                .as("the refused items left out one at a time (about 5 runs), not 30 transactions of one")
                .isLessThanOrEqualTo(12);
    }

    @Test
    void a_refusal_that_rests_on_an_item_before_it_is_decided_again_when_that_item_is_left_out() throws Exception {
        // A balance of 100: 80 and then 50 in one batch, the 50 refused as the 80 spent it; the 80 is
        // then refused on its own (its order moved), so the 50 must be paid after all.
        AtomicInteger runsWith80 = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        try (GroupCommit<Integer, String> commit = groupCommit(items -> {
                    batches.add(List.copyOf(items));
                    if (items.contains(-1)) {
                        try {
                            release.await(); // holds the lane while 80 and 50 queue up as one batch
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return List.of(Outcome.of("held"));
                    }
                    int balance = 100;
                    for (int i = 0; i < items.size(); i++) {
                        int amount = items.get(i);
                        if (amount == 80 && runsWith80.incrementAndGet() > 1) {
                            throw new GroupCommit.ItemFailed(i, new IllegalStateException("80: the order moved"));
                        }
                        if (amount > balance) {
                            throw new GroupCommit.ItemFailed(i, new IllegalStateException(amount + ": insufficient"));
                        }
                        balance -= amount;
                    }
                    return items.stream().map(i -> Outcome.of("paid " + i)).toList();
                });
                ExecutorService callers = Executors.newFixedThreadPool(3)) {
            Future<String> held = callers.submit(() -> commit.submit(-1, 0));
            while (batches.isEmpty()) {
                Thread.sleep(5);
            }
            Future<String> eighty = callers.submit(() -> commit.submit(80, 0));
            Thread.sleep(200); // queued first
            Future<String> fifty = callers.submit(() -> commit.submit(50, 0));
            Thread.sleep(200);
            release.countDown();
            assertThat(held.get()).isEqualTo("held");
            assertThatThrownBy(eighty::get).hasMessageContaining("80: the order moved");
            assertThat(fifty.get()).isEqualTo("paid 50");
        }
        assertThat(batches).contains(List.of(80, 50)).endsWith(List.of(50));
    }

    @Test
    void a_batch_that_lost_a_unique_key_is_run_again() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        try (GroupCommit<Integer, String> commit = groupCommit(items -> {
            if (runs.incrementAndGet() == 1) {
                throw new DuplicateKeyException("another node inserted the same key");
            }
            return items.stream()
                    .map(i -> Outcome.of("found the winner's " + i))
                    .toList();
        })) {
            assertThat(commit.submit(1, 0)).isEqualTo("found the winner's 1");
            assertThat(runs).hasValue(2);
        }
    }

    @Test
    void callers_of_a_batch_that_keeps_failing_on_the_database_are_told_it_may_still_apply() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (GroupCommit<Integer, String> commit = new GroupCommit<>(
                "test",
                1,
                64,
                Duration.ofSeconds(10),
                "busy: may still apply, repeat it",
                items -> {
                    runs.incrementAndGet();
                    // As a commit whose connection broke: it may have landed.
                    throw new TransientDataAccessResourceException("connection lost during commit");
                },
                new SimpleMeterRegistry())) {
            Map<Integer, String> answers = burst(commit, 20);
            assertThat(answers)
                    .hasSize(20)
                    .allSatisfy(
                            (item, answer) -> assertThat(answer).isEqualTo("failed: busy: may still apply, repeat it"));
            assertThatThrownBy(() -> commit.submit(1, 0))
                    .isInstanceOfSatisfying(
                            OrdoException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasCauseInstanceOf(TransientDataAccessResourceException.class);
            assertThat(runs).as("retried before giving up").hasValueGreaterThan(4);
        }
    }

    @Test
    void a_batch_that_keeps_breaking_an_integrity_rule_hands_the_violation_on() throws InterruptedException {
        try (GroupCommit<Integer, String> commit = groupCommit(items -> {
            throw new DuplicateKeyException("the same key again and again");
        })) {
            // A statement refused by the database wrote nothing: its caller learns why, not "may still apply".
            assertThatThrownBy(() -> commit.submit(1, 0))
                    .isInstanceOf(DuplicateKeyException.class)
                    .hasMessage("the same key again and again");
        }
    }

    @Test
    void a_batch_that_does_not_answer_every_item_fails_its_callers() throws InterruptedException {
        try (GroupCommit<Integer, String> commit = groupCommit(items -> List.of())) {
            assertThatThrownBy(() -> commit.submit(1, 0)).hasMessageContaining("must answer every item");
        }
    }

    /** One lane whose batches signal {@code started}, then hold until {@code release}; the busy answer "busy: repeat it". */
    private static GroupCommit<Integer, String> stuckUntil(
            Duration timeout, CountDownLatch started, CountDownLatch release) {
        return new GroupCommit<>(
                "test",
                1,
                64,
                timeout,
                "busy: repeat it",
                items -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return items.stream().map(i -> Outcome.of("done " + i)).toList();
                },
                new SimpleMeterRegistry());
    }

    @ParameterizedTest(name = "callers on virtual threads: {0}")
    @ValueSource(booleans = {true, false})
    @Timeout(30) // without the watchdog the virtual-thread callers would wait for ever
    void callers_of_a_stuck_batch_and_those_queued_behind_it_get_busy_after_the_timeout(boolean virtual)
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer, String> commit = stuckUntil(Duration.ofMillis(200), new CountDownLatch(1), release)) {
            Map<Integer, String> answers = burst(commit, 20, virtual);
            assertThat(answers)
                    .hasSize(20)
                    .allSatisfy((item, answer) -> assertThat(answer).isEqualTo("failed: busy: repeat it"));
            release.countDown();
            assertThat(commit.submit(99, 0)).isEqualTo("done 99");
        }
    }

    @Test
    @Timeout(60)
    void a_caller_whose_lane_did_not_finish_by_close_gets_busy_instead_of_waiting_for_ever() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Integer, String> commit = stuckUntil(Duration.ofHours(1), started, release);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> caller = callers.submit(() -> {
                try {
                    return commit.submit(1, 0);
                } catch (OrdoException e) {
                    return "failed: " + e.getMessage();
                }
            });
            started.await();
            commit.close(); // the stuck lane outlives close's wait for it
            assertThat(caller.get()).isEqualTo("failed: busy: repeat it");
        } finally {
            release.countDown();
        }
    }

    @Test
    void after_close_nothing_is_taken() throws InterruptedException {
        GroupCommit<Integer, String> commit =
                groupCommit(items -> items.stream().map(i -> Outcome.of("done")).toList());
        commit.close();
        assertThatThrownBy(() -> commit.submit(1, 0))
                .isInstanceOfSatisfying(
                        OrdoException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    @Timeout(30)
    void an_item_whose_caller_stopped_waiting_is_not_run_late() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer, String> commit = stallingOnItem1(Duration.ofMillis(300), ran, release)) {
            try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<String> first = callers.submit(() -> commit.submit(1, 0));
                while (ran.isEmpty()) {
                    Thread.sleep(5);
                }
                // Queued behind the stalled batch; its caller gives up and is told to repeat.
                assertThatThrownBy(() -> commit.submit(2, 0)).hasMessage("busy");
                // The first caller's wait is ended by the watchdog, which may run a little after the
                // second caller's own timeout: the database recovers only once both have given up.
                while (!first.isDone()) {
                    Thread.sleep(5);
                }
                release.countDown();
                assertThatThrownBy(first::get).hasMessageContaining("busy");
                assertThat(commit.submit(3, 0)).isEqualTo("done 3");
            }
        }
        assertThat(ran).containsExactly(1, 3);
    }

    @Test
    @Timeout(30)
    void an_item_whose_caller_was_interrupted_while_waiting_is_not_run_late() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer, String> commit = stallingOnItem1(Duration.ofHours(1), ran, release)) {
            try (ExecutorService callers = Executors.newFixedThreadPool(2)) {
                Future<String> first = callers.submit(() -> commit.submit(1, 0));
                while (ran.isEmpty()) {
                    Thread.sleep(5);
                }
                // A job worker queued behind the stalled batch, interrupted as its node stops.
                AtomicReference<Thread> waiter = new AtomicReference<>();
                Future<String> second = callers.submit(() -> {
                    waiter.set(Thread.currentThread());
                    return commit.submit(2, 0);
                });
                while (waiter.get() == null || waiter.get().getState() != Thread.State.TIMED_WAITING) {
                    Thread.sleep(5); // until it waits for its answer, its item queued
                }
                waiter.get().interrupt();
                assertThatThrownBy(second::get)
                        .as("its caller is answered at once")
                        .hasMessageContaining("interrupted");
                release.countDown();
                assertThat(first.get()).isEqualTo("done 1");
                assertThat(commit.submit(3, 0)).isEqualTo("done 3");
            }
        }
        assertThat(ran).as("the interrupted caller's item left out").containsExactly(1, 3);
    }

    /** One lane recording the items it runs ({@code ran}); a batch with item 1 stalls until {@code release}. */
    private static GroupCommit<Integer, String> stallingOnItem1(
            Duration timeout, List<Integer> ran, CountDownLatch release) {
        return new GroupCommit<>(
                "test",
                1,
                64,
                timeout,
                "busy",
                items -> {
                    ran.addAll(items);
                    if (items.contains(1)) {
                        try {
                            release.await(); // the database stalls on the first batch
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return items.stream().map(i -> Outcome.of("done " + i)).toList();
                },
                new SimpleMeterRegistry());
    }
}
