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
import dev.ordo.order.Orders.RequestKey;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.GroupCommit;
import dev.ordo.shared.GroupCommit.Outcome;
import dev.ordo.shared.Money;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.wallet.Account;
import dev.ordo.wallet.AccountStatus;
import dev.ordo.wallet.Identifiers;
import dev.ordo.wallet.Wallet;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code /order/request} (SPEC A2): checks the request as seed 000 does, then stores the order and
 * enqueues its first step in one transaction. Idempotent on (channel_no, request_no): a repeat with
 * the same parameters answers the same order, with other parameters a conflict (909).
 */
@Service
public class AcceptOrder implements DisposableBean {

    private static final Pattern CODE = Pattern.compile("\\*|[A-Za-z0-9_\\-]{1,32}");
    private static final long MAX_FACE = 100_000_000L;

    private final Catalog catalog;
    private final Orders orders;
    private final Wallet wallet;
    private final Jobs jobs;
    private final Notifications notifications;
    private final OrderBacklog backlog;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final GroupCommit<Candidate, Accepted> intake;

    AcceptOrder(
            Catalog catalog,
            Orders orders,
            Wallet wallet,
            Jobs jobs,
            Notifications notifications,
            OrderBacklog backlog,
            TransactionTemplate tx,
            Clock clock,
            MeterRegistry meters,
            @Value("${ordo.acquiring.intake.lanes:0}") int lanes,
            @Value("${ordo.acquiring.intake.max-batch:256}") int maxBatch,
            @Value("${ordo.acquiring.intake.timeout:10s}") Duration timeout) {
        this.catalog = catalog;
        this.orders = orders;
        this.wallet = wallet;
        this.jobs = jobs;
        this.notifications = notifications;
        this.backlog = backlog;
        this.tx = tx;
        this.clock = clock;
        int laneCount = lanes > 0 ? lanes : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        this.intake = new GroupCommit<>(
                "order-intake",
                laneCount,
                maxBatch,
                timeout,
                "busy: the order may still be accepted, repeat the request unchanged",
                this::acceptAll,
                meters);
    }

    public record Accepted(Order order, boolean created) {}

    /**
     * A checked request on its way to the intake lane: the order it would create, or the refusal it
     * earns if it is not a repeat of an existing order.
     */
    private record Candidate(RequestKey key, String hash, NewOrder order, OrdoException refusal) {}

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
        if (account != null && (account.length() > 64 || account.codePoints().anyMatch(AcceptOrder::unseen))) {
            throw OrdoException.badParameter(
                    "rechage_account must be at most 64 printable characters, without spaces or invisible characters");
        }
        String hash = hash(lineId, carrierNo, provinceNo, cityNo, invoiceType, num, face, amount, notifyUrl, account);

