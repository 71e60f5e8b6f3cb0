package dev.ordo.supplier;

import dev.ordo.shared.SqlText;

/**
 * What came back from a supplier. Only {@link Transport#NOT_SENT} is safe to send again: the request
 * never left. {@link Transport#NO_ANSWER} may have reached the supplier and is resolved by query.
 */
public record SupplierAnswer(Transport transport, String code, String message, String supplierOrderNo) {

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
        return new SupplierAnswer(Transport.ANSWERED, code, message, supplierOrderNo);
    }

    public static SupplierAnswer notSent(String why) {
        return new SupplierAnswer(Transport.NOT_SENT, null, why, null);
    }

    public static SupplierAnswer noAnswer(String why) {
        return new SupplierAnswer(Transport.NO_ANSWER, null, why, null);
    }
}
