package dev.ordo.acquiring.web;

import dev.ordo.acquiring.internal.OrderSteps;
import dev.ordo.apilog.ApiLog;
import dev.ordo.catalog.Catalog;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.shared.Signatures;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import dev.ordo.supplier.Suppliers;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A supplier reports a delivery's result (SPEC A4): {@code POST /supplier/notify/{supplier}} with
 * {@code order_no} (Ordo's unit id), {@code code}, {@code msg}, {@code timestamp}, {@code sign} (the
 * supplier's secret). Idempotent: a result already known is acknowledged and changes nothing. As
 * the channel API: each parameter once, and {@code timestamp} (Unix seconds) within the signature
 * window of Ordo's clock, so that a callback seen on the way cannot be sent again later.
 */
@RestController
class SupplierCallbackController {

    private final Catalog catalog;
    private final OrderSteps steps;

    private final Clock clock;
    private final Duration window;

    SupplierCallbackController(
            Catalog catalog,
            OrderSteps steps,
            Clock clock,
            @Value("${ordo.acquiring.signature-window:5m}") Duration window) {
        this.catalog = catalog;
        this.steps = steps;
        this.clock = clock;
        this.window = window;
    }

    private static final Set<String> PARAMETERS =
            Set.of("order_no", "code", "msg", "supplier_order_no", "timestamp", Signatures.SIGN);

    private static String abbreviated(String name) {
        return name.length() <= 32 ? name : name.substring(0, 32) + "…";
    }

    @PostMapping("/supplier/notify/{supplierNo}")
    Map<String, String> notify(@PathVariable String supplierNo, HttpServletRequest request) {
        UpChannel supplier =
                catalog.supplier(supplierNo).orElseThrow(() -> OrdoException.notFound("no supplier " + supplierNo));
        Map<String, String> params = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (values.length > 1) {
                throw OrdoException.badParameter(name + " is given more than once");
            }
            if (!PARAMETERS.contains(name)) {
                // The signed text writes names and values as they are: a parameter carved out of
                // msg's value, or folded into a name, would keep the signature.
                throw OrdoException.badParameter("parameter " + abbreviated(name)
                        + " is not one of a callback's: order_no, code, msg, supplier_order_no, timestamp, sign");
            }
            params.put(name, values[0]);
        });
        SupplierEndpoint endpoint = new SupplierEndpoint(
                supplier.channelNo(),
                supplier.protocol(),
                supplier.serviceClass(),
                null,
                null,
                null,
                null,
                supplier.secret(),
                supplier.timeoutMs());
        Signatures.checkTimestamp(params.get("timestamp"), clock, window);
        if (!Suppliers.verified(endpoint, params)) {
            throw new OrdoException(ErrorCode.SIGNATURE_INVALID, "the callback's sign does not match");
        }
        ApiLog.admitted(request);
        long unitId = Params.requiredNumber("order_no", params.get("order_no"), 1, Long.MAX_VALUE);
        String code = Params.required("code", params.get("code"));
        boolean known = steps.settleByCallback(
                unitId,
                supplierNo,
                SupplierAnswer.answered(code, params.get("msg"), params.get("supplier_order_no")),
                "callback");
        if (!known) {
            throw OrdoException.notFound("no delivery " + unitId + " of " + supplierNo);
        }
        return Map.of("code", "SUCCESS");
    }
}
