package dev.ordo.acquiring.internal;

import dev.ordo.acquiring.AcquiringAccounts;
import dev.ordo.acquiring.AcquiringQueues;
import dev.ordo.acquiring.AcquiringQueues.OrderRef;
import dev.ordo.acquiring.internal.ChannelGate.Admitted;
import dev.ordo.catalog.Catalog;
import dev.ordo.catalog.Catalog.Offer;
import dev.ordo.catalog.Catalog.OfferQuery;
import dev.ordo.catalog.Catalog.SupplyOption;
import dev.ordo.catalog.Catalog.SupplyQuery;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.jobs.Jobs;
import dev.ordo.notify.Notifications;
import dev.ordo.order.Order;
import dev.ordo.order.Orders;
import dev.ordo.order.Orders.NewOrder;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.FirstWins;
import dev.ordo.shared.Money;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.wallet.Account;
import dev.ordo.wallet.Identifiers;
import dev.ordo.wallet.Wallet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code /order/request} (SPEC A2): checks the request as seed 000 does, then stores the order and
 * enqueues its first step in one transaction. Idempotent on (channel_no, request_no): a repeat with
 * the same parameters answers the same order, with other parameters a conflict (909).
 */
@Service
public class AcceptOrder {

    private static final Pattern CODE = Pattern.compile("\\*|[A-Za-z0-9_\\-]{1,32}");
    private static final long MAX_FACE = 100_000_000L;

    private final Catalog catalog;
    private final Orders orders;
    private final Wallet wallet;
    private final Jobs jobs;
    private final Notifications notifications;
    private final TransactionTemplate tx;
    private final Clock clock;

    AcceptOrder(
            Catalog catalog,
            Orders orders,
            Wallet wallet,
            Jobs jobs,
            Notifications notifications,
            TransactionTemplate tx,
            Clock clock) {
        this.catalog = catalog;
        this.orders = orders;
        this.wallet = wallet;
        this.jobs = jobs;
        this.notifications = notifications;
        this.tx = tx;
        this.clock = clock;
    }

    public record Accepted(Order order, boolean created) {}

