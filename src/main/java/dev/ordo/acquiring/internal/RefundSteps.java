package dev.ordo.acquiring.internal;

import static dev.ordo.acquiring.AcquiringAccounts.reversalTrade;
import static dev.ordo.acquiring.AcquiringAccounts.unitTrade;

import dev.ordo.acquiring.AcquiringAccounts;
import dev.ordo.acquiring.AcquiringQueues;
import dev.ordo.acquiring.AcquiringQueues.RefundRef;
import dev.ordo.acquiring.AcquiringQueues.ReturnQuery;
import dev.ordo.acquiring.RefundStatus;
import dev.ordo.acquiring.ReturnStatus;
import dev.ordo.acquiring.internal.JdbcRefunds.Refund;
import dev.ordo.acquiring.internal.JdbcRefunds.RefundUnit;
import dev.ordo.catalog.Catalog;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.Flag;
import dev.ordo.jobs.Jobs;
import dev.ordo.notify.Notifications;
import dev.ordo.order.OrderMoney;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.shared.Cents;
import dev.ordo.shared.OrdoException;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.Suppliers;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.TradeNo;
import dev.ordo.wallet.WalletBatches;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of a refund (SPEC A6): return to the supplier where its product takes returns
 * ({@code oms:refund:return}, unknown results queried), decide ({@code oms:refund:return_complete}),
 * refund the channel and take back the fees ({@code oms:refund:pay}), take back the supplier cost
 * ({@code oms:refund:up_pay}), notify ({@code oms:refund:notify}). A general refund refunds only
 * what the supplier took back; a mandatory refund refunds every unit and records Ordo's loss for
 * those the supplier kept. A unit's charge is refunded at most once: the wallet's refund names the
 * charge's trade number, and a charge is refunded once.
 */
@Service
public class RefundSteps {

    private static final Logger log = LoggerFactory.getLogger(RefundSteps.class);

    private final JdbcRefunds refunds;
    private final Orders orders;
    private final Catalog catalog;
    private final Suppliers suppliers;
    private final OrderSteps orderSteps;
    private final WalletBatches walletBatches;
    private final Jobs jobs;
    private final Notifications notifications;
    private final TransactionTemplate tx;
    private final Clock clock;

    RefundSteps(
            JdbcRefunds refunds,
            Orders orders,
            Catalog catalog,
            Suppliers suppliers,
            OrderSteps orderSteps,
            WalletBatches walletBatches,
            Jobs jobs,
            Notifications notifications,
            TransactionTemplate tx,
            Clock clock) {
        this.refunds = refunds;
        this.orders = orders;
        this.catalog = catalog;
        this.suppliers = suppliers;
        this.orderSteps = orderSteps;
        this.walletBatches = walletBatches;
        this.jobs = jobs;
        this.notifications = notifications;
        this.tx = tx;
        this.clock = clock;
    }

    private static String returnNo(long refundId, long unitId) {
        return "r" + refundId + "u" + unitId;
    }

    /** {@code oms:refund:return}: send each pending unit back to its supplier, at most once. */
    public void returnUnits(long refundId) {
        Refund refund = refunds.find(refundId).orElse(null);
        if (refund == null || refund.status() != RefundStatus.RETURNING) {
            return;
        }
        for (RefundUnit ru : refunds.units(refundId)) {
            Unit unit = orders.unit(ru.unitId()).orElseThrow();
            UpChannel supplier = catalog.supplier(unit.upChannelNo()).orElseThrow();
            switch (ru.status()) {
                case RETURNING -> {
                    // Its worker may have died — or may still be sending it (a second return job of
                    // the refund): queried only once a request started before now can no longer be
                    // on its way, or the query's "no such return" would settle a return about to
                    // reach the supplier as not taken back.
                    Instant arrived = clock.instant()
                            .plus(orderSteps.endpoint(supplier).longestCall())
                            .plus(RETURN_START_SLACK);
                    tx.executeWithoutResult(s -> unknown(
                            refund,
                            unit,
                            ReturnStatus.RETURNING,
                            "found RETURNING: the return may have reached the supplier; querying, never resending",
                            arrived));
                }
                case PENDING -> sendBack(refund, unit, supplier);
                default -> {}
            }
        }
        completeIfSettled(refund);
    }

