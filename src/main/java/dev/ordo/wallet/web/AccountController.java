package dev.ordo.wallet.web;

import static io.swagger.v3.oas.annotations.enums.ParameterIn.QUERY;

import dev.ordo.shared.Cents;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.AccountStatus;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.Identifiers;
import dev.ordo.wallet.RecordQuery;
import dev.ordo.wallet.Wallet;
import dev.ordo.wallet.internal.BalanceCombiner;
import dev.ordo.wallet.web.Views.AccountView;
import dev.ordo.wallet.web.Views.RecordView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 003's wallet API. GET query and POST form both work. A new account or record answers 200;
 * a repeat (same trade number and amount, or an existing account) answers 201 with the original,
 * as in the seed. {@code ident} and {@code groups} default to {@code ordo.wallet.default-ident} and
 * {@code ordo.wallet.default-groups}.
 *
 * <p>Parameters are read from the request directly (documented with {@code @Parameter}): binding
 * them with {@code @RequestParam} evaluated each parameter's annotation on every request, a tenth
 * of the CPU of a deduct.
 */
@RestController
@Tag(name = "Wallet", description = "Accounts and balances (seed 003). Amounts in cents.")
@RequestMapping(method = {RequestMethod.GET, RequestMethod.POST})
class AccountController {

    private final Wallet wallet;
    private final BalanceCombiner combiner;
    private final WalletParams params;
    private final ZoneId zone;

    AccountController(Wallet wallet, BalanceCombiner combiner, WalletParams params, Clock clock) {
        this.wallet = wallet;
        this.combiner = combiner;
        this.params = params;
        this.zone = clock.getZone();
    }

    @Operation(summary = "Open an account (idempotent on ident, groups, eid)")
    @Parameter(name = "ident", in = QUERY, description = "system, default ordo.wallet.default-ident")
    @Parameter(name = "groups", in = QUERY, description = "account type, default ordo.wallet.default-groups")
    @Parameter(name = "eid", in = QUERY, required = true, description = "external id")
    @Parameter(name = "name", in = QUERY, required = true, description = "account name")
    @Parameter(name = "credit", in = QUERY, description = "cents the balance may go below zero, default 0")
    @RequestMapping("/account/create")
    ResponseEntity<AccountView> create(HttpServletRequest request) {
        AccountKey key = params.account(request);
        String accountName =
                Params.valid(() -> Identifiers.name("name", Params.required("name", Params.of(request, "name"))));
        // Without credit: none for a new account, and a repeat is not compared on it (it may have been set since).
        String creditParam = Params.of(request, "credit");
        Cents credit = Params.optional("credit", creditParam) == null ? null : Params.cents("credit", creditParam, 0);
        Wallet.Opened opened = wallet.open(key, accountName, credit);
        return ResponseEntity.status(opened.created() ? HttpStatus.OK : HttpStatus.CREATED)
                .body(AccountView.of(opened.account(), zone));
    }

    @Operation(summary = "An account with its balance and credit")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @RequestMapping({"/account/balance/query", "/account/query"})
    AccountView query(HttpServletRequest request) {
        AccountKey key = params.account(request);
        return wallet.find(key)
                .map(account -> AccountView.of(account, zone))
                .orElseThrow(() -> OrdoException.notFound("no account " + key));
    }

    @Operation(summary = "Add to the balance (idempotent by trade_no)")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "trade_no", in = QUERY, required = true, description = "idempotency key, 1-64 characters")
    @Parameter(name = "amount", in = QUERY, required = true, description = "cents, 1 to 10^12")
    @RequestMapping("/account/balance/add")
    ResponseEntity<RecordView> add(HttpServletRequest request) {
        return change(ChangeType.ADD, request);
    }

    @Operation(summary = "Deduct from the balance, never below minus the credit (idempotent by trade_no)")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "trade_no", in = QUERY, required = true, description = "idempotency key, 1-64 characters")
    @Parameter(name = "amount", in = QUERY, required = true, description = "cents, 1 to 10^12")
    @RequestMapping("/account/balance/deduct")
    ResponseEntity<RecordView> deduct(HttpServletRequest request) {
        return change(ChangeType.DEDUCT, request);
    }

    @Operation(summary = "Refund a deduct: trade_no is the deduct's, at most its amount, once")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "trade_no", in = QUERY, required = true, description = "the deduct's trade number")
    @Parameter(name = "amount", in = QUERY, required = true, description = "cents, at most the deduct's")
    @RequestMapping("/account/balance/refund")
    ResponseEntity<RecordView> refund(HttpServletRequest request) {
        return change(ChangeType.REFUND, request);
    }

    private ResponseEntity<RecordView> change(ChangeType type, HttpServletRequest request) {
        AccountKey key = params.account(request);
        BalanceChange change = new BalanceChange(
                key,
                params.tradeNo(Params.of(request, "trade_no")),
                type,
                Params.positiveCents("amount", Params.of(request, "amount")));
        return switch (combiner.apply(change)) {
            case BalanceOutcome.Applied applied ->
                ResponseEntity.status(applied.repeated() ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(RecordView.of(applied.record(), zone));
            case BalanceOutcome.Refused refused ->
                throw new OrdoException(refused.refusal().errorCode(), refused.message());
        };
    }

    @Operation(summary = "Records of an account, newest first (pi from 0, ps up to 500)")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "change_type", in = QUERY, description = "1 add, 2 deduct, 3 refund")
    @Parameter(name = "start_time", in = QUERY, description = "yyyyMMddHHmmss or yyyyMMdd, inclusive")
    @Parameter(name = "end_time", in = QUERY, description = "yyyyMMddHHmmss, or yyyyMMdd (whole day), exclusive")
    @Parameter(name = "pi", in = QUERY, description = "page index from 0")
    @Parameter(name = "ps", in = QUERY, description = "page size, default 10, at most 500")
    @RequestMapping("/account/record/query")
    List<RecordView> records(HttpServletRequest request) {
        AccountKey key = params.account(request);
        RecordQuery query = params.query(request, zone);
        if (wallet.find(key).isEmpty()) {
            throw OrdoException.notFound("no account " + key);
        }
        return wallet.records(key, query).stream()
                .map(r -> RecordView.of(r, zone))
                .toList();
    }

    @Operation(summary = "Lock an account: every balance operation is refused (code 907)")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @RequestMapping("/account/lock")
    AccountView lock(HttpServletRequest request) {
        return status(params.account(request), AccountStatus.LOCKED);
    }

    @Operation(summary = "Unlock an account")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @RequestMapping("/account/unlock")
    AccountView unlock(HttpServletRequest request) {
        return status(params.account(request), AccountStatus.ACTIVE);
    }

    private AccountView status(AccountKey key, AccountStatus status) {
        return wallet.setStatus(key, status)
                .map(account -> AccountView.of(account, zone))
                .orElseThrow(() -> OrdoException.notFound("no account " + key));
    }

    @Operation(summary = "Set the credit (how far below zero the balance may go)")
    @Parameter(name = "ident", in = QUERY)
    @Parameter(name = "groups", in = QUERY)
    @Parameter(name = "eid", in = QUERY, required = true)
    @Parameter(name = "credit", in = QUERY, required = true, description = "cents")
    @RequestMapping("/account/credit/set")
    AccountView credit(HttpServletRequest request) {
        AccountKey key = params.account(request);
        Cents value = Params.cents("credit", Params.of(request, "credit"), 0);
        return wallet.setCredit(key, value)
                .map(account -> AccountView.of(account, zone))
                .orElseThrow(() -> OrdoException.notFound("no account " + key));
    }
}
