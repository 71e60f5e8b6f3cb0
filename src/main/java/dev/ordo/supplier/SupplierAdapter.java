package dev.ordo.supplier;

import java.time.Duration;
import java.util.List;

/**
 * One supplier protocol. Implementations never throw for transport problems: they answer
 * {@link SupplierAnswer.Transport#NOT_SENT} or {@link SupplierAnswer.Transport#NO_ANSWER}.
 */
public interface SupplierAdapter {

    /** The protocol name used in the catalog's {@code protocol} field. */
    String protocol();

    SupplierAnswer submit(SupplierEndpoint supplier, Delivery delivery);

    /** Whether {@link #submitAll} carries several deliveries in one request (else it sends them one by one). */
    default boolean batches() {
        return false;
    }

    /**
     * Submits several deliveries to one supplier and answers each, in order. One by one unless the
     * protocol can carry several in a request.
     */
    default List<SupplierAnswer> submitAll(SupplierEndpoint supplier, List<Delivery> deliveries) {
        return deliveries.stream().map(d -> submit(supplier, d)).toList();
    }

    /**
     * How long after a delivery is claimed for submission its request may still reach the supplier:
     * a unit found claimed by a worker that may still be sending it is queried only after that — a
     * query before it would hear "no such delivery" about a request still on its way.
     */
    default Duration longestSubmission(SupplierEndpoint supplier) {
        return supplier.longestCall();
    }

    /** The state of an earlier delivery, by Ordo's {@code orderNo}. */
    SupplierAnswer query(SupplierEndpoint supplier, String orderNo);

    /** Asks the supplier to take a delivery back (a refund); {@code returnNo} is the return's idempotency key. */
    SupplierAnswer returnDelivery(SupplierEndpoint supplier, String orderNo, String returnNo);

    /** The state of an earlier return. */
    SupplierAnswer queryReturn(SupplierEndpoint supplier, String returnNo);
}