    public Accepted accept(Admitted request) {
        String channelNo = request.channel().channelNo();
        String requestNo = Params.valid(
                () -> Identifiers.id("request_no", Params.required("request_no", request.param("request_no"))));
        long lineId = Params.requiredNumber("line_id", request.param("line_id"), 1, Long.MAX_VALUE);
        String carrierNo = code("carrier_no", Params.required("carrier_no", request.param("carrier_no")));
        String provinceNo = code("province_no", Params.orDefault("province_no", request.param("province_no"), "*"));
        String cityNo = code("city_no", Params.orDefault("city_no", request.param("city_no"), "*"));
        int invoiceType = (int) Params.requiredNumber("invoice_type", request.param("invoice_type"), 0, 2);
        int num = (int) Params.requiredNumber("num", request.param("num"), 1, 1_000_000);
        long face = yuan("face", request.param("face"), MAX_FACE);
        long amount = yuan("amount", request.param("amount"), Long.MAX_VALUE / 1_000_000);
        String notifyUrl = Params.optional("notify_url", request.param("notify_url"));
        if (notifyUrl != null) {
            notifications.checkUrl(notifyUrl);
        }
        String account = Params.optional("rechage_account", request.param("rechage_account"));
        if (account != null && (account.length() > 64 || account.codePoints().anyMatch(Character::isISOControl))) {
            throw OrdoException.badParameter("rechage_account must be at most 64 printable characters");
        }
        String hash = hash(lineId, carrierNo, provinceNo, cityNo, invoiceType, num, face, amount, notifyUrl, account);

        return FirstWins.create(() -> repeat(channelNo, requestNo, hash), () -> {
            Offer offer = catalog.offer(
                            new OfferQuery(channelNo, lineId, carrierNo, provinceNo, cityNo, invoiceType, face))
                    .filter(o -> deliverable(o.product(), provinceNo, cityNo, invoiceType))
                    .orElseThrow(() -> new OrdoException(
                            ErrorCode.PRODUCT_NOT_FOUND,
                            "下游渠道(" + channelNo + ")不存在面值(" + Money.centsToYuan(face) + ")的商品"));
            DownProduct product = offer.product();
            if (num > product.limitCount()) {
                throw new OrdoException(
                        ErrorCode.NUM_OVER_LIMIT, "购买数量(" + num + ")超过单次最大购买数量(" + product.limitCount() + ")");
            }
            long due = Money.times(Math.multiplyExact(face, num), product.sellDiscount());
            if (amount != due) {
                throw new OrdoException(
                        ErrorCode.AMOUNT_MISMATCH,
                        "支付金额(" + Money.centsToYuan(amount) + ")与应付金额(" + Money.centsToYuan(due)
                                + ")不一致: face × num × sell_discount, rounded half up to the cent");
            }
            Account payer = wallet.find(AcquiringAccounts.channel(channelNo))
                    .orElseThrow(() -> new OrdoException(ErrorCode.INSUFFICIENT, "下游渠道(" + channelNo + ")没有资金账户"));
            if (payer.balance().value() + payer.credit().value() < amount) {
                throw new OrdoException(ErrorCode.INSUFFICIENT, "下游渠道(" + channelNo + ")余额不足");
            }
            Instant overtimeAt =
                    clock.instant().plus(Duration.ofSeconds(offer.shelf().orderOvertime()));
            NewOrder order = new NewOrder(
                    channelNo,
                    requestNo,
                    hash,
                    lineId,
                    carrierNo,
                    provinceNo,
                    cityNo,
                    invoiceType,
                    num,
                    face,
                    amount,
                    notifyUrl,
                    account,
                    product.productId(),
                    overtimeAt);
            Order created = tx.execute(status -> {
                Order o = orders.create(order);
                jobs.enqueue(AcquiringQueues.BIND, "o" + o.orderId(), new OrderRef(o.orderId()));
                return o;
            });
            return new Accepted(created, true);
        });
    }

    private Optional<Accepted> repeat(String channelNo, String requestNo, String hash) {
        return orders.findByRequest(channelNo, requestNo).map(existing -> {
            if (!existing.requestHash().equals(hash)) {
                throw new OrdoException(
                        ErrorCode.CONFLICT,
                        "请求编号(" + requestNo + ")已使用, 且参数不同: request_no was used with other parameters");
            }
            return new Accepted(existing, false);
        });
    }

    /** The product can be delivered now: some active supplier product serves its pieces. */
    private boolean deliverable(DownProduct product, String provinceNo, String cityNo, int invoiceType) {
        return catalog
                .supply(new SupplyQuery(
                        product.lineId(), product.carrierNo(), provinceNo, cityNo, invoiceType, product.pieceFace()))
                .stream()
                .anyMatch(SupplyOption::usable);
    }

    private static String code(String name, String value) {
        if (!CODE.matcher(value).matches()) {
            throw OrdoException.badParameter(name + " must be '*' or 1 to 32 letters, digits, '_' or '-'");
        }
        return value;
    }

    /** Yuan with at most two decimals (seed 000's face and amount), as cents. */
    static long yuan(String name, String value, long maxCents) {
        String text = Params.required(name, value);
        long cents;
        try {
            cents = Money.yuanToCents(text);
        } catch (RuntimeException e) {
            throw new OrdoException(
                    ErrorCode.AMOUNT_INVALID, name + " must be an amount in yuan with at most two decimals");
        }
        if (cents <= 0 || cents > maxCents) {
            throw new OrdoException(ErrorCode.AMOUNT_INVALID, name + " is out of range");
        }
        return cents;
    }

    static String hash(Object... parts) {
        StringBuilder text = new StringBuilder();
        for (Object part : parts) {
            text.append(part == null ? "" : part).append('\u001f');
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
