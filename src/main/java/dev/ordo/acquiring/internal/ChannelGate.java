package dev.ordo.acquiring.internal;

import dev.ordo.apilog.ApiLog;
import dev.ordo.catalog.Catalog;
import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.Flag;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.shared.Signatures;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Lets a channel's request in (SPEC K6): the channel must exist and be active; a signed channel
 * must send {@code timestamp} (Unix seconds) within the window and {@code sign} =
 * HMAC-SHA256(secret, sorted parameters) (see {@link Signatures}); a legacy-unsigned channel may
 * send neither. Each channel has its own rate limit (requests per second per node), answered 429.
 */
@Component
public class ChannelGate {

    private final Catalog catalog;
    private final Clock clock;
    private final Duration window;
    private final Map<String, Limiter> limiters = new ConcurrentHashMap<>();

    private record Limiter(int perSecond, Bucket bucket) {}

    ChannelGate(Catalog catalog, Clock clock, @Value("${ordo.acquiring.signature-window:5m}") Duration window) {
        this.catalog = catalog;
        this.clock = clock;
        this.window = window;
    }

    /** A request that passed: its channel and its parameters (each given once). */
    public record Admitted(DownChannel channel, Map<String, String> params) {

        public String param(String name) {
            return params.get(name);
        }

        /** Whether the request was signed (its channel is not legacy-unsigned), its signature verified. */
        public boolean signed() {
            return !Flag.yes(channel.legacyUnsigned());
        }
    }

    /**
     * Admits the request of a channel to an endpoint taking {@code parameters} (besides {@code
     * channel_no}, {@code timestamp} and {@code sign}). A signed channel's request carrying another
     * parameter is refused: the signed text writes names and values as they are, joined by {@code &},
     * so one who sees a request could carve a parameter out of another's value ({@code
     * notify_url=https://x/cb?a=1&z=2} into {@code notify_url=https://x/cb?a=1} and {@code z=2}) or
     * fold one into another's name without breaking its signature; with only the endpoint's own names,
     * each strictly read, no such rewriting survives.
     */
    public Admitted admit(HttpServletRequest request, Set<String> parameters) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> entry : request.getParameterMap().entrySet()) {
            if (entry.getValue().length > 1) {
                throw OrdoException.badParameter(entry.getKey() + " is given more than once");
            }
            params.put(entry.getKey(), Params.optional(entry.getKey(), entry.getValue()[0]));
        }
        String channelNo = Params.required("channel_no", params.get("channel_no"));
        DownChannel channel = catalog.downChannel(channelNo)
                .filter(DownChannel::active)
                .orElseThrow(() ->
                        new OrdoException(ErrorCode.CHANNEL_UNAVAILABLE, "下游渠道(" + printable(channelNo) + ")不存在或已停用"));
        Admitted admitted = new Admitted(channel, params);
        if (admitted.signed()) {
            for (String name : params.keySet()) {
                if (!parameters.contains(name) && !SIGNING.contains(name)) {
                    throw OrdoException.badParameter("parameter " + printable(name)
                            + " is not one of this endpoint's: a signed channel sends only those, timestamp and sign");
                }
            }
            verify(channel, params);
        }
        ApiLog.admitted(request);
        Limiter limiter = limiters.compute(
                channelNo,
                (no, current) -> current != null && current.perSecond() == channel.rateLimit()
                        ? current
                        : new Limiter(
                                channel.rateLimit(),
                                Bucket.builder()
                                        .addLimit(Bandwidth.builder()
                                                .capacity(channel.rateLimit())
                                                .refillGreedy(channel.rateLimit(), Duration.ofSeconds(1))
                                                .build())
                                        .build()));
        if (!limiter.bucket().tryConsume(1)) {
            throw new OrdoException(
                    ErrorCode.RATE_LIMITED,
                    "渠道(" + channelNo + ")请求过于频繁: more than " + channel.rateLimit() + " requests per second");
        }
        return admitted;
    }

    private static final Set<String> SIGNING = Set.of("channel_no", "timestamp", Signatures.SIGN);

    private void verify(DownChannel channel, Map<String, String> params) {
        String timestamp = params.get("timestamp");
        String sign = params.get(Signatures.SIGN);
        if (timestamp == null || sign == null) {
            throw new OrdoException(ErrorCode.SIGNATURE_INVALID, "timestamp and sign are required for this channel");
        }
        Signatures.checkTimestamp(timestamp, clock, window);
        if (!Signatures.verify(channel.secret(), params, sign)) {
            throw new OrdoException(ErrorCode.SIGNATURE_INVALID, "签名错误: sign does not match the parameters");
        }
    }

    /** Channel numbers end up in messages: keep them short and printable. */
    static String printable(String text) {
        String cleaned = text.codePoints()
                .filter(c -> !Character.isISOControl(c))
                .limit(32)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return cleaned;
    }
}
