package dev.ordo.acquiring.internal;

import dev.ordo.acquiring.AcquiringQueues;
import dev.ordo.acquiring.AcquiringQueues.RefundRef;
import dev.ordo.acquiring.RefundStatus;
import dev.ordo.acquiring.ReturnStatus;
import dev.ordo.acquiring.internal.ChannelGate.Admitted;
import dev.ordo.acquiring.internal.JdbcRefunds.Refund;
import dev.ordo.catalog.Catalog;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.Flag;
import dev.ordo.jobs.Jobs;
import dev.ordo.notify.Notifications;
import dev.ordo.order.Order;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.order.UnitStatus;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.FirstWins;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.shared.Signatures;
import dev.ordo.wallet.Identifiers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code /refund/general} and {@code /refund/mandatory} (SPEC A6): the checks and error texts of
 * seed 000 §3.5 and §4.5, then the refund is stored with the units it takes and its first step
 * enqueued, in one transaction. Idempotent on (channel_no, refund_no).
 */
@Service
public class RequestRefund {

    private final Orders orders;
    private final JdbcRefunds refunds;
    private final Catalog catalog;
    private final Jobs jobs;
    private final Notifications notifications;
    private final RefundSignatures signatures;
    private final TransactionTemplate tx;
    private final Clock clock;

    RequestRefund(
            Orders orders,
            JdbcRefunds refunds,
            Catalog catalog,
            Jobs jobs,
            Notifications notifications,
            RefundSignatures signatures,
            TransactionTemplate tx,
            Clock clock) {
        this.signatures = signatures;
        this.orders = orders;
        this.refunds = refunds;
        this.catalog = catalog;
        this.jobs = jobs;
        this.notifications = notifications;
        this.tx = tx;
        this.clock = clock;
    }

    /** What the channel API answers about a refund ({@code refund_id} a string, as seed 000 and {@code order_id}). */
    public record RefundAnswer(
            String channelNo, String requestNo, String refundNo, String refundId, int refundNum, int status) {

        static RefundAnswer of(Refund r) {
            return new RefundAnswer(
                    r.channelNo(),
                    r.requestNo(),
                    r.refundNo(),
                    Long.toString(r.refundId()),
                    r.refundNum(),
                    r.status().channelCode());
        }
    }

    /**
     * A refund as operators see it: what was asked, where it stands, what the channel got back
     * ({@code refunded_sale}) and what the supplier kept at Ordo's cost ({@code loss}), unit by unit.
     */
    public record RefundDetail(
            long refundId,
            String refundNo,
            String type,
            int refundNum,
            RefundStatus status,
            long refundedSale,
            long loss,
            Instant createdAt,
            Instant overtimeAt,
            Instant finishedAt,
            List<RefundedUnit> units) {}

    /** One unit of a refund: its return to the supplier and the supplier's answer. */
    public record RefundedUnit(long unitId, ReturnStatus status, String resultCode, String resultMsg) {}

    /** The refunds of an order, oldest first. */
    public List<RefundDetail> ofOrder(long orderId) {
        return refunds.ofOrder(orderId).stream()
                .map(r -> new RefundDetail(
                        r.refundId(),
                        r.refundNo(),
                        r.mandatory() ? "mandatory" : "general",
                        r.refundNum(),
                        r.status(),
                        r.refundedSale(),
                        r.loss(),
                        r.createdAt(),
                        r.overtimeAt(),
                        r.finishedAt(),
                        refunds.units(r.refundId()).stream()
                                .map(u -> new RefundedUnit(u.unitId(), u.status(), u.resultCode(), u.resultMsg()))
                                .toList()))
                .toList();
    }

