package dev.ordo.supplier;

/**
 * One supplier protocol. Implementations never throw for transport problems: they answer
 * {@link SupplierAnswer.Transport#NOT_SENT} or {@link SupplierAnswer.Transport#NO_ANSWER}.
 */
public interface SupplierAdapter {

    /** The protocol name used in the catalog's {@code protocol} field. */
    String protocol();

    SupplierAnswer submit(SupplierEndpoint supplier, Delivery delivery);

    /** The state of an earlier delivery, by Ordo's {@code orderNo}. */
    SupplierAnswer query(SupplierEndpoint supplier, String orderNo);

    /** Asks the supplier to take a delivery back (a refund); {@code returnNo} is the return's idempotency key. */
    SupplierAnswer returnDelivery(SupplierEndpoint supplier, String orderNo, String returnNo);

    /** The state of an earlier return. */
    SupplierAnswer queryReturn(SupplierEndpoint supplier, String returnNo);
}
