package dev.ordo.shared;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Group commit for any write that many callers make at once: each caller hands in one item and
 * waits; a lane's worker takes whatever has queued up on its lane (up to {@code maxBatch}) and runs
 * it as one batch — typically one transaction with one batched statement per table — so that a
 * burst of callers costs a few round trips and one commit instead of a transaction each.
 *
 * <p>The batch answers each item on its own ({@link Outcome}): one item's refusal does not fail its
 * neighbours. A batch that throws is all-or-nothing; on a conflict it could not foresee (a unique key
 * another node or lane won meanwhile, a deadlock) it is run again, and if it still fails, or fails
 * otherwise, its items are run one by one so that one bad item cannot fail the others.
 *
 * <p>A batch that still fails on the database (other than on an integrity rule, which a statement
 * breaks before anything commits) answers its callers 503 with the {@code busy} message: the database
 * may have gone away during the commit, so the caller is told that the item may still apply and how
 * to repeat it — never that nothing was changed.
 *
 * <p>Each lane's worker is a platform thread: as a virtual thread it would queue for the carriers
 * behind every request handler after each database round trip.
 *
 * <p>Callers on virtual threads (request handlers) wait without a timeout of their own; one watchdog
 * thread per group commit ends the waits that have lasted {@code timeout}. A timed wait on a virtual
 * thread registers a timer with the JDK's delay scheduler and wakes its thread, and cancels the timer
 * on the answer: on two cores that was a tenth of the service's CPU when every wallet request waited
 * that way (async-profiler, 2026-11-29). Callers on platform threads (job workers) park with a
 * timeout of their own, which costs them nothing more.
 *
 * @param <I> what a caller hands in
 * @param <O> what it gets back
 */