        RequestKey key = new RequestKey(channelNo, requestNo);
        // Checked against the catalog (in memory) here; whether the refusal counts is decided on the
        // intake lane, after the repeat check, as for a request that came alone.
        NewOrder order = null;
        OrdoException refusal = null;
        try {
            // The most specific product that can be delivered now; a request for any invoice type
            // (0) takes the product's, so a product that requires an invoice binds an invoicing supplier.
            Offer offer = catalog
                    .offers(new OfferQuery(channelNo, lineId, carrierNo, provinceNo, cityNo, invoiceType, face))
                    .stream()
                    .filter(o -> deliverable(o.product(), provinceNo, cityNo, invoiceFor(o.product(), invoiceType)))
                    .findFirst()
                    .orElseThrow(() -> new OrdoException(
                            ErrorCode.PRODUCT_NOT_FOUND, "下游渠道(" + channelNo + ")不存在面值(" + Money.yuan(face) + ")的商品"));
            DownProduct product = offer.product();
            if (num > product.limitCount()) {
                throw new OrdoException(
                        ErrorCode.NUM_OVER_LIMIT, "购买数量(" + num + ")超过单次最大购买数量(" + product.limitCount() + ")");
            }
            if ((long) num * product.piecesPerProduct() > OrderSteps.MAX_UNITS) {
                // More pieces than an order has deliveries: fine only where a supplier delivers several in one.
                int widest = catalog
                        .supply(new SupplyQuery(
                                product.lineId(),
                                product.carrierNo(),
                                provinceNo,
                                cityNo,
                                invoiceFor(product, invoiceType),
                                product.pieceFace()))
                        .stream()
                        .filter(SupplyOption::usable)
                        .mapToInt(o -> o.product().limitCount())
                        .max()
                        .orElse(1);
                long most = (long) OrderSteps.MAX_UNITS * widest / product.piecesPerProduct();
                if (num > most) {
                    throw new OrdoException(
                            ErrorCode.NUM_OVER_LIMIT,
                            "购买数量(" + num + ")超过单次最大购买数量(" + most + "): an order is delivered in at most "
                                    + OrderSteps.MAX_UNITS + " deliveries of at most " + widest + " pieces");
                }
            }
            long due = Money.times(Math.multiplyExact(face, num), product.sellDiscount());
            if (amount != due) {
                throw new OrdoException(
                        ErrorCode.AMOUNT_MISMATCH,
                        "支付金额(" + Money.centsToYuan(amount) + ")与应付金额(" + Money.centsToYuan(due)
                                + ")不一致: face × num × sell_discount, rounded half up to the cent");
            }
            Instant overtimeAt =
                    clock.instant().plus(Duration.ofSeconds(offer.shelf().orderOvertime()));
            order = new NewOrder(
                    channelNo,
                    requestNo,
                    hash,
                    lineId,
                    carrierNo,
                    provinceNo,
                    cityNo,
                    invoiceFor(product, invoiceType),
                    num,
                    face,
                    amount,
                    notifyUrl,
                    account,
                    product.productId(),
                    overtimeAt);
        } catch (OrdoException e) {
            refusal = e;
        }
        return intake.submit(new Candidate(key, hash, order, refusal), key.hashCode());
    }

    /**
     * One intake batch in one transaction, answered as if its requests had come one after another:
     * a request whose number already has an order answers that order (or a conflict); otherwise its
     * refusal, if it earned one, or the channel's balance decides; the rest are inserted together
     * with their jobs. A unique key lost to another node fails the batch, which the group commit
     * runs again: the order that won is then found and answered.
     */
    private List<Outcome<Accepted>> acceptAll(List<Candidate> candidates) {
        return tx.execute(status -> {
            Map<RequestKey, Order> existing = orders.findByRequests(
                    candidates.stream().map(Candidate::key).distinct().toList());
            Map<RequestKey, Candidate> creating = new LinkedHashMap<>();
            Map<String, Optional<Account>> payers = new HashMap<>();
            List<Supplier<Outcome<Accepted>>> answers = new ArrayList<>(candidates.size());
            Map<RequestKey, Order> created = new HashMap<>();
            OrdoException busy = backlog.refusal();
            for (Candidate c : candidates) {
                Order earlier = existing.get(c.key());
                if (earlier != null) {
                    answers.add(() -> repeat(earlier, c));
                } else if (creating.containsKey(c.key())) {
                    // The same request number earlier in this batch: answered with the order it creates.
                    answers.add(() -> repeat(created.get(c.key()), c));
                } else if (c.refusal() != null) {
                    answers.add(() -> Outcome.failed(c.refusal()));
                } else if (busy != null) {
                    answers.add(() -> Outcome.failed(busy));
                } else {
                    String channelNo = c.key().channelNo();
                    Optional<Account> payer =
                            payers.computeIfAbsent(channelNo, ch -> wallet.find(AcquiringAccounts.channel(ch)));
                    if (payer.isEmpty()) {
                        answers.add(() -> Outcome.failed(
                                new OrdoException(ErrorCode.INSUFFICIENT, "下游渠道(" + channelNo + ")没有资金账户")));
                    } else if (payer.get().status() == AccountStatus.LOCKED) {
                        answers.add(() ->
                                Outcome.failed(new OrdoException(ErrorCode.LOCKED, "下游渠道(" + channelNo + ")资金账户已锁定")));
                    } else if (payer.get().balance().value()
                                    + payer.get().credit().value()
                            < c.order().amount()) {
                        answers.add(() -> Outcome.failed(
                                new OrdoException(ErrorCode.INSUFFICIENT, "下游渠道(" + channelNo + ")余额不足")));
                    } else {
                        creating.put(c.key(), c);
                        answers.add(() -> Outcome.of(new Accepted(created.get(c.key()), true)));
                    }
                }
            }
            List<Order> inserted = orders.createAll(
                    creating.values().stream().map(Candidate::order).toList());
            Map<String, OrderRef> bindJobs = new LinkedHashMap<>();
            for (Order order : inserted) {
                created.put(new RequestKey(order.channelNo(), order.requestNo()), order);
                bindJobs.put("o" + order.orderId(), OrderRef.accepted(order));
            }
            jobs.enqueueAll(AcquiringQueues.BIND, bindJobs);
            return answers.stream().map(Supplier::get).toList();
        });
    }

    private static Outcome<Accepted> repeat(Order existing, Candidate request) {
        if (!existing.requestHash().equals(request.hash())) {
            return Outcome.failed(new OrdoException(
                    ErrorCode.CONFLICT,
                    "请求编号(" + request.key().requestNo() + ")已使用, 且参数不同: request_no was used with other parameters"));
        }
        return Outcome.of(new Accepted(existing, false));
    }

    /** Lets the intake lanes finish what was queued. */
    @Override
    public void destroy() throws InterruptedException {
        intake.close();
    }

    /** The invoice type an order is delivered with: the request's, or the product's where the request takes any. */
    private static int invoiceFor(DownProduct product, int requested) {
        return requested == 0 ? product.invoiceType() : requested;
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

    /**
     * Characters a recharge account never holds and a supplier would take literally: controls, any
     * white space (padding, non-breaking spaces) and format characters (zero-width, direction marks).
     */
    private static boolean unseen(int c) {
        return Character.isISOControl(c)
                || Character.isWhitespace(c)
                || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT;
    }
}
