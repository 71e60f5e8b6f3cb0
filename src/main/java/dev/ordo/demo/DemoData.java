package dev.ordo.demo;

import dev.ordo.acquiring.AcquiringAccounts;
import dev.ordo.catalog.Catalog;
import dev.ordo.catalog.CatalogAdmin;
import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.DownShelf;
import dev.ordo.catalog.CatalogEntries.ErrorCodeEntry;
import dev.ordo.catalog.CatalogEntries.ProductLine;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.catalog.CatalogEntries.UpShelf;
import dev.ordo.shared.Cents;
import dev.ordo.shared.Dialect;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.PublicUrl;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.Wallet;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Loads the demo data (idempotent: what exists is kept). {@code ordo.demo.load}: {@code auto}
 * (default: on the embedded H2 database when the catalog is empty), {@code always}, {@code never}.
 */
@Component
public class DemoData {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);
    static final long LINE = 1;
    static final long BALANCE = 9_999_999;

    private final CatalogAdmin catalog;
    private final Catalog reader;
    private final Wallet wallet;
    private final Dialect dialect;
    private final PublicUrl publicUrl;
    private final String mode;
    private final String supplierSecret;
    private final TransactionTemplate tx;
    private final boolean production;

    DemoData(
            CatalogAdmin catalog,
            Catalog reader,
            Wallet wallet,
            Dialect dialect,
            PublicUrl publicUrl,
            @Value("${ordo.demo.load:auto}") String mode,
            @Value("${ordo.mock-supplier.secret:mock-supplier-secret-0001}") String supplierSecret,
            TransactionTemplate tx,
            Environment environment) {
        this.production = environment.matchesProfiles("prod");
        this.catalog = catalog;
        this.reader = reader;
        this.wallet = wallet;
        this.dialect = dialect;
        this.publicUrl = publicUrl;
        this.mode = mode;
        this.supplierSecret = supplierSecret;
        this.tx = tx;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onStart() {
        boolean load = switch (mode) {
            case "always" -> true;
            case "never" -> false;
            default -> dialect == Dialect.H2 && catalog.lines().isEmpty();
        };
        if (load) {
            load();
        }
        if (production) {
            return; // a production console shows no secret, not even a demo channel's
        }
        reader.downChannel("ycdown").map(DownChannel::secret).ifPresent(secret -> {
            // The demo's signed channel: shown on the console, never through the logger.
            System.out.println("  Demo channel ycdown signs its requests with the secret: " + secret);
            System.out.println();
        });
    }

    /**
     * Creates what is missing of the demo data, in one transaction; answers what it did. What exists
     * is kept as it is — an operator's changes to the demo channels, supplier, codes and accounts
     * stay — except the mock supplier's URLs, which follow this server's public URL. Nodes loading at
     * once are kept apart by the product line's insert: the second waits for the first, finds its
     * line and loads again, finding everything.
     */
    public synchronized String load() {
        if (production) {
            // Its channel test is unsigned, its supplier's secret public and its accounts hold money.
            throw new OrdoException(
                    ErrorCode.FORBIDDEN,
                    "the prod profile loads no demo data: its channel test is unsigned, its supplier's secret is public"
                            + " and its accounts are given money");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(s -> loadOnce());
            } catch (DataIntegrityViolationException | OrdoException changedMeanwhile) {
                if (changedMeanwhile instanceof OrdoException refused && refused.errorCode() != ErrorCode.CONFLICT
                        || attempt == LOAD_ATTEMPTS) {
                    throw changedMeanwhile;
                }
                // Created by another node, or the supplier saved meanwhile (its save names the version read).
                log.info("demo data changed meanwhile by another node or an operator; loading what is still missing");
            }
        }
    }

    private static final int LOAD_ATTEMPTS = 5;

    private String loadOnce() {
        // Accounts an operator (or an earlier load) opened keep their balance: only those this load
        // opens — itself, or the catalog when it saves a new channel or supplier — are given money.
        List<AccountKey> demoAccounts = demoAccounts();
        Set<AccountKey> existed = new HashSet<>();
        for (AccountKey key : demoAccounts) {
            if (wallet.find(key).isPresent()) {
                existed.add(key);
            }
        }
        String base = publicUrl.get();
        if (catalog.lines().stream().noneMatch(l -> l.lineId() == LINE)) {
            catalog.create(new ProductLine(LINE, "Fuel card top-up", 1));
        }
        Optional<UpChannel> existing = catalog.upChannels().stream()
                .filter(c -> c.channelNo().equals("ycup"))
                .findFirst();
        catalog.save(existing.map(c -> c.withUrls(
                        base + "/mock/supplier/submit-batch",
                        base + "/mock/supplier/query",
                        base + "/mock/supplier/return"))
                .orElseGet(() -> new UpChannel(
                        "ycup",
                        "Mock supplier",
                        0,
                        10,
                        "reference-http-batch",
                        base + "/mock/supplier/submit-batch",
                        base + "/mock/supplier/query",
                        base + "/mock/supplier/return",
                        null,
                        0,
                        1,
                        2,
                        5,
                        2000,
                        supplierSecret)));
        long upShelf = catalog.upShelves().stream()
                .filter(s -> s.channelNo().equals("ycup"))
                .findFirst()
                .map(UpShelf::shelfId)
                .orElseGet(() -> catalog.save(new UpShelf(null, "ycup shelf", "ycup", 300, 300, 0))
                        .shelfId());
        if (catalog.upProducts().stream().noneMatch(p -> p.shelfId() == upShelf && p.face() == 10_000)) {
            catalog.save(new UpProduct(
                    null,
                    upShelf,
                    LINE,
                    "ZSH",
                    "*",
                    "*",
                    1,
                    0,
                    10_000,
                    new BigDecimal("0.98"),
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    1,
                    0));
        }
        for (String[] code : new String[][] {
            {"R0000", "0", "success"},
            {"R5124", "10", "failure"},
            {"R9999", "90", "unknown, query later"},
            {"R4040", "10", "no such order"},
            {"R4010", "90", "signature refused: check the secret"}
        }) {
            boolean known = catalog.errorCodes().stream()
                    .anyMatch(e -> e.channelNo().equals("ycup")
                            && e.serviceClass() == 10
                            && e.errorCode().equals(code[0]));
            if (!known) {
                catalog.save(new ErrorCodeEntry("ycup", 10, code[0], Integer.parseInt(code[1]), code[2]));
            }
        }
        channel("test", "Test channel (legacy, unsigned)", null, 20_000);
        channel("ycdown", "YC downstream (signed)", newSecret(), 200);
        for (AccountKey key : demoAccounts) {
            if (!existed.contains(key)) {
                account(key, key.eid() + " " + key.groups());
            }
        }
        log.info("demo data ready: line 1, channels test and ycdown, supplier ycup at {}/mock/supplier", base);
        return "demo data ready: line 1 'Fuel card top-up', channels test (unsigned) and ycdown (signed), "
                + "supplier ycup (mock supplier at " + base + "/mock/supplier), accounts (new ones with " + BALANCE
                + " cents; existing ones keep their balance)";
    }

    private void channel(String channelNo, String name, String secret, int rateLimit) {
        if (catalog.downChannels().stream().noneMatch(c -> c.channelNo().equals(channelNo))) {
            boolean legacy = secret == null;
            catalog.save(new DownChannel(channelNo, name, 0, secret, legacy ? 0 : 1, rateLimit));
        }
        long shelf = catalog.downShelves().stream()
                .filter(s -> s.channelNo().equals(channelNo))
                .findFirst()
                .map(DownShelf::shelfId)
                .orElseGet(() -> catalog.save(new DownShelf(null, channelNo + " shelf", channelNo, 600, 600, 0))
                        .shelfId());
        for (long face : new long[] {10_000, 20_000, 50_000}) {
            boolean exists = catalog.downProducts().stream()
                    .anyMatch(p -> p.product().shelfId() == shelf && p.product().face() == face);
            if (!exists) {
                catalog.save(new DownProduct(
                        null,
                        shelf,
                        LINE,
                        "ZSH",
                        "*",
                        "*",
                        0,
                        0,
                        face,
                        new BigDecimal("0.99"),
                        new BigDecimal("0.002"),
                        new BigDecimal("0.001"),
                        BigDecimal.ZERO,
                        0,
                        10_000,
                        10,
                        0));
            }
        }
    }

    /** The accounts of the demo's channels and supplier. */
    private static List<AccountKey> demoAccounts() {
        List<AccountKey> keys = new ArrayList<>();
        for (String ch : List.of("test", "ycdown")) {
            keys.addAll(List.of(
                    AcquiringAccounts.channel(ch),
                    AcquiringAccounts.channelCommission(ch),
                    AcquiringAccounts.channelService(ch),
                    AcquiringAccounts.channelPaymentFee(ch)));
        }
        keys.addAll(List.of(
                AcquiringAccounts.supplier("ycup"),
                AcquiringAccounts.supplierCommission("ycup"),
                AcquiringAccounts.supplierService("ycup")));
        return keys;
    }

    /** Opens the account if missing (the catalog opens the fee accounts of a channel it saves) and gives it money. */
    private void account(AccountKey key, String name) {
        if (wallet.find(key).isEmpty()) {
            wallet.open(key, name, Cents.ZERO);
        }
        wallet.apply(BalanceChange.add(key, "demo-opening", BALANCE));
    }

    private static String newSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