    private void sendBack(Refund refund, Unit unit, UpChannel supplier) {
        boolean takesReturns = catalog.upProduct(unit.upProductId())
                        .map(p -> Flag.yes(p.canRefund()))
                        .orElse(false)
                && supplier.returnUrl() != null;
        if (!takesReturns || pastOvertime(refund)) {
            tx.executeWithoutResult(s -> refunds.transition(
                    refund,
                    unit.unitId(),
                    ReturnStatus.PENDING,
                    ReturnStatus.NOT_RETURNED,
                    null,
                    takesReturns
                            ? "not sent before the refund's overtime"
                            : "the supplier does not take this product back"));
            return;
        }
        Boolean claimed = tx.execute(s ->
                refunds.transition(refund, unit.unitId(), ReturnStatus.PENDING, ReturnStatus.RETURNING, null, null));
        if (!Boolean.TRUE.equals(claimed)) {
            return;
        }
        SupplierAnswer answer = suppliers
                .adapter(supplier.protocol())
                .returnDelivery(
                        orderSteps.endpoint(supplier),
                        Long.toString(unit.unitId()),
                        returnNo(refund.refundId(), unit.unitId()));
        tx.executeWithoutResult(s -> {
            switch (answer.transport()) {
                case NOT_SENT -> {
                    // Nothing reached the supplier: from RETURNING, or from UNKNOWN where another worker
                    // found the unit RETURNING meanwhile (a second return job of the refund, a
                    // take-over) and left it to a query — which would settle a return never sent as
                    // not taken back.
                    boolean over = pastOvertime(refund);
                    ReturnStatus next = over ? ReturnStatus.NOT_RETURNED : ReturnStatus.PENDING;
                    String why = over ? "not sent before the refund's overtime: " + answer.message() : answer.message();
                    boolean moved = refunds.transition(refund, unit.unitId(), ReturnStatus.RETURNING, next, null, why)
                            || refunds.transition(refund, unit.unitId(), ReturnStatus.UNKNOWN, next, null, why);
                    if (!moved || over) {
                        // Settled by someone else meanwhile, or, past the overtime, no new attempt.
                        return;
                    }
                    jobs.enqueue(
                            AcquiringQueues.RETURN,
                            "r" + refund.refundId() + ":" + clock.millis(),
                            new RefundRef(refund.refundId()),
                            clock.instant().plusSeconds(Math.max(1, supplier.requestReplenishTime())));
                }
                case NO_ANSWER -> unknown(refund, unit, ReturnStatus.RETURNING, answer.message());
                case ANSWERED -> {
                    if (!settle(refund, unit, supplier, ReturnStatus.RETURNING, answer)) {
                        // Another worker found the unit RETURNING meanwhile (a second return job of
                        // the refund, a take-over) and made it unknown: a known answer settles it now,
                        // rather than leaving it to a query that may come before the supplier knows
                        // the return, or to none.
                        settle(refund, unit, supplier, ReturnStatus.UNKNOWN, answer);
                    }
                }
            }
        });
    }