    public RefundAnswer request(Admitted request, boolean mandatory) {
        String channelNo = request.channel().channelNo();
        // A request number no order can have is answered as an order not found (seed 000 §3.5, §4.5:
        // "channel_no and request_no entered wrongly"), as /order/query answers it.
        String requestNo = Params.required("request_no", request.param("request_no"));
        String refundNo = id("refund_no", request.param("refund_no"));
        int refundNum = (int) Params.requiredNumber("refund_num", request.param("refund_num"), 1, 1_000_000);
        String notifyUrl = Params.required("notify_url", request.param("notify_url"));
        notifications.checkUrl(notifyUrl);
        String hash = AcceptOrder.hash(requestNo, refundNum, notifyUrl, mandatory);
        if (request.signed()) {
            signatures.tie(channelNo, request.param(Signatures.SIGN), mandatory ? "mandatory" : "general");
        }

        String missing = mandatory ? "订单不存在" : "订单不存在或配置错误";
        if (!Identifiers.isId(requestNo)) {
            throw OrdoException.notFound(missing);
        }
        return FirstWins.create(() -> repeat(channelNo, refundNo, hash), () -> {
            Order order = orders.findByRequest(channelNo, requestNo).orElseThrow(() -> OrdoException.notFound(missing));
            if (order.status() != OrderStatus.SUCCEEDED && order.status() != OrderStatus.PARTLY_SUCCEEDED) {
                throw new OrdoException(ErrorCode.ORDER_NOT_SUCCESSFUL, "订单未成功,暂时无法退款");
            }
            DownProduct product =
                    catalog.downProduct(order.downProductId()).orElseThrow(() -> OrdoException.notFound(missing));
            List<Unit> units = orders.units(order.orderId());
            // Split or not as the order was delivered (a unit carrying less than a whole product's face),
            // whatever the catalog says now.
            boolean split = units.stream().anyMatch(u -> u.face() < (long) u.pieces() * order.face());
            if (split && refundNum != order.num()) {
                throw new OrdoException(ErrorCode.PARTIAL_REFUND_NOT_ALLOWED, "当前订单不支持部分退款");
            }
            if (!mandatory && !Flag.yes(product.canRefund())) {
                throw new OrdoException(ErrorCode.NOT_REFUNDABLE, "不支持退款");
            }
            var shelf = catalog.downShelf(product.shelfId()).orElseThrow(() -> OrdoException.notFound(missing));
            // Chosen from a read of the units; another refund of the order may take some of them before
            // this one's claims: then chosen again from what is left (a few times), and refused only
            // when too little is left.
            for (int attempt = 1; ; attempt++) {
                List<Unit> refundable = (attempt == 1 ? units : orders.units(order.orderId()))
                        .stream().filter(RequestRefund::refundable).toList();
                List<Unit> chosen = choose(refundable, refundNum, split);
                try {
                    Refund refund = tx.execute(status -> {
                        Refund created = refunds.create(
                                order.orderId(),
                                channelNo,
                                requestNo,
                                refundNo,
                                refundNum,
                                mandatory,
                                notifyUrl,
                                hash,
                                clock.instant().plus(Duration.ofSeconds(shelf.refundOvertime())));
                        for (Unit unit : chosen) {
                            if (!orders.claimForRefund(unit.unitId(), created.refundId())) {
                                throw new UnitsTaken();
                            }
                            refunds.addUnit(created.refundId(), unit.unitId());
                        }
                        jobs.enqueue(
                                AcquiringQueues.RETURN, "r" + created.refundId(), new RefundRef(created.refundId()));
                        return created;
                    });
                    return RefundAnswer.of(refund);
                } catch (UnitsTaken e) {
                    if (attempt == 3) {
                        // Refused for what is left (918 in products, whole or split, as on the first
                        // try); if enough is left, other refunds of the order keep taking the units
                        // chosen, and the channel repeats the request.
                        choose(
                                orders.units(order.orderId()).stream()
                                        .filter(RequestRefund::refundable)
                                        .toList(),
                                refundNum,
                                split);
                        throw new OrdoException(
                                ErrorCode.UNAVAILABLE,
                                "other refunds of this order are being made at this moment; repeat the request"
                                        + " (nothing was written)");
                    }
                }
            }
        });
    }

    private static boolean refundable(Unit unit) {
        return unit.status() == UnitStatus.DELIVERED && unit.refundId() == null;
    }

    /** A unit chosen for a refund was taken by another refund of the order meanwhile (nothing was written). */
    private static final class UnitsTaken extends RuntimeException {
        UnitsTaken() {
            super(null, null, false, false);
        }
    }

    /** The units to refund: all delivered ones of a split order, else whole units adding up to refund_num products. */
    private static List<Unit> choose(List<Unit> refundable, int refundNum, boolean split) {
        int available = refundable.stream().mapToInt(Unit::pieces).sum();
        if (split) {
            if (refundable.isEmpty()) {
                throw new OrdoException(ErrorCode.REFUND_NUM_EXCEEDED, "退款数量(" + refundNum + ")超过可退数量(0)");
            }
            return refundable;
        }
        if (refundNum > available) {
            throw new OrdoException(ErrorCode.REFUND_NUM_EXCEEDED, "退款数量(" + refundNum + ")超过可退数量(" + available + ")");
        }
        List<Unit> chosen = new ArrayList<>();
        int taken = 0;
        for (Unit unit : refundable) {
            if (taken + unit.pieces() <= refundNum) {
                chosen.add(unit);
                taken += unit.pieces();
            }
        }
        if (taken != refundNum) {
            throw new OrdoException(ErrorCode.PARTIAL_REFUND_NOT_ALLOWED, "当前订单不支持部分退款");
        }
        return chosen;
    }

    private Optional<RefundAnswer> repeat(String channelNo, String refundNo, String hash) {
        return refunds.findByNo(channelNo, refundNo).map(existing -> {
            if (!existing.requestHash().equals(hash)) {
                throw new OrdoException(
                        ErrorCode.CONFLICT,
                        "退款编号(" + refundNo + ")已使用, 且参数不同: refund_no was used with other parameters");
            }
            return RefundAnswer.of(existing);
        });
    }

    /** A request or refund number no refund can have is answered as one not found, as /order/query does. */
    public RefundAnswer query(Admitted request) {
        String requestNo = Params.required("request_no", request.param("request_no"));
        String refundNo = Params.required("refund_no", request.param("refund_no"));
        if (!Identifiers.isId(requestNo) || !Identifiers.isId(refundNo)) {
            throw OrdoException.notFound("查询的数据不存在");
        }
        return refunds.findByNo(request.channel().channelNo(), refundNo)
                .filter(r -> r.requestNo().equals(requestNo))
                .map(RefundAnswer::of)
                .orElseThrow(() -> OrdoException.notFound("查询的数据不存在"));
    }

    private static String id(String name, String value) {
        return Params.valid(() -> Identifiers.id(name, Params.required(name, value)));
    }
}
