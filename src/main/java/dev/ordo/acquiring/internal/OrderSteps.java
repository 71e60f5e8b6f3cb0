package dev.ordo.acquiring.internal;

import static dev.ordo.acquiring.AcquiringAccounts.unitTrade;

import dev.ordo.acquiring.AcquiringAccounts;
import dev.ordo.acquiring.AcquiringQueues;
import dev.ordo.acquiring.AcquiringQueues.OrderRef;
import dev.ordo.acquiring.AcquiringQueues.UnitQuery;
import dev.ordo.acquiring.AcquiringQueues.UnitRef;
import dev.ordo.catalog.Catalog;
import dev.ordo.catalog.Catalog.SupplyOption;
import dev.ordo.catalog.Catalog.SupplyQuery;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.catalog.Flag;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.RunningJob;
import dev.ordo.notify.Notifications;
import dev.ordo.order.Order;
import dev.ordo.order.OrderMoney;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Orders.PlannedUnit;
import dev.ordo.order.Orders.UnitResult;
import dev.ordo.order.Orders.UnitTransition;
import dev.ordo.order.Unit;
import dev.ordo.order.UnitStatus;
import dev.ordo.shared.Cents;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Money;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.PublicUrl;
import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAdapter;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import dev.ordo.supplier.Suppliers;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.TradeNo;
import dev.ordo.wallet.WalletBatches;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of an order after acceptance (SPEC A3). Every step reads the state, acts only when the
 * state is the one it expects (so a repeated job does nothing), and commits its state change
 * together with the money it moves.
 *
 * <p>The order's job ({@link #advance}) carries an order through every step that can run at once —
 * bind, pay, the delivery of each unit, the refund of units that failed, up_pay. An accepted order
 * is bound, paid and claimed in one transaction ({@link #payAndClaim}); when its supplier delivers
 * every unit at once, the answers, the bookings and the finish are a second one
 * ({@link #settleDelivered}); otherwise each step is a transaction of its own. Its job stays
 * claimed until it returns, so if the node dies another node runs it again
 * and it carries on from the state the order is in. Where a step must wait (an unknown result to
 * query, a supplier that could not be reached) or is started from outside (a callback, an operator,
 * the overtime timer), it hands over to that step's queue: {@link HandOn#ENQUEUE} enqueues the next
 * job in the same transaction as the state change.
 */
@Service
public class OrderSteps {

    private static final Logger log = LoggerFactory.getLogger(OrderSteps.class);

    /** The most delivery units one order is split into; an order needing more fails at bind. */
    static final int MAX_UNITS = 1_000;

    private final Orders orders;
    private final Catalog catalog;
    private final Suppliers suppliers;
    private final WalletBatches walletBatches;
    private final Jobs jobs;
    private final Notifications notifications;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final PublicUrl publicUrl;

    /** What a step does with the step that follows it. */
    private enum HandOn {
        /** The order's job carries on with the next step itself. */
        CARRY_ON,
        /** The next step's job is enqueued with the state change. */
        ENQUEUE
    }

    OrderSteps(
            Orders orders,
            Catalog catalog,
            Suppliers suppliers,
            WalletBatches walletBatches,
            Jobs jobs,
            Notifications notifications,
            TransactionTemplate tx,
            Clock clock,
            PublicUrl publicUrl) {
        this.orders = orders;
        this.catalog = catalog;
        this.suppliers = suppliers;
        this.walletBatches = walletBatches;
        this.jobs = jobs;
        this.notifications = notifications;
        this.tx = tx;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    // ---------------------------------------------------------------- the order's job

    /**
     * {@code oms:order:bind} (and {@code oms:order:pay}): carries the order on from the state it is
     * in — bind, pay, deliver its units, refund the ones that failed, up_pay — while each step can
     * run at once.
     */
    public void advance(OrderRef job) {
        Order accepted = job.accepted();
        if (accepted == null || accepted.status() != OrderStatus.ACCEPTED) {
            advance(job.orderId());
            return;
        }
        // The order as accepted, carried by its job: no read on the way of nearly every order. If the
        // job runs again after the order moved on (the node died after paying), the payment finds the
        // order no longer accepted, writes nothing, and the order is read and carried on from its state.
        Plan plan = bind(accepted);
        if (plan == null) {
            advance(job.orderId());
            return;
        }
        List<Unit> claimed;
        try {
            claimed = payAndClaim(accepted, plan);
        } catch (OrderMoved e) {
            advance(job.orderId());
            return;
        }
        if (claimed != null) {
            deliverClaimed(accepted, claimed);
        }
    }

    /** {@link #advance(OrderRef)} from the order as it is now. */
    public void advance(long orderId) {
        Order order = orders.find(orderId).orElse(null);
        if (order == null) {
            return;
        }
        switch (order.status()) {
            case ACCEPTED -> {
                Plan plan = bind(order);
                if (plan != null) {
                    List<Unit> claimed = payAndClaim(order, plan);
                    if (claimed != null) {
                        deliverClaimed(order, claimed);
                    }
                }
            }
            case BOUND -> {
                if (pay(order)) {
                    deliverAndSettle(order);
                }
            }
            case PAID -> deliverAndSettle(order);
            default -> {
                // final: a repeated job
            }
        }
    }

    /** Submits the units not yet submitted, refunds those that failed, and settles the order once every unit is. */
    private void deliverAndSettle(Order order) {
        for (Unit unit : orders.units(order.orderId())) {
            if (unit.status() == UnitStatus.PAID || unit.status() == UnitStatus.SUBMITTING) {
                deliver(order, unit, HandOn.CARRY_ON);
            }
        }
        refundFailedAndSettle(order);
    }

    private void refundFailedAndSettle(Order order) {
        for (Unit unit : orders.units(order.orderId())) {
            if (unit.status() == UnitStatus.FAILED || unit.status() == UnitStatus.STOPPED) {
                try {
                    refundUnit(order, unit, HandOn.CARRY_ON);
                } catch (RuntimeException e) {
                    // Not the order's job's to wait for (a locked channel account, say): the unit refund
                    // queue retries, for weeks if need be, and hands the order to up_pay when it is the last.
                    log.warn(
                            "refund of unit {} failed ({}); oms:overtime:refund retries it",
                            unit.unitId(),
                            e.toString());
                    jobs.enqueue(AcquiringQueues.UNIT_REFUND, "u" + unit.unitId(), new UnitRef(unit.unitId()));
                }
            }
        }
        // Read again after the refunds: a callback or query may have settled another unit meanwhile,
        // and if this job's refund counted off the last open unit, nobody else settles the order.
        List<Unit> units = orders.units(order.orderId());
        if (units.stream().allMatch(u -> u.status().isFinal())) {
            try {
                settle(order, units);
            } catch (BookingRefused e) {
                // Not the order's job's to wait for: oms:order:up_pay retries, for weeks if need be.
                log.warn("{}; oms:order:up_pay retries it", e.getMessage());
                jobs.enqueue(AcquiringQueues.UP_PAY, "o" + order.orderId(), new OrderRef(order.orderId()));
            }
        }
    }

    /**
     * Submits the units the order's job has just claimed (see {@link #payAndClaim}). When every unit
     * is delivered at once — the common case — the units, the supplier's cost, the fees and the
     * order's end are committed together in one batch; otherwise each answer is applied on its own
     * and the order carries on as after any other submission.
     */
    private void deliverClaimed(Order order, List<Unit> claimed) {
        List<UpChannel> suppliersOf = claimed.stream()
                .map(unit -> catalog.supplier(unit.upChannelNo()).orElseThrow())
                .toList();
        List<SupplierAnswer> answers = submitAll(order, claimed, suppliersOf);
        boolean allDelivered = true;
        for (int i = 0; i < claimed.size(); i++) {
            UpChannel supplier = suppliersOf.get(i);
            SupplierAnswer answer = answers.get(i);
            allDelivered &= answer.transport() == SupplierAnswer.Transport.ANSWERED
                    && catalog.dealCode(supplier.channelNo(), supplier.serviceClass(), answer.code())
                            == Catalog.SUCCESS;
        }
        if (allDelivered && settleDelivered(order, claimed, answers)) {
            return;
        }
        for (int i = 0; i < claimed.size(); i++) {
            Unit unit = claimed.get(i);
            UpChannel supplier = suppliersOf.get(i);
            SupplierAnswer answer = answers.get(i);
            tx.executeWithoutResult(s -> settleSubmission(unit, supplier, answer, HandOn.CARRY_ON));
        }
        refundFailedAndSettle(order);
    }

    /**
     * Every unit of the order delivered: their transitions, the bookings of {@link #settle} and the
     * order's end in one wallet batch; false (nothing committed) if a unit had moved meanwhile or an
     * account refused a booking.
     */
    private boolean settleDelivered(Order order, List<Unit> units, List<SupplierAnswer> answers) {
        OrderMoney money = units.stream().map(Unit::money).reduce(OrderMoney.ZERO, OrderMoney::plus);
        String reason = units.size() + " of " + units.size() + " units delivered; margin " + money.margin();
        List<UnitResult> results = answers.stream()
                .map(a -> new UnitResult(a.code(), a.message(), a.supplierOrderNo()))
                .toList();
        String how =
                answers.stream().map(a -> "submitted: " + a.code()).distinct().collect(Collectors.joining(", "));
        // The order's job ends here: its completion commits with the order's end (on the lane's thread).
        Optional<RunningJob> job = jobs.running();
        Runnable stateChange = () -> {
            orders.finishWithUnits(
                    units,
                    UnitStatus.SUBMITTING,
                    UnitStatus.DELIVERED,
                    results,
                    how,
                    OrderStatus.PAID,
                    OrderStatus.SUCCEEDED,
                    money,
                    reason,
                    () -> new UnitByUnit("order " + order.orderId() + " or a unit of it moved meanwhile"));
            notifyChannel(order, OrderStatus.SUCCEEDED);
            job.ifPresent(RunningJob::completeInTransaction);
        };
        try {
            walletBatches.commitWith(bookings(order, units), stateChange).ifPresent(refused -> {
                throw new UnitByUnit("booking refused: " + refused.message());
            });
            return true;
        } catch (UnitByUnit e) {
            log.debug("order {}: settled unit by unit ({})", order.orderId(), e.getMessage());
            return false;
        }
    }

    /** An order that was no longer accepted when it was to be paid: nothing was written. */
    static final class OrderMoved extends IllegalStateException {
        OrderMoved(String why) {
            super(why);
        }
    }

    /** A delivered order that cannot be settled in one batch: it is settled unit by unit instead. */
    private static final class UnitByUnit extends RuntimeException {
        UnitByUnit(String why) {
            super(why, null, false, false);
        }
    }

    // ---------------------------------------------------------------- bind

    /**
     * What the catalog answers, from a snapshot read after the order was accepted when the answer
     * would fail the order: it may have been accepted on another node, against an entry created there
     * moments before (a second's allowance for that node's clock being behind this one's).
     */
    private <T> T fresh(Order order, Supplier<T> read, Predicate<T> enough) {
        T answer = read.get();
        if (enough.test(answer)) {
            return answer;
        }
        catalog.readSince(order.createdAt().plusSeconds(1));
        return read.get();
    }

    /** The delivery units chosen for an order, and why. */
    private record Plan(List<PlannedUnit> units, String decision) {}

    /**
     * Chooses the supplier (cheapest usable first) and plans the delivery units; null when the order
     * cannot be bound (it is failed with the reason).
     */
    private Plan bind(Order order) {
        long orderId = order.orderId();
        if (!clock.instant().isBefore(order.overtimeAt())) {
            tx.executeWithoutResult(
                    s -> fail(order, OrderStatus.ACCEPTED, "order overtime before a supplier was chosen"));
            return null;
        }
        DownProduct product = fresh(order, () -> catalog.downProduct(order.downProductId()), Optional::isPresent)
                .orElse(null);
        if (product == null) {
            tx.executeWithoutResult(s -> fail(order, OrderStatus.ACCEPTED, "the downstream product no longer exists"));
            return null;
        }
        long pieceFace = product.pieceFace();
        // The face delivered is the order's, as accepted and priced: the catalog may have changed
        // since (a product's face or split face edited while the order waited), and only the way it
        // splits into pieces is taken from it now.
        if (order.face() % pieceFace != 0) {
            tx.executeWithoutResult(s -> fail(
                    order,
                    OrderStatus.ACCEPTED,
                    "the product now splits into pieces of " + pieceFace + ", which do not make up the order's face "
                            + order.face()));
            return null;
        }
        long pieces = order.num() * (order.face() / pieceFace);
        SupplyQuery supply = new SupplyQuery(
                order.lineId(), order.carrierNo(), order.provinceNo(), order.cityNo(), order.invoiceType(), pieceFace);
        List<SupplyOption> options = fresh(
                order, () -> catalog.supply(supply), found -> found.stream().anyMatch(SupplyOption::usable));
        String considered = options.stream()
                .map(o -> o.supplier() == null
                        ? "?"
                        : o.supplier().channelNo() + " product " + o.product().productId() + ": " + o.reason())
                .collect(Collectors.joining("; ", "[", "]"));
        List<SupplyOption> usable =
                options.stream().filter(SupplyOption::usable).toList();
        if (usable.isEmpty()) {
            tx.executeWithoutResult(s -> fail(
                    order,
                    OrderStatus.ACCEPTED,
                    "no usable supplier for " + pieces + " pieces of " + pieceFace + "; considered " + considered));
            return null;
        }
        // The cheapest usable supplier that delivers the order in at most MAX_UNITS units.
        Optional<SupplyOption> chosen = usable.stream()
                .filter(o -> units(pieces, o.product()) <= MAX_UNITS)
                .findFirst();
        if (chosen.isEmpty()) {
            UpProduct widest = usable.stream()
                    .max(Comparator.comparingInt(o -> o.product().limitCount()))
                    .orElseThrow()
                    .product();
            tx.executeWithoutResult(s -> fail(
                    order,
                    OrderStatus.ACCEPTED,
                    pieces + " pieces of " + pieceFace + " make at least " + units(pieces, widest)
                            + " delivery units (limit_count " + widest.limitCount()
                            + " at most); an order has at most " + MAX_UNITS + "; considered " + considered));
            return null;
        }
        UpProduct up = chosen.get().product();
        String supplierNo = chosen.get().supplier().channelNo();
        List<PlannedUnit> units = plan(order, product, up, supplierNo, (int) pieces, pieceFace, orders::nextUnitId);
        String decision = "chose " + supplierNo + " product " + up.productId() + " (cheapest usable, cost_discount "
                + up.costDiscount().toPlainString() + ", limit_count " + up.limitCount() + "): " + units.size()
                + " units for " + pieces + " pieces of " + pieceFace + "; considered " + considered;
        return new Plan(units, decision);
    }

    private static long units(long pieces, UpProduct product) {
        return (pieces + product.limitCount() - 1) / product.limitCount();
    }

    /**
     * Pieces grouped into units of at most the supplier's {@code limit_count}; the order's sale,
     * commission and fees allocated to the units by face ({@link Money#allocate}); the supplier's
     * cost and commission computed per unit.
     */
    static List<PlannedUnit> plan(
            Order order,
            DownProduct product,
            UpProduct up,
            String supplierNo,
            int pieces,
            long pieceFace,
            LongSupplier unitIds) {
        List<Integer> sizes = new ArrayList<>();
        for (int left = pieces; left > 0; left -= up.limitCount()) {
            sizes.add(Math.min(left, up.limitCount()));
        }
        List<Long> faces = sizes.stream().map(n -> n * pieceFace).toList();
        long orderFace = order.face() * order.num();
        List<Long> sale = Money.allocate(order.amount(), faces);
        List<Long> commission = Money.allocate(Money.times(orderFace, product.commissionDiscount()), faces);
        List<Long> service = Money.allocate(Money.times(orderFace, product.serviceDiscount()), faces);
        List<Long> paymentFee = Money.allocate(Money.times(order.amount(), product.paymentFeeDiscount()), faces);
        List<PlannedUnit> units = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            long face = faces.get(i);
            OrderMoney money = new OrderMoney(
                    sale.get(i),
                    commission.get(i),
                    service.get(i),
                    paymentFee.get(i),
                    Money.times(face, up.costDiscount()),
                    Money.times(face, up.commissionDiscount()),
                    Money.times(face, up.serviceDiscount()));
            units.add(
                    new PlannedUnit(unitIds.getAsLong(), sizes.get(i), face, supplierNo, up.productId(), money, null));
        }
        return units;
    }

    // ---------------------------------------------------------------- pay

    /**
     * Binds the order, charges the channel for every unit and claims the units for their submission,
     * in one transaction batched with the other orders paying from the same account (see
     * {@link Orders#bindAndPay}); the claimed units, or null when the order is not paid. A channel
     * that cannot pay leaves the order bound and failed, its units cancelled.
     */
    private List<Unit> payAndClaim(Order order, Plan plan) {
        long orderId = order.orderId();
        List<BalanceChange> charges =
                charges(order, plan.units(), PlannedUnit::unitId, u -> u.money().sale());
        String paidReason = "charged " + order.amount() + " for " + plan.units().size() + " units";
        AtomicReference<List<Unit>> claimed = new AtomicReference<>();
        // If the order moved on meanwhile (overtime), nothing is charged; the job's retry finds it settled.
        Runnable stateChange = () -> claimed.set(orders.bindAndPay(
                orderId,
                plan.units(),
                plan.decision(),
                paidReason,
                () -> new OrderMoved("order " + orderId + " changed before it was charged")));
        Optional<BalanceOutcome.Refused> refused = walletBatches.commitWith(charges, stateChange);
        if (refused.isPresent()) {
            tx.executeWithoutResult(s -> {
                if (orders.bind(orderId, plan.units(), plan.decision())) {
                    cancel(
                            order,
                            orders.units(orderId),
                            "the channel could not pay: " + refused.get().message());
                }
            });
            return null;
        }
        return claimed.get();
    }

    /** The channel's charge for each unit that has a price, keyed by the unit's trade number. */
    private static <U> List<BalanceChange> charges(
            Order order, List<U> units, ToLongFunction<U> unitId, ToLongFunction<U> sale) {
        AccountKey payer = AcquiringAccounts.channel(order.channelNo());
        return units.stream()
                .filter(u -> sale.applyAsLong(u) > 0)
                .map(u -> new BalanceChange(
                        payer,
                        new TradeNo(unitTrade(unitId.applyAsLong(u))),
                        ChangeType.DEDUCT,
                        Cents.of(sale.applyAsLong(u))))
                .toList();
    }

    /**
     * Charges the channel for every unit, all or nothing, in a batch with the other orders paying
     * from the same account, and in the same transaction moves the order and its units to PAID;
     * true when the order is paid.
     */
    private boolean pay(Order order) {
        List<Unit> units = orders.units(order.orderId());
        if (!clock.instant().isBefore(order.overtimeAt())) {
            tx.executeWithoutResult(s -> cancel(order, units, "order overtime before payment"));
            return false;
        }
        List<BalanceChange> charges =
                charges(order, units, Unit::unitId, u -> u.money().sale());
        Optional<BalanceOutcome.Refused> refused = walletBatches.commitWith(charges, () -> paid(order, units));
        refused.ifPresent(
                r -> tx.executeWithoutResult(s -> cancel(order, units, "the channel could not pay: " + r.message())));
        return refused.isEmpty();
    }

    private void paid(Order order, List<Unit> units) {
        if (!orders.transition(
                order.orderId(),
                OrderStatus.BOUND,
                OrderStatus.PAID,
                "charged " + order.amount() + " for " + units.size() + " units")) {
            // The order moved on meanwhile (overtime): charge nothing; the job's retry finds it settled.
            throw new IllegalStateException("order " + order.orderId() + " changed before it was charged");
        }
        for (Unit unit : units) {
            orders.transition(unit, UnitStatus.PLANNED, UnitStatus.PAID, UnitResult.NONE, null);
        }
    }

    /** Before payment: nothing moved, nothing to give back; every unit is cancelled and the order failed. */
    private void cancel(Order order, List<Unit> units, String reason) {
        Order current = orders.find(order.orderId()).orElseThrow();
        if (current.status() != OrderStatus.ACCEPTED && current.status() != OrderStatus.BOUND) {
            return;
        }
        for (Unit unit : units) {
            orders.transition(unit, UnitStatus.PLANNED, UnitStatus.CANCELLED, UnitResult.NONE, reason);
        }
        fail(current, current.status(), reason);
    }

    private void fail(Order order, OrderStatus from, String reason) {
        if (orders.finish(order.orderId(), from, OrderStatus.FAILED, OrderMoney.ZERO, reason)) {
            notifyChannel(order, OrderStatus.FAILED);
        }
    }

    // ---------------------------------------------------------------- delivery

    /**
     * {@code oms:order:delivery}: submit one unit again after the supplier could not be reached (see
     * {@link #deliver(Order, Unit, HandOn)}).
     */
    public void deliver(long unitId) {
        Unit unit = orders.unit(unitId).orElse(null);
        if (unit == null) {
            return;
        }
        deliver(orders.find(unit.orderId()).orElseThrow(), unit, HandOn.ENQUEUE);
    }

    /**
     * Submits one unit, at most once. SUBMITTING is committed before the call; a unit found
     * SUBMITTING (the node died during the call, or the job is repeated) is never sent again but
     * queried.
     */
    private void deliver(Order order, Unit unit, HandOn handOn) {
        UpChannel supplier = catalog.supplier(unit.upChannelNo()).orElseThrow();
        switch (unit.status()) {
            case PAID -> {
                if (!clock.instant().isBefore(order.overtimeAt())) {
                    tx.executeWithoutResult(s -> stop(unit, "not submitted before the order's overtime", handOn));
                    return;
                }
                // Read before the claim stamps the unit: its request starts within the window from here.
                Instant claimedAt = clock.instant();
                Boolean claimed = tx.execute(s -> orders.transition(
                                unit,
                                UnitStatus.PAID,
                                UnitStatus.SUBMITTING,
                                UnitResult.NONE,
                                "claimed for its one submission")
                        .applied());
                if (!Boolean.TRUE.equals(claimed)) {
                    return;
                }
                SupplierAnswer answer = submit(order, unit, supplier, claimedAt);
                tx.executeWithoutResult(s -> settleSubmission(unit, supplier, answer, handOn));
                return;
            }
            case SUBMITTING -> {
                // Its worker may have died — or may still be sending it (the order's job run again
                // while a delivery job sends it): queried only once its request can no longer be on
                // its way, or the query's "no such delivery" would fail a unit about to be delivered.
                Instant arrived = unit.submittedAt() == null
                        ? clock.instant()
                        : unit.submittedAt()
                                .plus(suppliers.adapter(supplier.protocol()).longestSubmission(endpoint(supplier)));
                // Only the submission seen (its version): one sent again since — back to PAID after it
                // could not be sent, then claimed anew — is its own worker's, and may be on its way
                // later than `arrived`.
                tx.executeWithoutResult(s -> unknown(
                        unit,
                        supplier,
                        UnitStatus.SUBMITTING,
                        null,
                        "found SUBMITTING: the submission may or may not have reached the supplier; querying, never resending",
                        arrived,
                        true));
                return;
            }
            default -> {
                return;
            }
        }
    }

    /**
     * The one submission of a unit claimed (SUBMITTING) by the caller at {@code claimedAt}: not
     * started past the adapter's start window from then, nor past the order's overtime (answered too
     * late, it is claimed again — or, past the overtime, stopped), as in {@link #submitAll}.
     */
    private SupplierAnswer submit(Order order, Unit unit, UpChannel supplier, Instant claimedAt) {
        SupplierAdapter adapter = suppliers.adapter(supplier.protocol());
        SupplierEndpoint endpoint = endpoint(supplier);
        return adapter.submitAll(endpoint, List.of(delivery(order, unit)), startBy(order, claimedAt, adapter, endpoint))
                .getFirst();
    }

    /** When a request claimed at {@code claimed} must have started: within the adapter's window, and before the order's overtime. */
    private static Instant startBy(Order order, Instant claimed, SupplierAdapter adapter, SupplierEndpoint endpoint) {
        Instant startBy = claimed.plus(adapter.startWindow(endpoint));
        return order.overtimeAt().isBefore(startBy) ? order.overtimeAt() : startBy;
    }

    /**
     * The one submission of each unit claimed by the caller, {@code suppliersOf} theirs: the units
     * that go to the same supplier one after another are handed to its adapter together (one request
     * if its protocol carries several deliveries, else one by one). A unit whose request cannot start
     * within the adapter's start window after its claim (a supplier slow to answer the ones before),
     * or before the order's overtime, is not sent: answered too late, it goes back to PAID and its
     * delivery job claims it again right before its own call — or finds the overtime and stops it. A
     * worker that takes this one for dead can so tell when its requests have ended.
     */
    private List<SupplierAnswer> submitAll(Order order, List<Unit> units, List<UpChannel> suppliersOf) {
        List<SupplierAnswer> answers = new ArrayList<>(units.size());
        for (int from = 0; from < units.size(); ) {
            UpChannel supplier = suppliersOf.get(from);
            int to = from + 1;
            while (to < units.size() && suppliersOf.get(to).channelNo().equals(supplier.channelNo())) {
                to++;
            }
            SupplierAdapter adapter = suppliers.adapter(supplier.protocol());
            SupplierEndpoint endpoint = endpoint(supplier);
            List<Unit> group = units.subList(from, to);
            Instant claimed = group.stream()
                    .map(Unit::submittedAt)
                    .min(Comparator.naturalOrder())
                    .orElseThrow();
            answers.addAll(adapter.submitAll(
                    endpoint,
                    group.stream().map(unit -> delivery(order, unit)).toList(),
                    startBy(order, claimed, adapter, endpoint)));
            from = to;
        }
        return answers;
    }

    private static Delivery delivery(Order order, Unit unit) {
        return new Delivery(
                Long.toString(unit.unitId()),
                order.orderId(),
                unit.pieces(),
                unit.face() / unit.pieces(),
                order.rechargeAccount() == null ? "" : order.rechargeAccount(),
                order.carrierNo(),
                order.provinceNo(),
                order.cityNo());
    }

    private void settleSubmission(Unit unit, UpChannel supplier, SupplierAnswer answer, HandOn handOn) {
        switch (answer.transport()) {
            case NOT_SENT -> {
                // Nothing reached the supplier: safe to send again after request_replenish_time — or,
                // held back as too late, to be claimed again (or stopped at the overtime) at once.
                int wait = answer.wasTooLate() ? 0 : Math.max(1, supplier.requestReplenishTime());
                String reason = wait == 0
                        ? "not sent: " + answer.message()
                        : "not sent (" + answer.message() + "): sent again in " + wait + " s";
                if (orders.transition(unit, UnitStatus.SUBMITTING, UnitStatus.PAID, UnitResult.NONE, reason)
                        .applied()) {
                    orders.note(unit.orderId(), unit.unitId(), null, "unit.not_sent", answer.message());
                    jobs.enqueue(
                            AcquiringQueues.DELIVERY,
                            "u" + unit.unitId() + ":" + clock.millis(),
                            new UnitRef(unit.unitId()),
                            clock.instant().plusSeconds(wait));
                }
            }
            case NO_ANSWER ->
                unknown(
                        unit,
                        supplier,
                        UnitStatus.SUBMITTING,
                        null,
                        answer.message(),
                        answer.onItsWayUntil() == null ? clock.instant() : answer.onItsWayUntil(),
                        false);
            case ANSWERED -> {
                if (!resolve(unit, supplier, UnitStatus.SUBMITTING, answer, "submitted", handOn)) {
                    answeredAfterAll(unit, supplier, answer, handOn);
                }
            }
        }
    }

    /**
     * The answer to a submission that another worker took for dead meanwhile (it found the unit
     * SUBMITTING and made it unknown, to be queried): a known answer settles the unit as a query's
     * would, rather than be dropped for a query that may come too early to find the submission.
     */
    private void answeredAfterAll(Unit unit, UpChannel supplier, SupplierAnswer answer, HandOn handOn) {
        if (catalog.dealCode(supplier.channelNo(), supplier.serviceClass(), answer.code()) != Catalog.UNKNOWN) {
            answerWaiting(
                    unit.unitId(),
                    supplier,
                    answer,
                    "submitted, answered late",
                    handOn,
                    EnumSet.of(UnitStatus.UNKNOWN, UnitStatus.MANUAL_REVIEW));
        }
    }

    /**
     * Applies a known answer to the unit as it is now, in the caller's transaction.
     *
     * @param waiting the statuses in which the unit still waits for such an answer
     * @return null when the unit waits no more, else whether it moved (false: it moved meanwhile)
     */
    private Boolean answerWaiting(
            long unitId,
            UpChannel supplier,
            SupplierAnswer answer,
            String how,
            HandOn handOn,
            Set<UnitStatus> waiting) {
        Unit now = orders.unit(unitId).orElseThrow();
        return waiting.contains(now.status()) ? resolve(now, supplier, now.status(), answer, how, handOn) : null;
    }

    /**
     * Applies a supplier's code: success, failure, or unknown (then queried).
     *
     * @return whether the unit was still {@code from} and moved
     */
    private boolean resolve(
            Unit unit, UpChannel supplier, UnitStatus from, SupplierAnswer answer, String how, HandOn handOn) {
        int deal = catalog.dealCode(supplier.channelNo(), supplier.serviceClass(), answer.code());
        UnitResult result = new UnitResult(answer.code(), answer.message(), answer.supplierOrderNo());
        return switch (deal) {
            case Catalog.SUCCESS -> delivered(unit, from, result, how + ": " + answer.code(), handOn);
            case Catalog.FAILURE ->
                failed(unit, from, result, how + ": " + answer.code() + " " + answer.message(), handOn);
            default -> unknown(unit, supplier, from, result, how + ": " + answer.code() + " means unknown");
        };
    }

    private boolean delivered(Unit unit, UnitStatus from, UnitResult result, String reason, HandOn handOn) {
        UnitTransition t = orders.transition(unit, from, UnitStatus.DELIVERED, result, reason);
        if (t.applied() && t.openUnits() == 0 && handOn == HandOn.ENQUEUE) {
            jobs.enqueue(AcquiringQueues.UP_PAY, "o" + unit.orderId(), new OrderRef(unit.orderId()));
        }
        return t.applied();
    }

    private boolean failed(Unit unit, UnitStatus from, UnitResult result, String reason, HandOn handOn) {
        boolean applied =
                orders.transition(unit, from, UnitStatus.FAILED, result, reason).applied();
        if (applied && handOn == HandOn.ENQUEUE) {
            jobs.enqueue(AcquiringQueues.UNIT_REFUND, "u" + unit.unitId(), new UnitRef(unit.unitId()));
        }
        return applied;
    }

    /** Always handed over: an unknown result is resolved only by a query (or a callback), later. */
    private boolean unknown(Unit unit, UpChannel supplier, UnitStatus from, UnitResult result, String reason) {
        return unknown(unit, supplier, from, result, reason, clock.instant(), false);
    }

    /**
     * As above, the first query {@code first_query_time} after {@code after} at the earliest; {@code
     * atVersion}: only if the unit is still at the version it was read at.
     */
    private boolean unknown(
            Unit unit,
            UpChannel supplier,
            UnitStatus from,
            UnitResult result,
            String reason,
            Instant after,
            boolean atVersion) {
        Instant now = clock.instant();
        UnitResult answer = result == null ? UnitResult.NONE : result;
        boolean applied = (atVersion
                        ? orders.transitionIfUnchanged(unit, from, UnitStatus.UNKNOWN, answer, reason)
                        : orders.transition(unit, from, UnitStatus.UNKNOWN, answer, reason))
                .applied();
        if (applied) {
            jobs.enqueue(
                    AcquiringQueues.DELIVERY_UNKNOWN,
                    "u" + unit.unitId() + "#q1",
                    new UnitQuery(unit.unitId(), 1),
                    (after.isAfter(now) ? after : now).plusSeconds(supplier.firstQueryTime()));
        }
        return applied;
    }

    private void stop(Unit unit, String reason, HandOn handOn) {
        if (orders.transition(unit, UnitStatus.PAID, UnitStatus.STOPPED, UnitResult.NONE, reason)
                        .applied()
                && handOn == HandOn.ENQUEUE) {
            jobs.enqueue(AcquiringQueues.UNIT_REFUND, "u" + unit.unitId(), new UnitRef(unit.unitId()));
        }
    }

    // ---------------------------------------------------------------- unknown results

    /**
     * {@code oms:overtime:delivery_unknown}: query an unknown unit until its result is known; still
     * unknown past the supplier's delivery overtime, it waits for an operator or a callback (manual
     * review). The supplier is asked each time, the last time too: a first query due only after the
     * overtime ({@code first_query_time} longer than {@code delivery_overtime}) still asks once.
     */
    public void query(long unitId, int attempt) {
        Unit unit = orders.unit(unitId).orElse(null);
        if (unit == null || unit.status() != UnitStatus.UNKNOWN) {
            return;
        }
        UpChannel supplier = catalog.supplier(unit.upChannelNo()).orElseThrow();
        if (Flag.yes(supplier.canQuery())) {
            SupplierAnswer answer =
                    suppliers.adapter(supplier.protocol()).query(endpoint(supplier), Long.toString(unitId));
            if (answer.transport() == SupplierAnswer.Transport.ANSWERED
                    && catalog.dealCode(supplier.channelNo(), supplier.serviceClass(), answer.code())
                            != Catalog.UNKNOWN) {
                // Applied where the unit is now: a query taken over from a node taken for dead may
                // have put it in manual review meanwhile, and the supplier's answer beats a guess.
                if (answerWhereItIs(
                        unitId,
                        supplier,
                        answer,
                        "queried",
                        EnumSet.of(UnitStatus.UNKNOWN, UnitStatus.MANUAL_REVIEW))) {
                    return;
                }
            }
        }
        int overtime = deliveryOvertime(unit);
        Instant submitted = unit.submittedAt() == null ? clock.instant() : unit.submittedAt();
        if (!clock.instant().isBefore(submitted.plusSeconds(overtime))) {
            tx.executeWithoutResult(s -> orders.transition(
                    unit,
                    UnitStatus.UNKNOWN,
                    UnitStatus.MANUAL_REVIEW,
                    UnitResult.NONE,
                    "still unknown after the delivery overtime (" + overtime
                            + " s): waiting for an operator or a callback"));
            return;
        }
        Instant next = clock.instant().plusSeconds(Math.max(1, supplier.queryReplenishTime()));
        jobs.enqueue(
                AcquiringQueues.DELIVERY_UNKNOWN,
                "u" + unitId + "#q" + (attempt + 1),
                new UnitQuery(unitId, attempt + 1),
                next);
    }

    /**
     * When a submitted unit whose result is still unknown goes to manual review: its (latest)
     * submission plus its supplier shelf's delivery overtime, as the catalog has it now; null before
     * it was submitted.
     */
    public Instant deliveryDeadline(Unit unit) {
        return unit.submittedAt() == null ? null : unit.submittedAt().plusSeconds(deliveryOvertime(unit));
    }

    private int deliveryOvertime(Unit unit) {
        return catalog.upProduct(unit.upProductId())
                .flatMap(p -> catalog.upShelf(p.shelfId()))
                .map(s -> s.deliveryOvertime())
                .orElse(0);
    }

    /**
     * A supplier's callback for a delivery. A known answer settles a unit that is being submitted,
     * unknown or waiting for an operator; when the unit moves on between the read and the write (its
     * submission's answer, a query, the delivery overtime), it is read again and the answer applied
     * to where it is now, never dropped while the unit still waits for one.
     *
     * @return false when the supplier has no such unit
     * @throws OrdoException (503) when the unit kept moving: the supplier is to call back again
     */
    public boolean settleByCallback(long unitId, String supplierNo, SupplierAnswer answer, String how) {
        Unit unit = orders.unit(unitId).orElse(null);
        if (unit == null || !unit.upChannelNo().equals(supplierNo)) {
            return false;
        }
        UpChannel supplier = catalog.supplier(supplierNo).orElseThrow();
        if (catalog.dealCode(supplierNo, supplier.serviceClass(), answer.code()) == Catalog.UNKNOWN) {
            return true;
        }
        if (!answerWhereItIs(
                unitId,
                supplier,
                answer,
                how,
                EnumSet.of(UnitStatus.SUBMITTING, UnitStatus.UNKNOWN, UnitStatus.MANUAL_REVIEW))) {
            throw new OrdoException(
                    ErrorCode.UNAVAILABLE,
                    "delivery " + unitId + " changed while the callback was applied; call back again");
        }
        return true;
    }

    /**
     * Applies a known answer to the unit where it is now, each attempt in a transaction of its own,
     * read again when it moved between the read and the write.
     *
     * @return false when it moved under every attempt (else it was settled, or waits no more)
     */
    private boolean answerWhereItIs(
            long unitId, UpChannel supplier, SupplierAnswer answer, String how, Set<UnitStatus> waiting) {
        for (int attempt = 1; attempt <= ANSWER_ATTEMPTS; attempt++) {
            // null: settled already (or not submitted: nothing to apply it to)
            if (!Boolean.FALSE.equals(
                    tx.execute(s -> answerWaiting(unitId, supplier, answer, how, HandOn.ENQUEUE, waiting)))) {
                return true;
            }
        }
        return false;
    }

    private static final int ANSWER_ATTEMPTS = 3;

    /**
     * An operator's decision for a unit in manual review. A unit still unknown is not the operator's
     * to decide: its query (or a callback) may be answering right now.
     */
    public void settleManually(Unit unit, boolean delivered) {
        if (unit.status() != UnitStatus.MANUAL_REVIEW) {
            throw new OrdoException(
                    ErrorCode.OPERATION_FAILED,
                    "unit " + unit.unitId() + " is " + unit.status() + ", not waiting for manual review");
        }
        UnitResult result = new UnitResult(delivered ? "MANUAL_SUCCESS" : "MANUAL_FAILURE", "decided by an operator");
        boolean applied = Boolean.TRUE.equals(tx.execute(s -> delivered
                ? delivered(unit, UnitStatus.MANUAL_REVIEW, result, "operator: delivered", HandOn.ENQUEUE)
                : failed(unit, UnitStatus.MANUAL_REVIEW, result, "operator: not delivered", HandOn.ENQUEUE)));
        if (!applied) {
            throw new OrdoException(
                    ErrorCode.OPERATION_FAILED,
                    "unit " + unit.unitId()
                            + " was settled meanwhile (by the supplier's answer to a query or a callback): nothing changed");
        }
    }

    // ---------------------------------------------------------------- failed units

    /** {@code oms:overtime:refund}: give the channel back what it paid for a unit that failed or was stopped. */
    public void refundUnit(long unitId) {
        Unit unit = orders.unit(unitId).orElse(null);
        if (unit == null) {
            return;
        }
        if (unit.status() != UnitStatus.FAILED && unit.status() != UnitStatus.STOPPED) {
            // Refunded meanwhile — perhaps by the order's job's batch after it had stopped waiting for
            // it and handed the refund here, which hands nothing on: if it was the last open unit,
            // the order is settled by up_pay.
            Order order = orders.find(unit.orderId()).orElse(null);
            if (order != null
                    && order.status() == OrderStatus.PAID
                    && orders.units(order.orderId()).stream()
                            .allMatch(u -> u.status().isFinal())) {
                jobs.enqueue(AcquiringQueues.UP_PAY, "o" + order.orderId(), new OrderRef(order.orderId()));
            }
            return;
        }
        refundUnit(orders.find(unit.orderId()).orElseThrow(), unit, HandOn.ENQUEUE);
    }

    private void refundUnit(Order order, Unit unit, HandOn handOn) {
        UnitStatus to = unit.status() == UnitStatus.FAILED ? UnitStatus.FAILED_REFUNDED : UnitStatus.STOPPED_REFUNDED;
        if (unit.money().sale() == 0) {
            tx.executeWithoutResult(s -> refunded(unit, to, "nothing was charged", handOn));
            return;
        }
        BalanceChange refund = new BalanceChange(
                AcquiringAccounts.channel(order.channelNo()),
                new TradeNo(unitTrade(unit.unitId())),
                ChangeType.REFUND,
                Cents.of(unit.money().sale()));
        walletBatches
                .commitWith(
                        List.of(refund),
                        () -> refunded(unit, to, "refunded " + unit.money().sale() + " to the channel", handOn))
                .ifPresent(refused -> {
                    throw new IllegalStateException(
                            "refund of unit " + unit.unitId() + " refused: " + refused.message());
                });
    }

    private void refunded(Unit unit, UnitStatus to, String reason, HandOn handOn) {
        UnitTransition t = orders.transition(unit, unit.status(), to, UnitResult.NONE, reason);
        if (t.applied() && t.openUnits() == 0 && handOn == HandOn.ENQUEUE) {
            jobs.enqueue(AcquiringQueues.UP_PAY, "o" + unit.orderId(), new OrderRef(unit.orderId()));
        }
    }

    // ---------------------------------------------------------------- upstream pay and finish

    /** {@code oms:order:up_pay}: settles the order once every unit is settled (see {@link #settle}). */
    public void upPay(long orderId) {
        Order order = orders.find(orderId).orElse(null);
        if (order == null || order.status() != OrderStatus.PAID) {
            return;
        }
        List<Unit> units = orders.units(orderId);
        if (units.stream().allMatch(u -> u.status().isFinal())) {
            settle(order, units);
        }
    }

    /**
     * Books for the delivered units the supplier's cost, its commission and service fee, the
     * channel's commission and the fees; then finishes the order (0, 90 or 91) with its margin, and
     * notifies the channel.
     */
    private void settle(Order order, List<Unit> units) {
        List<Unit> delivered =
                units.stream().filter(u -> u.status() == UnitStatus.DELIVERED).toList();
        OrderMoney money = delivered.stream().map(Unit::money).reduce(OrderMoney.ZERO, OrderMoney::plus);
        OrderStatus outcome = delivered.isEmpty()
                ? OrderStatus.FAILED
                : (delivered.size() == units.size() ? OrderStatus.SUCCEEDED : OrderStatus.PARTLY_SUCCEEDED);
        String reason = delivered.size() + " of " + units.size() + " units delivered; margin " + money.margin();
        walletBatches
                .commitWith(bookings(order, delivered), () -> finish(order, outcome, money, reason))
                .ifPresent(refused -> {
                    // The supplier has delivered and must be paid: retried until an operator tops the account up.
                    throw new BookingRefused(
                            "upstream booking of order " + order.orderId() + " refused: " + refused.message());
                });
    }

    /** The bookings of a delivered order were refused (an account short of money): up_pay retries them. */
    private static final class BookingRefused extends IllegalStateException {
        BookingRefused(String why) {
            super(why);
        }
    }

    /**
     * For each delivered unit: the supplier's cost, its commission and service fee, the channel's
     * commission and fees, keyed by the unit's trade number.
     */
    private static List<BalanceChange> bookings(Order order, List<Unit> delivered) {
        List<BalanceChange> bookings = new ArrayList<>();
        for (Unit u : delivered) {
            TradeNo trade = new TradeNo(unitTrade(u.unitId()));
            OrderMoney m = u.money();
            book(bookings, AcquiringAccounts.supplier(u.upChannelNo()), trade, ChangeType.DEDUCT, m.cost());
            book(
                    bookings,
                    AcquiringAccounts.supplierCommission(u.upChannelNo()),
                    trade,
                    ChangeType.ADD,
                    m.upCommission());
            book(bookings, AcquiringAccounts.supplierService(u.upChannelNo()), trade, ChangeType.ADD, m.upServiceFee());
            book(
                    bookings,
                    AcquiringAccounts.channelCommission(order.channelNo()),
                    trade,
                    ChangeType.ADD,
                    m.commission());
            book(bookings, AcquiringAccounts.channelService(order.channelNo()), trade, ChangeType.ADD, m.serviceFee());
            book(
                    bookings,
                    AcquiringAccounts.channelPaymentFee(order.channelNo()),
                    trade,
                    ChangeType.ADD,
                    m.paymentFee());
        }
        return bookings;
    }

    private static void book(
            List<BalanceChange> bookings, AccountKey account, TradeNo trade, ChangeType type, long cents) {
        if (cents > 0) {
            bookings.add(new BalanceChange(account, trade, type, Cents.of(cents)));
        }
    }

    private void finish(Order order, OrderStatus outcome, OrderMoney money, String reason) {
        if (orders.finish(order.orderId(), OrderStatus.PAID, outcome, money, reason)) {
            notifyChannel(order, outcome);
        }
    }

    /** The order notification of seed 000: channel_no, request_no, order_id, status (0, 90, 91). */
    private void notifyChannel(Order order, OrderStatus outcome) {
        if (order.notifyUrl() == null) {
            return;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("channel_no", order.channelNo());
        form.put("request_no", order.requestNo());
        form.put("order_id", Long.toString(order.orderId()));
        form.put("status", Integer.toString(outcome.channelCode()));
        try {
            notifications.send(
                    AcquiringQueues.ORDER_NOTIFY,
                    "order-" + order.orderId(),
                    order.channelNo(),
                    order.notifyUrl(),
                    form);
        } catch (OrdoException e) {
            // A URL that became unacceptable must not hold the order back; a database error does
            // (the step is retried): caught, it would lose the notification or break the transaction.
            log.warn("order {} not notified: {}", order.orderId(), e.getMessage());
            orders.note(order.orderId(), null, null, "order.not_notified", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- overtime

    /**
     * {@code oms:overtime:order_deal}: the order's overtime has come. Before payment the order fails;
     * after it, units not submitted yet are stopped (and refunded).
     *
     * <p>A paid order stays watched while a unit is being submitted or unknown: each {@link
     * RefundSteps#WATCH_AGAIN}, a unit whose submission or query should have settled it by now — its
     * jobs may have died, their attempts spent while the database was away — is carried on again:
     * one found submitting is queried once its request can have arrived, one still unknown past its
     * delivery overtime and its next query goes to manual review, where an operator sees it. So are
     * a failed or stopped unit not refunded yet and an order whose units are all final but which is
     * not settled: the watch goes on until the order is final or only an operator's units are left.
     */
    public void overtime(long orderId) {
        Order order = orders.find(orderId).orElse(null);
        if (order == null) {
            return;
        }
        Instant now = clock.instant();
        List<Unit> units = tx.execute(s -> {
            switch (order.status()) {
                case ACCEPTED, BOUND -> cancel(order, orders.units(orderId), "order overtime before payment");
                case PAID -> {
                    for (Unit unit : orders.units(orderId)) {
                        if (unit.status() == UnitStatus.PAID) {
                            stop(unit, "not submitted before the order's overtime", HandOn.ENQUEUE);
                        }
                    }
                    // Read again: a unit claimed meanwhile (its stop did not apply) is being submitted.
                    List<Unit> after = orders.units(orderId);
                    // A failed unit's refund and the settling of an order whose units are all final
                    // are its own job's; should that job have died, they are handed on again here
                    // (once: a job of the same id still waiting keeps its place).
                    boolean handedOn = false;
                    for (Unit unit : after) {
                        if (unit.status() == UnitStatus.FAILED || unit.status() == UnitStatus.STOPPED) {
                            jobs.enqueue(AcquiringQueues.UNIT_REFUND, "u" + unit.unitId(), new UnitRef(unit.unitId()));
                            handedOn = true;
                        }
                    }
                    if (after.stream().allMatch(u -> u.status().isFinal())) {
                        jobs.enqueue(AcquiringQueues.UP_PAY, "o" + orderId, new OrderRef(orderId));
                        handedOn = true;
                    }
                    // A unit still read as paid was claimed meanwhile (its stop did not apply): on
                    // MySQL this transaction's snapshot may not show the claim yet — watched all the same.
                    if (handedOn
                            || after.stream().anyMatch(u -> inFlightOrUnknown(u) || u.status() == UnitStatus.PAID)) {
                        orders.watchAgainAt(orderId, now.plus(RefundSteps.WATCH_AGAIN));
                    } else {
                        orders.endOvertimeWatch(orderId);
                    }
                    return after;
                }
                default -> orders.endOvertimeWatch(orderId);
            }
            return List.<Unit>of();
        });
        for (Unit unit : units) {
            if (inFlightOrUnknown(unit) && unit.submittedAt() != null) {
                carryOnAfterOvertime(order, unit, now);
            }
        }
    }

    private static boolean inFlightOrUnknown(Unit unit) {
        return unit.status() == UnitStatus.SUBMITTING || unit.status() == UnitStatus.UNKNOWN;
    }

    /** See {@link #overtime}: a unit that its own jobs should have settled by now is carried on again. */
    private void carryOnAfterOvertime(Order order, Unit unit, Instant now) {
        UpChannel supplier = catalog.supplier(unit.upChannelNo()).orElseThrow();
        if (unit.status() == UnitStatus.SUBMITTING) {
            Instant settledBy = unit.submittedAt()
                    .plus(suppliers.adapter(supplier.protocol()).longestSubmission(endpoint(supplier)))
                    .plus(RefundSteps.WATCH_AGAIN);
            if (!now.isBefore(settledBy)) {
                deliver(order, unit, HandOn.ENQUEUE); // made unknown, and queried
            }
            return;
        }
        // Once its own queries should have settled it: past its delivery overtime by a query interval,
        // and past its first query, due first_query_time after its request can have arrived — the
        // query this carries it on with asks the supplier, and asked sooner it could hear "no such
        // delivery" of a request still on its way, or "processing" before the time the supplier set.
        Instant submitted = unit.submittedAt();
        Instant overtimeQueried =
                submitted.plusSeconds(deliveryOvertime(unit)).plusSeconds(Math.max(1, supplier.queryReplenishTime()));
        Instant firstQueried = submitted
                .plus(suppliers.adapter(supplier.protocol()).longestSubmission(endpoint(supplier)))
                .plusSeconds(supplier.firstQueryTime());
        Instant reviewedBy =
                (overtimeQueried.isAfter(firstQueried) ? overtimeQueried : firstQueried).plus(RefundSteps.WATCH_AGAIN);
        if (!now.isBefore(reviewedBy)) {
            jobs.enqueue(
                    AcquiringQueues.DELIVERY_UNKNOWN, "u" + unit.unitId() + "#qo", new UnitQuery(unit.unitId(), 0));
        }
    }

    /** Finds orders past their overtime; run by the timer {@code oms:overtime:scan}. */
    public int scanOvertime() {
        List<Long> due = orders.dueForOvertime(clock.instant(), 500);
        due.forEach(id -> jobs.enqueue(AcquiringQueues.ORDER_OVERTIME, "o" + id, new OrderRef(id)));
        return due.size();
    }

    SupplierEndpoint endpoint(UpChannel s) {
        String notifyUrl =
                s.notifyUrl() != null ? s.notifyUrl() : publicUrl.get() + "/supplier/notify/" + s.channelNo();
        return new SupplierEndpoint(
                s.channelNo(),
                s.protocol(),
                s.serviceClass(),
                s.requestUrl(),
                s.queryUrl(),
                s.returnUrl(),
                notifyUrl,
                s.secret(),
                s.timeoutMs());
    }
}