    /**
     * Applies an answer to a unit in {@code from}: a known one settles it, an unknown one (only from
     * RETURNING) makes it unknown. False when the unit was not in {@code from}.
     */
    private boolean settle(Refund refund, Unit unit, UpChannel supplier, ReturnStatus from, SupplierAnswer answer) {
        return switch (catalog.dealCode(supplier.channelNo(), supplier.serviceClass(), answer.code())) {
            case Catalog.SUCCESS ->
                refunds.transition(
                        refund, unit.unitId(), from, ReturnStatus.RETURNED, answer.code(), "the supplier took it back");
            case Catalog.FAILURE ->
                refunds.transition(
                        refund,
                        unit.unitId(),
                        from,
                        ReturnStatus.NOT_RETURNED,
                        answer.code(),
                        "the supplier refused: " + answer.message());
            default -> {
                if (from == ReturnStatus.UNKNOWN) {
                    yield true; // unknown it is, and its queries go on
                }
                unknown(refund, unit, from, "return answer " + answer.code() + " means unknown");
                yield true;
            }
        };
    }

    private void unknown(Refund refund, Unit unit, ReturnStatus from, String reason) {
        unknown(refund, unit, from, reason, clock.instant());
    }

    /** As above, the first query {@code first_query_time} after {@code after}. */
    private void unknown(Refund refund, Unit unit, ReturnStatus from, String reason, Instant after) {
        if (refunds.transition(refund, unit.unitId(), from, ReturnStatus.UNKNOWN, null, reason)) {
            UpChannel supplier = catalog.supplier(unit.upChannelNo()).orElseThrow();
            long sending =
                    refunds.unit(refund.refundId(), unit.unitId()).orElseThrow().sending();
            jobs.enqueue(
                    AcquiringQueues.RETURN_UNKNOWN,
                    queryId(refund.refundId(), unit.unitId(), sending, 1),
                    new ReturnQuery(refund.refundId(), unit.unitId(), 1, sending),
                    after.plusSeconds(supplier.firstQueryTime()));
        }
    }

    /**
     * A return's n-th query of one sending: a return sent again (its first sending never reached
     * the supplier) has its queries of its own, each {@code first_query_time} after its sending;
     * null for a query of whichever sending is the latest (the overtime's, one enqueued before
     * sendings were told apart).
     */
    private static String queryId(long refundId, long unitId, Long sending, int attempt) {
        return returnNo(refundId, unitId) + "#" + (sending == null ? "" : sending) + "q" + attempt;
    }

    /**
     * How long after its claim a return's request may still start (the claim's commit, then the
     * call): a worker sends a return right after claiming it, one unit after another.
     */
    private static final Duration RETURN_START_SLACK = Duration.ofSeconds(5);

    /** {@code oms:overtime:return_unknown}: query an unknown return until known or the refund's overtime. */
    public void queryReturn(ReturnQuery q) {
        Refund refund = refunds.find(q.refundId()).orElse(null);
        if (refund == null || refund.status() != RefundStatus.RETURNING) {
            return;
        }
        RefundUnit ru = refunds.unit(q.refundId(), q.unitId()).orElse(null);
        if (ru == null || ru.status() != ReturnStatus.UNKNOWN) {
            if (ru != null && ru.status().settled()) {
                // Settled already — by this query run before its node died, it may be, after the
                // settling commit and before the completion was enqueued: enqueued now (by id, once).
                completeIfSettled(refund);
            }
            return;
        }
        if (q.sending() != null && q.sending() != ru.sending()) {
            // Sent again since (an earlier sending never reached the supplier): this query's
            // "no such return" could come before the new request reached the supplier and settle a
            // return on its way as not taken back; the new sending has its own queries.
            return;
        }
        Unit unit = orders.unit(q.unitId()).orElseThrow();
        UpChannel supplier = catalog.supplier(unit.upChannelNo()).orElseThrow();
        SupplierAnswer answer = Flag.yes(supplier.canQuery())
                ? suppliers
                        .adapter(supplier.protocol())
                        .queryReturn(orderSteps.endpoint(supplier), returnNo(q.refundId(), q.unitId()))
                : SupplierAnswer.noAnswer("the supplier answers no queries");
        if (answer.transport() == SupplierAnswer.Transport.ANSWERED
                && catalog.dealCode(supplier.channelNo(), supplier.serviceClass(), answer.code()) != Catalog.UNKNOWN) {
            tx.executeWithoutResult(s -> settle(refund, unit, supplier, ReturnStatus.UNKNOWN, answer));
            completeIfSettled(refund);
            return;
        }
        if (!pastOvertime(refund)) {
            // A supplier that answers no queries has nothing to be asked: only its callback or the
            // refund's overtime settles the return, and the next run is at that overtime.
            jobs.enqueue(
                    AcquiringQueues.RETURN_UNKNOWN,
                    queryId(q.refundId(), q.unitId(), q.sending(), q.attempt() + 1),
                    new ReturnQuery(q.refundId(), q.unitId(), q.attempt() + 1, q.sending()),
                    Flag.yes(supplier.canQuery())
                            ? clock.instant().plusSeconds(Math.max(1, supplier.queryReplenishTime()))
                            : refund.overtimeAt());
            return;
        }
        // Unknown still at the refund's overtime (it may have become unknown after the overtime ran,
        // its call in flight then): it stays with the supplier, as the overtime decides for the others.
        tx.executeWithoutResult(s -> refunds.transition(
                refund,
                unit.unitId(),
                ReturnStatus.UNKNOWN,
                ReturnStatus.NOT_RETURNED,
                null,
                "still unknown at the refund's overtime"));
        completeIfSettled(refund);
    }

