package dev.ordo.wallet.internal;

import dev.ordo.shared.DeferredWrites;
import dev.ordo.shared.GroupCommit;
import dev.ordo.shared.GroupCommit.Outcome;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.Wallet;
import dev.ordo.wallet.WalletBatches;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataIntegrityViolationException;
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
 * Submissions with a state change ({@link #commitWith}) queue on a flow lane chosen by the account
 * of their first change: those that would lock the same busy account meet in one batch rather than
 * wait for each other's row lock (which is held from the balance changes, last in the batch, to the
 * commit) in batches side by side; submissions for other accounts run on the other lanes.
 *
 * <p>The lanes are {@link GroupCommit}s: a batch is all-or-nothing. If it fails on a conflict it
 * could not foresee (another node or an in-process caller changed the same account) it is retried;
 * if it still fails, or a callback throws, its submissions are run one by one so that one bad
 * submission cannot fail its neighbours. A submission refused by the wallet (a channel out of
 * money) is left out and the others run again together ({@link GroupCommit.ItemFailed}): a lane
 * busy with a channel whose orders keep being refused does not fall back to a transaction each.
 */
public final class BalanceCombiner implements WalletBatches, DisposableBean {

    private final DefaultWallet wallet;
    private final TransactionTemplate tx;
    private final Counter reruns;
    private final GroupCommit<Pending<?>, Object> lanes;
    private final GroupCommit<Pending<?>, Object> flowLanes;

    /**
     * @param before runs first in the batch's transaction (null: nothing)
     * @param after  runs after the balance changes with their outcomes; its value is the answer
     */
    private record Pending<T>(List<BalanceChange> changes, Runnable before, Function<List<BalanceOutcome>, T> after) {}

    BalanceCombiner(
            DefaultWallet wallet,
            TransactionTemplate tx,
            int laneCount,
            int flowLaneCount,
            int maxBatch,
            Duration timeout,
            MeterRegistry meters) {
        this.wallet = wallet;
        this.tx = tx;
        this.reruns = Counter.builder("ordo.wallet.batch.reruns")
                .description(
                        "wallet batches run again with their records read after the database refused a write (a repeated trade number)")
                .register(meters);
        this.lanes = new GroupCommit<>("wallet", laneCount, maxBatch, timeout, BUSY, this::run, meters);
        this.flowLanes = new GroupCommit<>("wallet-flow", flowLaneCount, maxBatch, timeout, BUSY, this::run, meters);
    }

    private static final String BUSY =
            "the wallet is busy: the operation may still apply, repeat it with the same trade_no";

    /** One change with others queued at the same moment for its account; waits for the commit. */
    public BalanceOutcome apply(BalanceChange change) {
        Pending<BalanceOutcome> pending = new Pending<>(List.of(change), null, List::getFirst);
        // A batch that failed on the database answers 503 BUSY ("may still apply"), not "nothing changed".
        return (BalanceOutcome) lanes.submit(pending, change.account().hashCode());
    }

    @Override
    public Optional<BalanceOutcome.Refused> commitWith(List<BalanceChange> changes, Runnable stateChange) {
        if (changes.isEmpty()) {
            // Nothing to share a commit for: the state change alone, in a transaction of its own.
            tx.executeWithoutResult(s -> stateChange.run());
            return Optional.empty();
        }
        try {
            flowLanes.submit(
                    new Pending<>(changes, inCallersLogContext(stateChange), BalanceCombiner::refuseAll),
                    changes.getFirst().account().hashCode());
            return Optional.empty();
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

    /** Rolls the submission back on a refusal (and with it the batch, which runs again without it). */
    private static Object refuseAll(List<BalanceOutcome> outcomes) {
        for (BalanceOutcome outcome : outcomes) {
            if (outcome instanceof BalanceOutcome.Refused refused && refused.refusal() != Refusal.GROUP_REFUSED) {
                throw new RefusedSubmission(refused);
            }
        }
        return Boolean.TRUE;
    }

    /** A refused change of a submission with a state change: nothing of it may commit. */
    private static final class RefusedSubmission extends RuntimeException {
        private final transient BalanceOutcome.Refused refused;

        RefusedSubmission(BalanceOutcome.Refused refused) {
            super(refused.message(), null, false, false);
            this.refused = refused;
        }
    }

    /**
     * One batch in one transaction: every state change, then all the balance changes, then the
     * answers. Its adds and deducts are first taken as new, without reading the records of their
     * trade numbers ({@link DefaultWallet#applyGroups(List, boolean)}); when one is a repeat, the
     * records' unique key refuses its insert, and the batch runs again with the records read (so does
     * any other integrity violation, which the second run meets again and hands on).
     */
    private List<Outcome<Object>> run(List<Pending<?>> batch) {
        try {
            return run(batch, true);
        } catch (DataIntegrityViolationException repeated) {
            reruns.increment();
            return run(batch, false);
        }
    }

    private List<Outcome<Object>> run(List<Pending<?>> batch, boolean assumeNew) {
        List<Object> values = tx.execute(status -> {
            // The state changes' own writes go as one batch per statement (see DeferredWrites).
            try (DeferredWrites writes = DeferredWrites.open()) {
                for (Pending<?> pending : batch) {
                    if (pending.before() != null) {
                        pending.before().run();
                    }
                }
                writes.flush();
            }
            List<List<BalanceOutcome>> outcomes =
                    wallet.applyGroups(batch.stream().map(Pending::changes).toList(), assumeNew);
            List<Object> answers = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                try {
                    answers.add(batch.get(i).after().apply(outcomes.get(i)));
                } catch (RefusedSubmission refused) {
                    // This submission rolls the batch back; the others run again without it.
                    throw new GroupCommit.ItemFailed(i, refused);
                }
            }
            return answers;
        });
        return values.stream().map(Outcome::of).toList();
    }

    /** Lets the lanes finish what was queued (the web server has stopped taking requests by now). */
    @Override
    public void destroy() throws InterruptedException {
        lanes.close();
        flowLanes.close();
    }
}
