package dev.ordo.apilog.web;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.apilog.ApiLogQuery;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The API log, searchable by operators (admin token). */
@RestController
@Tag(name = "API log")
@RequestMapping("/admin/api-log")
class ApiLogController {

    private final ApiLog apiLog;

    ApiLogController(ApiLog apiLog) {
        this.apiLog = apiLog;
    }

    @Operation(summary = "Integration calls, newest first")
    @GetMapping
    List<ApiCall> search(
            @Parameter(description = "channel_request, supplier_callback, supplier_request or notification")
                    @RequestParam(required = false)
                    String kind,
            @Parameter(description = "the channel_no or supplier on the other side") @RequestParam(required = false)
                    String party,
            @Parameter(description = "a channel's request_no, or a delivery's order_no (Ordo's unit id)")
                    @RequestParam(required = false)
                    String reference,
            @Parameter(description = "true: only calls answered other than 2xx or not at all; false: only 2xx")
                    @RequestParam(required = false)
                    String failed,
            @Parameter(description = "from this instant on (ISO-8601, e.g. 2026-11-29T00:00:00Z)")
                    @RequestParam(required = false)
                    String from,
            @Parameter(description = "before this instant (ISO-8601); the next page: the last entry's at")
                    @RequestParam(required = false)
                    String to,
            @Parameter(
                            description =
                                    "with to: also the entries at exactly to with a lower log_id; the next page: the last entry's log_id")
                    @RequestParam(name = "before_id", required = false)
                    String beforeId,
            @Parameter(description = "1 to 1000, default 100") @RequestParam(required = false) String limit) {
        return apiLog.search(new ApiLogQuery(
                kind(kind),
                Params.optionalText("party", party),
                Params.optionalText("reference", reference),
                flag(failed),
                Params.isoInstant("from", from),
                Params.isoInstant("to", to),
                beforeId(to, beforeId),
                (int) Params.number("limit", limit, 1, 1_000, 100)));
    }

    private static Long beforeId(String to, String beforeId) {
        if (Params.optional("before_id", beforeId) == null) {
            return null;
        }
        if (Params.optional("to", to) == null) {
            throw OrdoException.badParameter("before_id needs to: the at of the entry it names");
        }
        return Params.number("before_id", beforeId, 1, Long.MAX_VALUE, 0);
    }

    private static ApiCallKind kind(String value) {
        String kind = Params.optional("kind", value);
        if (kind == null) {
            return null;
        }
        return Arrays.stream(ApiCallKind.values())
                .filter(k -> k.name().equalsIgnoreCase(kind.strip()))
                .findFirst()
                .orElseThrow(() -> OrdoException.badParameter("kind must be one of "
                        + Arrays.stream(ApiCallKind.values())
                                .map(ApiCallKind::code)
                                .toList()));
    }

    private static Boolean flag(String value) {
        String flag = Params.optional("failed", value);
        if (flag == null) {
            return null;
        }
        return switch (flag.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw OrdoException.badParameter("failed must be true or false");
        };
    }
}