    private boolean pastOvertime(Refund refund) {
        return !clock.instant().isBefore(refund.overtimeAt());
    }

    private void completeIfSettled(Refund refund) {
        if (refunds.units(refund.refundId()).stream().allMatch(u -> u.status().settled())) {
            jobs.enqueue(AcquiringQueues.RETURN_COMPLETE, "r" + refund.refundId(), new RefundRef(refund.refundId()));
        }
    }

    /**
     * {@code oms:refund:return_complete}: every return is settled. A general refund keeps what the
     * supplier did not take back; a mandatory one refunds everything. Nothing to refund: it failed.
     */
    public void returnsComplete(long refundId) {
        Refund refund = refunds.find(refundId).orElse(null);
        if (refund == null || refund.status() != RefundStatus.RETURNING) {
            return;
        }
        List<RefundUnit> units = refunds.units(refundId);
        if (!units.stream().allMatch(u -> u.status().settled())) {
            return;
        }
        tx.executeWithoutResult(s -> {
            boolean anything = refund.mandatory() || units.stream().anyMatch(u -> u.status() == ReturnStatus.RETURNED);
            if (!refund.mandatory()) {
                for (RefundUnit u : units) {
                    if (u.status() == ReturnStatus.NOT_RETURNED
                            && refunds.transition(
                                    refund,
                                    u.unitId(),
                                    ReturnStatus.NOT_RETURNED,
                                    ReturnStatus.KEPT,
                                    null,
                                    "a general refund refunds only what the supplier took back")) {
                        orders.releaseFromRefund(u.unitId(), refundId);
                    }
                }
            }
            if (!anything) {
                if (refunds.finish(
                        refund, RefundStatus.RETURNING, RefundStatus.FAILED, 0, 0, "the supplier took nothing back")) {
                    notifyChannel(refund, RefundStatus.FAILED);
                }
                return;
            }
            if (refunds.transition(refund, RefundStatus.RETURNING, RefundStatus.REFUNDING, "returns settled")) {
                jobs.enqueue(AcquiringQueues.REFUND_PAY, "r" + refundId, new RefundRef(refundId));
            }
        });
    }

