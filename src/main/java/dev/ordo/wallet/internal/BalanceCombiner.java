package dev.ordo.wallet.internal;

import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.Wallet;
import dev.ordo.wallet.WalletBatches;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit ({@link WalletBatches}). Each lane's worker takes whatever has queued up on it as one
 * batch in one transaction: first every submission's state change, then all their balance changes
 * ({@link Wallet#applyGroups}), then the commit. A hot account therefore costs one row update and
 * one commit per batch, not per caller; submissions for different accounts share commits the same
 * way.
 *
 * <p>Two kinds of lanes. HTTP balance operations (one change, no state change, the record in the
 * answer) queue on a lane chosen by their account, so that one account's operations batch together.
 * Submissions with a state change ({@link #commitWith}) are spread over the flow lanes in turn:
 * their batches run side by side, and since their balance changes come last, a busy account's row
 * is held only for that last step.
 *
 * <p>A batch is all-or-nothing. If it fails on a conflict it could not foresee (another node or an
 * in-process caller changed the same account) it is retried; if it still fails, or a callback
 * throws, its submissions are run one by one so that one bad submission cannot fail its neighbours.
 */
public final class BalanceCombiner implements WalletBatches, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BalanceCombiner.class);
    private static final int RETRIES = 4;

    private final Wallet wallet;
    private final TransactionTemplate tx;
    private final int maxBatch;
    private final Duration timeout;
    private final List<BlockingQueue<Pending<?>>> lanes = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final DistributionSummary batchSizes;
    private volatile boolean stopping;

    private final List<BlockingQueue<Pending<?>>> flowLanes = new ArrayList<>();
    private final AtomicInteger nextFlowLane = new AtomicInteger();

    /**
     * @param before runs first in the batch's transaction (null: nothing)
     * @param after  runs after the balance changes with their outcomes; its value is the answer
     */
    private record Pending<T>(
            List<BalanceChange> changes,
            Runnable before,
            Function<List<BalanceOutcome>, T> after,
            CompletableFuture<T> result) {

        void complete(Object value) {
            @SuppressWarnings("unchecked")
            T typed = (T) value;
            result.complete(typed);
        }
    }

    BalanceCombiner(
            Wallet wallet,
            TransactionTemplate tx,
            int laneCount,
            int flowLaneCount,
            int maxBatch,
            Duration timeout,
            MeterRegistry meters) {
        this.wallet = wallet;
        this.tx = tx;
        this.maxBatch = maxBatch;
        this.timeout = timeout;
        this.batchSizes = DistributionSummary.builder("ordo.wallet.batch.size")
                .description("wallet submissions committed together")
                .register(meters);
        for (int i = 0; i < laneCount; i++) {
            lanes.add(lane("wallet-lane-" + i));
        }
        for (int i = 0; i < flowLaneCount; i++) {
            flowLanes.add(lane("wallet-flow-lane-" + i));
        }
    }

    private BlockingQueue<Pending<?>> lane(String name) {
        BlockingQueue<Pending<?>> lane = new LinkedBlockingQueue<>();
        // A platform thread: a virtual one would queue behind every request handler for the two
        // carriers after each database round trip, and the lane's batches would run that much slower.
        workers.add(Thread.ofPlatform().daemon().name(name).start(() -> work(lane)));
        return lane;
    }

    /** One change with others queued at the same moment for its account; waits for the commit. */
    public BalanceOutcome apply(BalanceChange change) {
        int lane = Math.floorMod(change.account().hashCode(), lanes.size());
        return submit(lanes.get(lane), new Pending<>(List.of(change), null, List::getFirst, new CompletableFuture<>()));
    }

    @Override
    public Optional<BalanceOutcome.Refused> commitWith(List<BalanceChange> changes, Runnable stateChange) {
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("a submission needs at least one change");
        }
        BlockingQueue<Pending<?>> lane = flowLanes.get(Math.floorMod(nextFlowLane.getAndIncrement(), flowLanes.size()));
        try {
            return submit(
                    lane,
                    new Pending<>(
                            changes,
                            inCallersLogContext(stateChange),
                            BalanceCombiner::refuseAll,
                            new CompletableFuture<>()));
        } catch (RefusedSubmission refusal) {
            return Optional.of(refusal.refused);
        }
    }

    /** The state change runs on a lane's thread with the submitter's logging context (its order id, its job). */
    private static Runnable inCallersLogContext(Runnable stateChange) {
        Map<String, String> callers = MDC.getCopyOfContextMap();
        if (callers == null || callers.isEmpty()) {
            return stateChange;
        }
        return () -> {
            Map<String, String> lanes = MDC.getCopyOfContextMap();
            MDC.setContextMap(callers);
            try {
                stateChange.run();
            } finally {
                if (lanes == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(lanes);
                }
            }
        };
    }

    /** Rolls the submission back (and with it the batch, which is then run one by one) on a refusal. */
    private static Optional<BalanceOutcome.Refused> refuseAll(List<BalanceOutcome> outcomes) {
        for (BalanceOutcome outcome : outcomes) {
            if (outcome instanceof BalanceOutcome.Refused refused && refused.refusal() != Refusal.GROUP_REFUSED) {
                throw new RefusedSubmission(refused);
            }
        }
        return Optional.empty();
    }

    /** A refused change of a submission with a state change: nothing of it may commit. */
    private static final class RefusedSubmission extends RuntimeException {
        private final transient BalanceOutcome.Refused refused;

        RefusedSubmission(BalanceOutcome.Refused refused) {
            super(refused.message(), null, false, false);
            this.refused = refused;
        }
    }

    private <T> T submit(BlockingQueue<Pending<?>> lane, Pending<T> pending) {
        if (stopping) {
            throw new OrdoException(ErrorCode.UNAVAILABLE, "shutting down, retry on another node");
        }
        lane.add(pending);
        try {
            return pending.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new OrdoException(
                    ErrorCode.UNAVAILABLE,
                    "the wallet is busy: the operation may still apply, repeat it with the same trade_no");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrdoException(ErrorCode.UNAVAILABLE, "interrupted; repeat with the same trade_no");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void work(BlockingQueue<Pending<?>> lane) {
        List<Pending<?>> batch = new ArrayList<>(maxBatch);
        while (!(stopping && lane.isEmpty())) {
            try {
                Pending<?> first = lane.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                lane.drainTo(batch, maxBatch - 1);
                run(batch);
            } catch (InterruptedException e) {
                if (!stopping) {
                    log.warn("wallet lane interrupted");
                }
            } catch (RuntimeException e) {
                batch.forEach(pending -> pending.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Pending<?>> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                List<Object> results = tx.execute(status -> {
                    for (Pending<?> pending : batch) {
                        if (pending.before() != null) {
                            pending.before().run();
                        }
                    }
                    List<List<BalanceOutcome>> outcomes = wallet.applyGroups(
                            batch.stream().map(Pending::changes).toList());
                    List<Object> values = new ArrayList<>(batch.size());
                    for (int i = 0; i < batch.size(); i++) {
                        values.add(batch.get(i).after().apply(outcomes.get(i)));
                    }
                    return values;
                });
                batchSizes.record(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).complete(results.get(i));
                }
                return;
            } catch (TransientDataAccessException | DataIntegrityViolationException e) {
                if (attempt < RETRIES) {
                    pause(attempt);
                    continue;
                }
                if (batch.size() == 1) {
                    throw e;
                }
                log.warn("batch of {} failed {} times ({}); applying one by one", batch.size(), attempt, e.toString());
                oneByOne(batch);
                return;
            } catch (RuntimeException e) {
                if (batch.size() == 1) {
                    throw e;
                }
                oneByOne(batch);
                return;
            }
        }
    }

    private void oneByOne(List<Pending<?>> batch) {
        for (Pending<?> pending : batch) {
            try {
                run(List.of(pending));
            } catch (RuntimeException single) {
                pending.result().completeExceptionally(single);
            }
        }
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
    public void destroy() throws InterruptedException {
        stopping = true;
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(10));
        }
    }
}
