package dev.ordo.wallet.web;

import static io.swagger.v3.oas.annotations.enums.ParameterIn.QUERY;

import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.CapacityChange;
import dev.ordo.wallet.CapacityOutcome;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.Identifiers;
import dev.ordo.wallet.PackageTerms;
import dev.ordo.wallet.RecordQuery;
import dev.ordo.wallet.ServicePackages;
import dev.ordo.wallet.Wallet;
import dev.ordo.wallet.web.Views.CapacityRecordView;
import dev.ordo.wallet.web.Views.PackageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/** Seed 003's service-package API: countable capacity with add, deduct and refund. */
@RestController
@Tag(name = "Service packages", description = "Capacity packages (seed 003)")
@RequestMapping(method = {RequestMethod.GET, RequestMethod.POST})
class PackageController {

    /** The seed's default expiry when none is given (a date means the start of that day). */
    private static final String DEFAULT_EXPIRES = "20991231";

    private final ServicePackages packages;
    private final Wallet wallet;
    private final WalletParams params;
    private final ZoneId zone;

    PackageController(ServicePackages packages, Wallet wallet, WalletParams params, Clock clock) {
        this.packages = packages;
        this.wallet = wallet;
        this.params = params;
        this.zone = clock.getZone();
    }

    @Operation(summary = "Open a package for an account (idempotent on account and sid)")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "sid", in = QUERY, required = true, description = "the caller's package id")
    @Parameter(name = "name", in = QUERY, required = true)
    @Parameter(name = "total", in = QUERY, required = true, description = "initial capacity")
    @Parameter(name = "daily", in = QUERY, description = "most deducted per day, default 0 = no limit")
    @Parameter(name = "expires", in = QUERY, description = "yyyyMMdd or yyyyMMddHHmmss, default 20991231")
    @RequestMapping("/package/create")
    ResponseEntity<PackageView> create(HttpServletRequest request) {
        AccountKey key = params.account(request);
        long total = Params.requiredNumber("total", Params.of(request, "total"), 0, CapacityChange.MAX_NUM);
        long daily = Params.number("daily", Params.of(request, "daily"), 0, CapacityChange.MAX_NUM, 0);
        Instant expires = Params.seedTime(
                "expires", Params.orDefault("expires", Params.of(request, "expires"), DEFAULT_EXPIRES), zone, false);
        String sid = Params.required("sid", Params.of(request, "sid"));
        String name = Params.required("name", Params.of(request, "name"));
        PackageTerms terms = Params.valid(() -> new PackageTerms(sid, name, total, daily, expires));
        ServicePackages.Opened opened = packages.open(key, terms);
        return ResponseEntity.status(opened.created() ? HttpStatus.OK : HttpStatus.CREATED)
                .body(PackageView.of(opened.servicePackage(), zone));
    }

    @Operation(summary = "A package with its remaining capacity")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "sid", in = QUERY, required = true)
    @RequestMapping({"/package/query", "/package/capacity/query"})
    PackageView query(HttpServletRequest request) {
        AccountKey key = params.account(request);
        String spkgId = Params.valid(() -> Identifiers.id("sid", Params.required("sid", Params.of(request, "sid"))));
        return packages.find(key, spkgId)
                .map(p -> PackageView.of(p, zone))
                .orElseThrow(() -> OrdoException.notFound("no package " + spkgId + " of " + key));
    }

    @Operation(summary = "Add capacity (idempotent by trade_no)")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "sid", in = QUERY, required = true)
    @Parameter(name = "trade_no", in = QUERY, required = true)
    @Parameter(name = "num", in = QUERY, required = true)
    @RequestMapping("/package/capacity/add")
    ResponseEntity<CapacityRecordView> add(HttpServletRequest request) {
        return change(ChangeType.ADD, request);
    }

    @Operation(summary = "Deduct capacity: never below zero, not after expiry, within the daily limit")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "sid", in = QUERY, required = true)
    @Parameter(name = "trade_no", in = QUERY, required = true)
    @Parameter(name = "num", in = QUERY, required = true)
    @RequestMapping("/package/capacity/deduct")
    ResponseEntity<CapacityRecordView> deduct(HttpServletRequest request) {
        return change(ChangeType.DEDUCT, request);
    }

    @Operation(summary = "Refund a capacity deduct: trade_no is the deduct's, at most its num, once")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "sid", in = QUERY, required = true)
    @Parameter(name = "trade_no", in = QUERY, required = true, description = "the deduct's trade number")
    @Parameter(name = "num", in = QUERY, required = true)
    @RequestMapping("/package/capacity/refund")
    ResponseEntity<CapacityRecordView> refund(HttpServletRequest request) {
        return change(ChangeType.REFUND, request);
    }

    private ResponseEntity<CapacityRecordView> change(ChangeType type, HttpServletRequest request) {
        AccountKey key = params.account(request);
        long count = Params.requiredNumber("num", Params.of(request, "num"), 1, CapacityChange.MAX_NUM);
        String sid = Params.required("sid", Params.of(request, "sid"));
        String tradeNo = Params.of(request, "trade_no");
        CapacityChange change = Params.valid(() -> new CapacityChange(key, sid, params.tradeNo(tradeNo), type, count));
        return switch (packages.apply(change)) {
            case CapacityOutcome.Applied applied ->
                ResponseEntity.status(applied.repeated() ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(CapacityRecordView.of(applied.record(), zone));
            case CapacityOutcome.Refused refused ->
                throw new OrdoException(refused.refusal().errorCode(), refused.message());
        };
    }

    @Operation(summary = "Capacity records of one package (sid) or all of an account's, newest first")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "sid", in = QUERY)
    @Parameter(name = "change_type", in = QUERY, description = "1 add, 2 deduct, 3 refund")
    @Parameter(name = "start_time", in = QUERY)
    @Parameter(name = "end_time", in = QUERY)
    @Parameter(name = "pi", in = QUERY)
    @Parameter(name = "ps", in = QUERY)
    @RequestMapping("/package/record/query")
    List<CapacityRecordView> records(HttpServletRequest request) {
        AccountKey key = params.account(request);
        String sid = Params.of(request, "sid");
        String spkgId = Params.optional("sid", sid) == null ? null : Params.valid(() -> Identifiers.id("sid", sid));
        RecordQuery query = params.query(request, zone);
        // An unknown account or package is a 404 (908), as for /account/record/query, not an empty list.
        if (spkgId != null) {
            packages.find(key, spkgId).orElseThrow(() -> OrdoException.notFound("no package " + spkgId + " of " + key));
        } else if (wallet.find(key).isEmpty()) {
            throw OrdoException.notFound("no account " + key);
        }
        return packages.records(key, spkgId, query).stream()
                .map(r -> CapacityRecordView.of(r, zone))
                .toList();
    }
}