    /**
     * {@code oms:refund:pay}: refund the channel what it paid for the units, and take back their
     * commission and fees, in one batch with the other movements of the channel's account.
     */
    public void refundChannel(long refundId) {
        Refund refund = refunds.find(refundId).orElse(null);
        if (refund == null || refund.status() != RefundStatus.REFUNDING) {
            return;
        }
        List<RefundUnit> toRefund = refunds.units(refundId).stream()
                .filter(u -> u.status() == ReturnStatus.RETURNED || u.status() == ReturnStatus.NOT_RETURNED)
                .toList();
        String ch = refund.channelNo();
        List<BalanceChange> sales = new ArrayList<>();
        List<BalanceChange> fees = new ArrayList<>();
        long refunded = 0;
        for (RefundUnit ru : toRefund) {
            OrderMoney m = orders.unit(ru.unitId()).orElseThrow().money();
            refunded += m.sale();
            change(sales, AcquiringAccounts.channel(ch), unitTrade(ru.unitId()), ChangeType.REFUND, m.sale());
            String reversal = reversalTrade(refundId, ru.unitId());
            change(fees, AcquiringAccounts.channelCommission(ch), reversal, ChangeType.DEDUCT, m.commission());
            change(fees, AcquiringAccounts.channelService(ch), reversal, ChangeType.DEDUCT, m.serviceFee());
            change(fees, AcquiringAccounts.channelPaymentFee(ch), reversal, ChangeType.DEDUCT, m.paymentFee());
        }
        long refundedSale = refunded;
        Runnable moveOn = () -> {
            for (RefundUnit ru : toRefund) {
                ReturnStatus to =
                        ru.status() == ReturnStatus.RETURNED ? ReturnStatus.REFUNDED : ReturnStatus.REFUNDED_AT_LOSS;
                refunds.transition(refund, ru.unitId(), ru.status(), to, null, "refunded to the channel");
            }
            if (!refunds.transition(
                    refund,
                    RefundStatus.REFUNDING,
                    RefundStatus.REVERSING,
                    "refunded " + refundedSale + " to the channel")) {
                throw new Overtaken();
            }
            jobs.enqueue(AcquiringQueues.REFUND_UP_PAY, "r" + refundId, new RefundRef(refundId));
        };
        commitTakingBackFees(refund, sales, fees, "refund.fees_not_taken_back", moveOn, "refund " + refundId);
    }

    /**
     * {@code oms:refund:up_pay}: take back from the supplier the cost of the units it took back, and
     * its commission and service fee; record the loss of units refunded although the supplier kept
     * them; finish the refund and notify the channel.
     */
    public void reverseSupplier(long refundId) {
        Refund refund = refunds.find(refundId).orElse(null);
        if (refund == null || refund.status() != RefundStatus.REVERSING) {
            return;
        }
        List<RefundUnit> units = refunds.units(refundId);
        List<BalanceChange> costs = new ArrayList<>();
        List<BalanceChange> fees = new ArrayList<>();
        long refundedSale = 0;
        long loss = 0;
        int refundedUnits = 0;
        for (RefundUnit ru : units) {
            Unit unit = orders.unit(ru.unitId()).orElseThrow();
            OrderMoney m = unit.money();
            if (ru.status() == ReturnStatus.REFUNDED) {
                String sup = unit.upChannelNo();
                String reversal = reversalTrade(refundId, ru.unitId());
                change(costs, AcquiringAccounts.supplier(sup), unitTrade(ru.unitId()), ChangeType.REFUND, m.cost());
                change(fees, AcquiringAccounts.supplierCommission(sup), reversal, ChangeType.DEDUCT, m.upCommission());
                change(fees, AcquiringAccounts.supplierService(sup), reversal, ChangeType.DEDUCT, m.upServiceFee());
            }
            if (ru.status() == ReturnStatus.REFUNDED_AT_LOSS) {
                loss += m.cost() - m.upCommission() + m.upServiceFee();
            }
            if (ru.status() == ReturnStatus.REFUNDED || ru.status() == ReturnStatus.REFUNDED_AT_LOSS) {
                refundedSale += m.sale();
                refundedUnits++;
            }
        }
        RefundStatus outcome = refundedUnits == units.size() ? RefundStatus.SUCCEEDED : RefundStatus.PARTLY_SUCCEEDED;
        long sale = refundedSale;
        long lost = loss;
        Runnable finish = () -> {
            if (!refunds.finish(
                    refund,
                    RefundStatus.REVERSING,
                    outcome,
                    sale,
                    lost,
                    "refunded " + sale + (lost > 0 ? ", loss " + lost : ""))) {
                throw new Overtaken();
            }
            notifyChannel(refund, outcome);
        };
        commitTakingBackFees(
                refund,
                costs,
                fees,
                "refund.supplier_fees_not_taken_back",
                finish,
                "supplier reversal of refund " + refundId);
    }

