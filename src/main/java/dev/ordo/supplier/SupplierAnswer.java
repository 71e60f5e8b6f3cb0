package dev.ordo.supplier;

import dev.ordo.shared.SqlText;
import java.time.Instant;

/**
 * What came back from a supplier. Only {@link Transport#NOT_SENT} is safe to send again: the request
 * never left. {@link Transport#NO_ANSWER} may have reached the supplier and is resolved by query —
 * not before {@code onItsWayUntil} when its request may still be on its way (a caller that stopped
 * waiting for it), else at once.
 */
public record SupplierAnswer(
        Transport transport, String code, String message, String supplierOrderNo, Instant onItsWayUntil) {

    /**
     * A delivery whose turn came too long after its claim (or after the order's overtime) to be sent
     * in that claim: not sent, it is claimed again, right before a request of its own.
     */
    public static final String TOO_LATE = "its turn came too late to be sent with the others";

    /** A supplier's text is stored as it came, but for NUL characters (see {@link SqlText}). */
    public SupplierAnswer {
        code = SqlText.storable(code);
        message = SqlText.storable(message);
        supplierOrderNo = SqlText.storable(supplierOrderNo);
    }

    public enum Transport {
        /** The supplier answered with a code (its meaning comes from the catalog's code table). */
        ANSWERED,
        /** The connection could not be made: the supplier did not receive anything. */
        NOT_SENT,
        /** No usable answer (timeout, broken connection, unreadable reply): the supplier may have it. */
        NO_ANSWER
    }

    public static SupplierAnswer answered(String code, String message, String supplierOrderNo) {
        return new SupplierAnswer(Transport.ANSWERED, code, message, supplierOrderNo, null);
    }

    public static SupplierAnswer notSent(String why) {
        return new SupplierAnswer(Transport.NOT_SENT, null, why, null, null);
    }

    /** Not sent: see {@link #TOO_LATE}. */
    public static SupplierAnswer tooLate() {
        return notSent(TOO_LATE);
    }

    /** Whether the delivery was held back as {@link #TOO_LATE}. */
    public boolean wasTooLate() {
        return transport == Transport.NOT_SENT && TOO_LATE.equals(message);
    }

    public static SupplierAnswer noAnswer(String why) {
        return new SupplierAnswer(Transport.NO_ANSWER, null, why, null, null);
    }

    /** No answer yet, its request perhaps still on its way until {@code until}: queried only after that. */
    public static SupplierAnswer noAnswerYet(String why, Instant until) {
        return new SupplierAnswer(Transport.NO_ANSWER, null, why, null, until);
    }
}
