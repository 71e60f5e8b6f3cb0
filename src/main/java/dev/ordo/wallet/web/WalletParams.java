package dev.ordo.wallet.web;

import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.RecordQuery;
import dev.ordo.wallet.TradeNo;
import jakarta.servlet.http.HttpServletRequest;
import java.time.ZoneId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Reads the wallet's seed parameters; {@code ident} and {@code groups} have configurable defaults. */
@Component
class WalletParams {

    private final String defaultIdent;
    private final String defaultGroups;

    WalletParams(
            @Value("${ordo.wallet.default-ident:ordo}") String defaultIdent,
            @Value("${ordo.wallet.default-groups:default}") String defaultGroups) {
        this.defaultIdent = defaultIdent;
        this.defaultGroups = defaultGroups;
    }

    AccountKey account(HttpServletRequest request) {
        return account(Params.of(request, "ident"), Params.of(request, "groups"), Params.of(request, "eid"));
    }

    RecordQuery query(HttpServletRequest request, ZoneId zone) {
        return query(
                Params.of(request, "change_type"),
                Params.of(request, "start_time"),
                Params.of(request, "end_time"),
                Params.of(request, "pi"),
                Params.of(request, "ps"),
                zone);
    }

    AccountKey account(String ident, String groups, String eid) {
        String i = Params.orDefault("ident", ident, defaultIdent);
        String g = Params.orDefault("groups", groups, defaultGroups);
        String e = Params.required("eid", eid);
        return Params.valid(() -> new AccountKey(i, g, e));
    }

    TradeNo tradeNo(String value) {
        TradeNo tradeNo = Params.valid(() -> new TradeNo(Params.required("trade_no", value)));
        if (tradeNo.reserved()) {
            throw OrdoException.badParameter("trade_no must not start with #");
        }
        return tradeNo;
    }

    RecordQuery query(String changeType, String start, String end, String pi, String ps, ZoneId zone) {
        Long type =
                changeType == null || changeType.isBlank() ? null : Params.number("change_type", changeType, 1, 3, 0);
        return Params.valid(() -> new RecordQuery(
                type == null ? null : ChangeType.ofCode(type.intValue()),
                Params.seedTime("start_time", start, zone, false),
                Params.seedTime("end_time", end, zone, true),
                (int) Params.number("pi", pi, 0, 1_000_000, 0),
                (int) Params.number("ps", ps, 1, RecordQuery.MAX_SIZE, 10)));
    }
}