    /**
     * Commits {@code moneyBack} and {@code fees} with {@code moveOn}, in one batch. If a fee account
     * cannot give back what it was paid (a channel or supplier took its commission out, say; only a
     * deduct can fall short, and the fees are the only deducts here), the batch is tried again without
     * that account's fees, and with a note of them on the order ({@code noteType}) for an operator,
     * until it commits: the money still goes back, every other fee account gives back its fees, and
     * what is noted is exactly what this commit did not take back — every movement in the one
     * transaction with the refund's step, whose transition, if another run of the step made it first,
     * rolls all of it back ({@link Overtaken}). Any other refusal (a locked or missing account) says
     * nothing about later, so the job tries again (and ends among the dead jobs for an operator if it
     * never can).
     */
    private void commitTakingBackFees(
            Refund refund,
            List<BalanceChange> moneyBack,
            List<BalanceChange> fees,
            String noteType,
            Runnable moveOn,
            String step) {
        Map<String, Long> notTakenBack = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        List<BalanceChange> feesLeft = new ArrayList<>(fees);
        while (true) {
            List<BalanceChange> all = new ArrayList<>(moneyBack);
            all.addAll(feesLeft);
            String noted = notTakenBack.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", "))
                    + " not taken back: " + String.join("; ", reasons);
            Runnable stateChange = notTakenBack.isEmpty()
                    ? moveOn
                    : () -> {
                        orders.note(refund.orderId(), null, refund.refundId(), noteType, noted);
                        moveOn.run();
                    };
            Optional<BalanceOutcome.Refused> refused;
            try {
                refused = walletBatches.commitWith(all, stateChange);
            } catch (Overtaken e) {
                log.info("{}: another run of the step committed it first; this one committed nothing", step);
                return;
            }
            if (refused.isEmpty()) {
                return;
            }
            AccountKey shortAccount = refused.get().account();
            List<BalanceChange> ofShortAccount = feesLeft.stream()
                    .filter(f -> f.account().equals(shortAccount))
                    .toList();
            if (refused.get().refusal() != Refusal.INSUFFICIENT || ofShortAccount.isEmpty()) {
                throw new IllegalStateException(
                        step + " refused by the wallet: " + refused.get().message());
            }
            feesLeft.removeAll(ofShortAccount);
            notTakenBack.merge(
                    shortAccount.groups(),
                    ofShortAccount.stream().mapToLong(f -> f.amount().value()).sum(),
                    Long::sum);
            reasons.add(refused.get().message());
        }
    }

    /** Thrown by a step's state change whose transition another run of the step made first. */
    private static final class Overtaken extends RuntimeException {
        Overtaken() {
            super("overtaken by another run of the step", null, false, false);
        }
    }

    /**
     * {@code oms:overtime:refund_deal}: the refund's overtime has come; what was not sent back yet
     * stays with the supplier. An unknown return is left to its query ({@link #queryReturn}), whose
     * answer may be on its way right now: the next query after the overtime applies a known answer
     * or, still unknown, decides that the supplier kept it.
     *
     * <p>The refund stays watched while it is returning: each {@link #WATCH_AGAIN} after its
     * overtime, the jobs that carry it on are enqueued again — a return found in flight, a query of an
     * unknown one, the completion — as any of them may have died meanwhile (their attempts spent while
     * the database was away), which would leave the refund returning for ever. Each is idempotent.
     */
    public void overtime(long refundId) {
        Refund refund = refunds.find(refundId).orElse(null);
        if (refund == null) {
            return;
        }
        if (refund.status() != RefundStatus.RETURNING) {
            refunds.endOvertimeWatch(refundId);
            return;
        }
        Instant now = clock.instant();
        List<RefundUnit> units = refunds.units(refundId);
        tx.executeWithoutResult(s -> {
            for (RefundUnit u : units) {
                if (u.status() == ReturnStatus.PENDING) {
                    refunds.transition(
                            refund,
                            u.unitId(),
                            u.status(),
                            ReturnStatus.NOT_RETURNED,
                            null,
                            "not back before the refund's overtime");
                }
            }
            refunds.watchAgainAt(refundId, now.plus(WATCH_AGAIN));
        });
        if (!now.isBefore(refund.overtimeAt().plus(WATCH_AGAIN))) {
            for (RefundUnit u : units) {
                switch (u.status()) {
                    case RETURNING -> jobs.enqueue(AcquiringQueues.RETURN, "r" + refundId, new RefundRef(refundId));
                    case UNKNOWN -> {
                        // Once its own query after the overtime should have settled it; and not before a
                        // return that was in flight a moment ago can have reached the supplier.
                        Unit unit = orders.unit(u.unitId()).orElseThrow();
                        UpChannel supplier =
                                catalog.supplier(unit.upChannelNo()).orElseThrow();
                        if (!now.isBefore(refund.overtimeAt()
                                .plusSeconds(Math.max(1, supplier.queryReplenishTime()))
                                .plus(WATCH_AGAIN))) {
                            jobs.enqueue(
                                    AcquiringQueues.RETURN_UNKNOWN,
                                    returnNo(refundId, u.unitId()) + "#qo",
                                    new ReturnQuery(refundId, u.unitId(), 0, null),
                                    now.plus(orderSteps.endpoint(supplier).longestCall())
                                            .plus(RETURN_START_SLACK));
                        }
                    }
                    default -> {}
                }
            }
        }
        completeIfSettled(refund);
    }

    /** How often a refund still returning after its overtime has the jobs that carry it on enqueued again. */
    static final Duration WATCH_AGAIN = Duration.ofMinutes(1);

    public int scanOvertime() {
        List<Long> due = refunds.dueForOvertime(clock.instant(), 500);
        due.forEach(id -> jobs.enqueue(AcquiringQueues.REFUND_OVERTIME, "r" + id, new RefundRef(id)));
        return due.size();
    }

    /** The refund notification of seed 000 §6: channel_no, request_no, refund_no, refund_num, status. */
    private void notifyChannel(Refund refund, RefundStatus outcome) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("channel_no", refund.channelNo());
        form.put("request_no", refund.requestNo());
        form.put("refund_no", refund.refundNo());
        form.put("refund_id", Long.toString(refund.refundId()));
        form.put("refund_num", Integer.toString(refund.refundNum()));
        form.put("status", Integer.toString(outcome.channelCode()));
        try {
            notifications.send(
                    AcquiringQueues.REFUND_NOTIFY,
                    "refund-" + refund.refundId(),
                    refund.channelNo(),
                    refund.notifyUrl(),
                    form);
        } catch (OrdoException e) { // a URL that became unacceptable; a database error fails the step
            log.warn("refund {} not notified: {}", refund.refundId(), e.getMessage());
            orders.note(refund.orderId(), null, refund.refundId(), "refund.not_notified", e.getMessage());
        }
    }

    private static void change(
            List<BalanceChange> changes, AccountKey account, String trade, ChangeType type, long cents) {
        if (cents > 0) {
            changes.add(new BalanceChange(account, new TradeNo(trade), type, Cents.of(cents)));
        }
    }
}
