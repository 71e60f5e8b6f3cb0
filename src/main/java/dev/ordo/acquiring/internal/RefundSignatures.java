package dev.ordo.acquiring.internal;

import dev.ordo.shared.Dialect;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Ids;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.SqlTime;
import java.time.Clock;
import java.util.Locale;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Ties the signature of a signed channel's refund request to the endpoint it was first seen on.
 * {@code /refund/general} and {@code /refund/mandatory} take the same parameters and the signature
 * covers the parameters, not the path (seed 000's contract): without this, a general refund refused
 * (a product that cannot be refunded, say) and seen on the way could be sent again, unchanged, to
 * {@code /refund/mandatory} within the signature's window — a refund the channel never asked for,
 * at Ordo's cost. The same request sent again to the same endpoint passes (a repeat); a channel that
 * wants the other kind signs a new request (a new {@code timestamp}, so a new signature). It cannot
 * stop one who intercepts the request and sends it to the other endpoint before it arrives: only
 * HTTPS between channel and Ordo does.
 *
 * <p>Written on its own, before the request is checked further, and kept whatever the answer:
 * a refused request is exactly the one to remember. Safe across nodes: the unique key decides.
 */
@Component
class RefundSignatures {

    static final String TABLE = "oms_refund_signature";

    private final JdbcClient jdbc;
    private final Ids ids;
    private final Clock clock;
    /** PostgreSQL logs a refused insert as an error: there, a repeat is not inserted at all. */
    private final String onConflict;

    RefundSignatures(JdbcClient jdbc, Ids ids, Clock clock, Dialect dialect) {
        this.jdbc = jdbc;
        this.ids = ids;
        this.clock = clock;
        this.onConflict = dialect == Dialect.POSTGRESQL ? " on conflict do nothing" : "";
    }

    /** Refuses (914) a signature first seen on the other refund endpoint; {@code kind} is this one's. */
    void tie(String channelNo, String sign, String kind) {
        String key = sign.toLowerCase(Locale.ROOT); // verified case-insensitively: one signature, one row
        int inserted;
        try {
            inserted = jdbc.sql("insert into " + TABLE + " (entry_id, channel_no, sign, kind, created_at)"
                            + " values (:id, :channel, :sign, :kind, :now)" + onConflict)
                    .param("id", ids.next(TABLE))
                    .param("channel", channelNo)
                    .param("sign", key)
                    .param("kind", kind)
                    .param("now", SqlTime.utc(clock.instant()))
                    .update();
        } catch (DuplicateKeyException seen) {
            inserted = 0;
        }
        if (inserted == 0) {
            String first = jdbc.sql("select kind from " + TABLE + " where channel_no = :channel and sign = :sign")
                    .param("channel", channelNo)
                    .param("sign", key)
                    .query(String.class)
                    .optional()
                    .orElse(kind); // deleted meanwhile: only once its window had passed, which the gate checks
            if (!first.equals(kind)) {
                throw new OrdoException(
                        ErrorCode.SIGNATURE_INVALID,
                        "签名错误: this sign was used on /refund/" + first + "; sign a /refund/" + kind
                                + " request of its own (a new timestamp)");
            }
        }
    }
}
