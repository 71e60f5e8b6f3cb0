package dev.ordo.acquiring.web;

import static io.swagger.v3.oas.annotations.enums.ParameterIn.QUERY;

import dev.ordo.acquiring.internal.AcceptOrder;
import dev.ordo.acquiring.internal.ChannelGate;
import dev.ordo.acquiring.internal.ChannelGate.Admitted;
import dev.ordo.acquiring.internal.RequestRefund;
import dev.ordo.acquiring.internal.RequestRefund.RefundAnswer;
import dev.ordo.order.Order;
import dev.ordo.order.Orders;
import dev.ordo.shared.JsonAnswers;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.wallet.Identifiers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The reseller API of seed 000 (SPEC A2, A6), on port 8600: GET with a query string or POST with a
 * form. Signed channels add {@code timestamp} and {@code sign} (see docs/channel-api.md). Errors are
 * problem details with {@code code} and {@code msg} (the seed's texts). The handlers write their
 * answers themselves ({@link JsonAnswers}): these are the endpoints that take the most requests.
 */
@RestController
@Tag(name = "Reseller API", description = "Orders and refunds of virtual goods (seed 000). Faces and amounts in yuan.")
@RequestMapping(method = {RequestMethod.GET, RequestMethod.POST})
class ResellerController {

    private final ChannelGate gate;
    private final AcceptOrder acceptOrder;
    private final RequestRefund requestRefund;
    private final Orders orders;
    private final JsonAnswers answers;

    ResellerController(
            ChannelGate gate,
            AcceptOrder acceptOrder,
            RequestRefund requestRefund,
            Orders orders,
            JsonAnswers answers) {
        this.gate = gate;
        this.acceptOrder = acceptOrder;
        this.requestRefund = requestRefund;
        this.orders = orders;
        this.answers = answers;
    }

    /** The answer of /order/request and /order/query; status 0 succeeded, 30 in progress, 90 failed, 91 partly. */
    record OrderAnswer(String channelNo, String requestNo, String orderId, int status) {

        static OrderAnswer of(Order o) {
            return new OrderAnswer(
                    o.channelNo(),
                    o.requestNo(),
                    Long.toString(o.orderId()),
                    o.status().channelCode());
        }
    }

    /** Each endpoint's parameters besides channel_no, timestamp and sign: a signed channel sends no other. */
    private static final Set<String> ORDER_REQUEST = Set.of(
            "request_no",
            "line_id",
            "carrier_no",
            "province_no",
            "city_no",
            "invoice_type",
            "num",
            "face",
            "amount",
            "notify_url",
            "rechage_account");

    private static final Set<String> ORDER_QUERY = Set.of("request_no");
    private static final Set<String> REFUND_REQUEST = Set.of("request_no", "refund_no", "refund_num", "notify_url");
    private static final Set<String> REFUND_QUERY = Set.of("request_no", "refund_no");

    @Operation(summary = "Place an order (idempotent on channel_no and request_no)")
    @Parameter(name = "channel_no", in = QUERY, required = true)
    @Parameter(name = "request_no", in = QUERY, required = true, description = "the channel's order number")
    @Parameter(name = "line_id", in = QUERY, required = true)
    @Parameter(name = "carrier_no", in = QUERY, required = true)
    @Parameter(name = "province_no", in = QUERY, description = "default *")
    @Parameter(name = "city_no", in = QUERY, description = "default *")
    @Parameter(name = "invoice_type", in = QUERY, required = true, description = "1 none, 0 any, 2 required")
    @Parameter(name = "num", in = QUERY, required = true)
    @Parameter(name = "face", in = QUERY, required = true, description = "face of one product, yuan")
    @Parameter(name = "amount", in = QUERY, required = true, description = "face × num × sell_discount, yuan")
    @Parameter(name = "notify_url", in = QUERY)
    @Parameter(name = "rechage_account", in = QUERY, description = "the account to top up (seed spelling)")
    @Parameter(name = "timestamp", in = QUERY, description = "Unix seconds, signed channels")
    @Parameter(name = "sign", in = QUERY, description = "HMAC-SHA256, signed channels")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = OrderAnswer.class)))
    @RequestMapping("/order/request")
    void request(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Admitted admitted = gate.admit(request, ORDER_REQUEST);
        answers.write(response, OrderAnswer.of(acceptOrder.accept(admitted).order()));
    }

    @Operation(summary = "An order's status")
    @Parameter(name = "channel_no", in = QUERY, required = true)
    @Parameter(name = "request_no", in = QUERY, required = true)
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = OrderAnswer.class)))
    @RequestMapping("/order/query")
    void query(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Admitted admitted = gate.admit(request, ORDER_QUERY);
        String channelNo = admitted.channel().channelNo();
        String requestNo = Params.required("request_no", admitted.param("request_no"));
        answers.write(
                response,
                orders.findByRequest(channelNo, Identifiers.isId(requestNo) ? requestNo : "")
                        .map(OrderAnswer::of)
                        .orElseThrow(() -> OrdoException.notFound(
                                "订单不存在,channel_no:" + channelNo + ",request_no:" + abbreviate(requestNo))));
    }

    @Operation(summary = "Refund delivered products if the supplier takes them back")
    @Parameter(name = "channel_no", in = QUERY, required = true)
    @Parameter(name = "request_no", in = QUERY, required = true)
    @Parameter(name = "refund_no", in = QUERY, required = true)
    @Parameter(name = "refund_num", in = QUERY, required = true)
    @Parameter(name = "notify_url", in = QUERY, required = true)
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = RefundAnswer.class)))
    @RequestMapping("/refund/general")
    void general(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answers.write(response, requestRefund.request(gate.admit(request, REFUND_REQUEST), false));
    }

    @Operation(summary = "Refund delivered products whatever the supplier does (Ordo bears the loss)")
    @Parameter(name = "channel_no", in = QUERY, required = true)
    @Parameter(name = "request_no", in = QUERY, required = true)
    @Parameter(name = "refund_no", in = QUERY, required = true)
    @Parameter(name = "refund_num", in = QUERY, required = true)
    @Parameter(name = "notify_url", in = QUERY, required = true)
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = RefundAnswer.class)))
    @RequestMapping("/refund/mandatory")
    void mandatory(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answers.write(response, requestRefund.request(gate.admit(request, REFUND_REQUEST), true));
    }

    @Operation(summary = "A refund's status")
    @Parameter(name = "channel_no", in = QUERY, required = true)
    @Parameter(name = "request_no", in = QUERY, required = true)
    @Parameter(name = "refund_no", in = QUERY, required = true)
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = RefundAnswer.class)))
    @RequestMapping("/refund/query")
    void refundQuery(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answers.write(response, requestRefund.query(gate.admit(request, REFUND_QUERY)));
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64);
    }
}
