package dev.ordo.supplier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One supplier protocol. Implementations never throw for transport problems: they answer
 * {@link SupplierAnswer.Transport#NOT_SENT} or {@link SupplierAnswer.Transport#NO_ANSWER}.
 */
public interface SupplierAdapter {

    /** The protocol name used in the catalog's {@code protocol} field. */
    String protocol();

    /**
     * Submits several deliveries to one supplier, claimed together, and answers each, in order (one
     * by one, or several in a request where the protocol can carry them). A delivery whose request
     * would start at or after {@code startBy} is not sent: answered {@link SupplierAnswer#tooLate()}.
     */
    List<SupplierAnswer> submitAll(SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy);

    /**
     * How long after its claim a delivery's request may still start: a worker sending several
     * deliveries in turn holds back those whose turn comes later ({@code startBy} above).
     */
    default Duration startWindow(SupplierEndpoint supplier) {
        return Duration.ofSeconds(5);
    }

    /**
     * How long after a delivery is claimed for submission its request may still reach the supplier:
     * a unit found claimed by a worker that may still be sending it is queried only after that — a
     * query before it would hear "no such delivery" about a request still on its way.
     */
    default Duration longestSubmission(SupplierEndpoint supplier) {
        return startWindow(supplier).plus(supplier.longestCall());
    }

    /** The state of an earlier delivery, by Ordo's {@code orderNo}. */
    SupplierAnswer query(SupplierEndpoint supplier, String orderNo);

    /** Asks the supplier to take a delivery back (a refund); {@code returnNo} is the return's idempotency key. */
    SupplierAnswer returnDelivery(SupplierEndpoint supplier, String orderNo, String returnNo);

    /** The state of an earlier return. */
    SupplierAnswer queryReturn(SupplierEndpoint supplier, String returnNo);
}