public final class GroupCommit<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final int ATTEMPTS = 4;

    /**
     * Items a lane holds at most; beyond, callers are answered 503 at once. Far above what a lane
     * holds in normal work (a few batches): reached only when the database stalls and callers keep
     * repeating their requests.
     */
    static final int LANE_CAPACITY = 50_000;

    /**
     * Thrown by a batch that failed because of one of its items (its {@code index} in the batch): that
     * item's caller gets the {@code cause}, and the batch runs again without it — not item by item,
     * a transaction each, as after another failure.
     */
    public static final class ItemFailed extends RuntimeException {
        private final int index;

        public ItemFailed(int index, RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    /** Runs a batch; answers every item, in order. Throwing fails the batch as a whole. */
    @FunctionalInterface
    public interface Batch<I, O> {
        List<Outcome<O>> run(List<I> items);
    }

    /** One item's answer: a value or the exception its caller gets. */
    public record Outcome<O>(O value, RuntimeException failure) {

        public static <O> Outcome<O> of(O value) {
            return new Outcome<>(value, null);
        }

        public static <O> Outcome<O> failed(RuntimeException failure) {
            return new Outcome<>(null, failure);
        }
    }

    /** @param deadline {@link System#nanoTime()} after which the caller stops waiting */
    private record Pending<I, O>(I item, CompletableFuture<O> result, long deadline) {}

    /** Ends a wait that lasted the timeout; the item may still commit. Without a stack trace, so shared. */
    private static final class WaitedTooLong extends RuntimeException {
        WaitedTooLong() {
            super("waited too long", null, false, false);
        }
    }

    private static final WaitedTooLong WAITED_TOO_LONG = new WaitedTooLong();

    private final String name;
    private final Batch<I, O> batch;
    private final int maxBatch;
    private final Duration timeout;
    private final String busy;
    private final boolean dropAbandoned;
    private final List<BlockingQueue<Pending<I, O>>> lanes = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    /** Every virtual-thread caller still waiting, oldest first (all wait equally long: deadlines come in order). */
    private final ConcurrentLinkedQueue<Pending<I, O>> waiting = new ConcurrentLinkedQueue<>();

    private final Thread watchdog;
    private final DistributionSummary batchSizes;
    private volatile boolean stopping;

    /**
     * @param name    names the lanes' threads and the metric {@code ordo.group.commit.size{name}}
     * @param laneCount how many batches may run side by side
     * @param timeout   how long a caller waits before it gets 503 (the item may still commit)
     * @param busy      the message of that 503: how to repeat safely
     */
    public GroupCommit(
            String name,
            int laneCount,
            int maxBatch,
            Duration timeout,
            String busy,
            Batch<I, O> batch,
            MeterRegistry meters) {
        this(name, laneCount, maxBatch, timeout, busy, true, batch, meters);
    }

    /**
     * @param dropAbandoned whether an item whose caller stopped waiting is left out of its batch (see
     *     {@link #dropExpired}); false where running it late is still worth it (a finished job's
     *     completion: left out, the job would be taken for a dead node's and run again)
     */
    public GroupCommit(
            String name,
            int laneCount,
            int maxBatch,
            Duration timeout,
            String busy,
            boolean dropAbandoned,
            Batch<I, O> batch,
            MeterRegistry meters) {
        if (laneCount < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("a group commit needs at least one lane and a batch of one");
        }
        this.name = name;
        this.batch = batch;
        this.maxBatch = maxBatch;
        this.timeout = timeout;
        this.busy = busy;
        this.dropAbandoned = dropAbandoned;
        this.batchSizes = DistributionSummary.builder("ordo.group.commit.size")
                .description("items committed together")
                .tag("name", name)
                .register(meters);
        for (int i = 0; i < laneCount; i++) {
            BlockingQueue<Pending<I, O>> lane = new LinkedBlockingQueue<>(LANE_CAPACITY);
            lanes.add(lane);
            workers.add(Thread.ofPlatform().daemon().name(name + "-lane-" + i).start(() -> work(lane)));
        }
        this.watchdog = Thread.ofPlatform().daemon().name(name + "-watchdog").start(this::watch);
    }

    /**
     * Hands the item to the lane of {@code key} (equal keys share a lane, so they meet in one batch
     * or in consecutive ones) and waits for its answer.
     */
    /** A lane full: the item was not queued, so nothing of it will apply. */
    static final String NOT_TAKEN = "busy: not taken, nothing was done; repeat the request";

    public O submit(I item, int key) {
        if (stopping) {
            throw new OrdoException(ErrorCode.UNAVAILABLE, "shutting down, retry on another node");
        }
        Pending<I, O> pending = new Pending<>(item, new CompletableFuture<>(), System.nanoTime() + timeout.toNanos());
        BlockingQueue<Pending<I, O>> lane = lanes.get(Math.floorMod(key, lanes.size()));
        if (!lane.offer(pending)) {
            throw new OrdoException(ErrorCode.UNAVAILABLE, NOT_TAKEN);
        }
        if (stopping && lane.remove(pending)) {
            // The lane stopped as the item reached it (its worker may have gone): not taken.
            throw new OrdoException(ErrorCode.UNAVAILABLE, "shutting down, retry on another node");
        }
        boolean watched = Thread.currentThread().isVirtual();
        if (watched) {
            waiting.add(pending); // after the offer: one refused never walks the list to leave it
        }
        try {
            return watched ? pending.result().get() : pending.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.result().completeExceptionally(WAITED_TOO_LONG); // left out of a batch not yet run
            throw new OrdoException(ErrorCode.UNAVAILABLE, busy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.result().completeExceptionally(WAITED_TOO_LONG); // left out of a batch not yet run
            throw new OrdoException(ErrorCode.UNAVAILABLE, "interrupted: " + busy);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WaitedTooLong) {
                throw new OrdoException(ErrorCode.UNAVAILABLE, busy);
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Ends the waits past their deadline, a few times per timeout; answered ones just leave the queue. */
    private void watch() {
        long period = Math.clamp(timeout.toMillis() / 20, 5, 100);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long now = System.nanoTime();
                for (Pending<I, O> oldest = waiting.peek();
                        oldest != null && (oldest.result().isDone() || now - oldest.deadline() >= 0);
                        oldest = waiting.peek()) {
                    waiting.poll();
                    oldest.result().completeExceptionally(WAITED_TOO_LONG);
                }
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                // Carries on, as the lanes do: without it the callers of a stuck lane would wait for ever.
                log.error("{} watchdog: {}", name, e.toString(), e);
            }
        }
    }

    private void work(BlockingQueue<Pending<I, O>> lane) {
        List<Pending<I, O>> taken = new ArrayList<>(maxBatch);
        while (!(stopping && lane.isEmpty())) {
            try {
                Pending<I, O> first = lane.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                lane.drainTo(taken, maxBatch - 1);
                if (dropAbandoned) {
                    dropExpired(taken);
                }
                if (!taken.isEmpty()) {
                    run(taken);
                }
            } catch (InterruptedException e) {
                if (!stopping) {
                    log.warn("{} lane interrupted", name);
                }
            } catch (RuntimeException e) {
                RuntimeException answer = answerTo(e, taken.size());
                taken.forEach(pending -> pending.result().completeExceptionally(answer));
            } catch (Error e) {
                // The lane carries on: a lane thread that died would leave its keys unanswered until restart.
                log.error("{} lane: {} on a batch of {}", name, e, taken.size(), e);
                IllegalStateException failure = new IllegalStateException(name + ": " + e);
                taken.forEach(pending -> pending.result().completeExceptionally(failure));
            } finally {
                taken.clear();
            }
        }
    }

    /**
     * Runs the items taken as one batch, leaving out those that fail it by name ({@link ItemFailed}).
     * Such a refusal may rest on the items before it in its batch (a balance that they spent): it is
     * answered only once they have committed. When one of them is left out in turn, or the batch does
     * not commit as one, the refusal is decided again.
     */
    private void run(List<Pending<I, O>> batchTaken) {
        List<Refused<I, O>> held = new ArrayList<>();
        boolean together = false;
        try {
            together = runTogether(batchTaken, held);
        } finally {
            if (together) {
                held.forEach(refused -> refused.pending().result().completeExceptionally(refused.failure()));
            } else if (!held.isEmpty()) {
                oneByOne(held.stream().map(Refused::pending).toList());
            }
        }
    }

    /** A refusal that rests on the items before it ({@code position} in the batch taken). */
    private record Refused<I, O>(Pending<I, O> pending, int position, RuntimeException failure) {}

    /** True when the items left committed as one batch; false when they were run one by one. */
    private boolean runTogether(List<Pending<I, O>> batchTaken, List<Refused<I, O>> held) {
        List<Pending<I, O>> taken = new ArrayList<>(batchTaken);
        Map<Pending<I, O>, Integer> positions = new IdentityHashMap<>();
        for (int i = 0; i < batchTaken.size(); i++) {
            positions.put(batchTaken.get(i), i);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                List<Outcome<O>> outcomes =
                        batch.run(taken.stream().map(Pending::item).toList());
                if (outcomes.size() != taken.size()) {
                    throw new IllegalStateException(name + ": a batch must answer every item");
                }
                batchSizes.record(taken.size());
                for (int i = 0; i < taken.size(); i++) {
                    Outcome<O> outcome = outcomes.get(i);
                    if (outcome.failure() != null) {
                        taken.get(i).result().completeExceptionally(outcome.failure());
                    } else {
                        taken.get(i).result().complete(outcome.value());
                    }
                }
                return true;
            } catch (ItemFailed failed) {
                if (failed.index() < 0 || failed.index() >= taken.size()) {
                    throw new IllegalStateException(name + ": a batch named item " + failed.index(), failed);
                }
                Pending<I, O> left = taken.remove(failed.index());
                int position = positions.get(left);
                RuntimeException failure = (RuntimeException) failed.getCause();
                // The refusals decided after it saw its changes, which will not commit: they run again.
                for (var it = held.iterator(); it.hasNext(); ) {
                    Refused<I, O> refused = it.next();
                    if (refused.position() > position) {
                        it.remove();
                        taken.add(refused.pending());
                    }
                }
                taken.sort(Comparator.comparingInt(positions::get));
                if (failed.index() == 0) {
                    left.result().completeExceptionally(failure); // decided on its own: final
                } else {
                    held.add(new Refused<>(left, position, failure));
                }
                if (taken.isEmpty()) {
                    return true;
                }
                attempt = 0; // the others again, as a new batch
            } catch (TransientDataAccessException | DataIntegrityViolationException e) {
                if (attempt < ATTEMPTS) {
                    pause(attempt);
                    continue;
                }
                if (taken.size() == 1) {
                    throw e;
                }
                log.warn("{}: batch of {} failed {} times ({}); one by one", name, taken.size(), attempt, e.toString());
                oneByOne(taken);
                return false;
            } catch (RuntimeException e) {
                if (taken.size() == 1) {
                    throw e;
                }
                oneByOne(taken);
                return false;
            }
        }
    }

    /**
     * Leaves out the items whose callers stopped waiting: they were answered 503 (repeat the request
     * unchanged), so running them now would only apply late what the repeat applies anyway — and when
     * the database stalled, the lane would work through a backlog of abandoned items before the live
     * ones.
     */
    private void dropExpired(List<Pending<I, O>> taken) {
        long now = System.nanoTime();
        taken.removeIf(pending -> {
            if (pending.result().isDone()) {
                return true;
            }
            if (now - pending.deadline() >= 0) {
                pending.result().completeExceptionally(WAITED_TOO_LONG);
                return true;
            }
            return false;
        });
    }

    private void oneByOne(List<Pending<I, O>> taken) {
        for (Pending<I, O> pending : taken) {
            if (dropAbandoned && (pending.result().isDone() || System.nanoTime() - pending.deadline() >= 0)) {
                pending.result().completeExceptionally(WAITED_TOO_LONG);
                continue;
            }
            try {
                run(List.of(pending));
            } catch (RuntimeException single) {
                pending.result().completeExceptionally(answerTo(single, 1));
            }
        }
    }

    /**
     * What the callers of a batch that failed get: a database failure whose outcome is unknown (a
     * commit that lost its connection may have landed) becomes 503 with the {@code busy} message;
     * anything else is handed on as it is.
     */
    private RuntimeException answerTo(RuntimeException failure, int items) {
        boolean unknown =
                failure instanceof DataAccessException && !(failure instanceof DataIntegrityViolationException)
                        || failure instanceof TransactionException;
        if (!unknown) {
            return failure;
        }
        log.warn("{}: a batch of {} failed on the database, its outcome unknown: {}", name, items, failure.toString());
        OrdoException answer = new OrdoException(ErrorCode.UNAVAILABLE, busy);
        answer.initCause(failure); // for a job's failure log; a caller over HTTP sees only the message
        return answer;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(attempt * 5L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the lanes finish what was queued (the web server has stopped taking requests by now). */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(10));
        }
        watchdog.interrupt();
        // A lane that did not finish in time leaves its callers to the answer a timeout gives.
        for (Pending<I, O> left = waiting.poll(); left != null; left = waiting.poll()) {
            left.result().completeExceptionally(WAITED_TOO_LONG);
        }
    }
}
