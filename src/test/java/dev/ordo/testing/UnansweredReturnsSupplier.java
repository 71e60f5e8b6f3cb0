package dev.ordo.testing;

import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * A supplier (protocol {@value #PROTOCOL}) that delivers at once, whose return requests go
 * unanswered (their outcome unknown), and whose every query of a return hears that it knows none
 * ({@code R4040}, a failure) — which a query may hear only once a return can have reached it.
 */
@Component
public class UnansweredReturnsSupplier extends DeliveringSupplier {

    public static final String PROTOCOL = "test-unanswered-returns";

    private static final AtomicInteger returnQueries = new AtomicInteger();

    /** The queries of returns made. */
    public static int returnQueries() {
        return returnQueries.get();
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public SupplierAnswer returnDelivery(SupplierEndpoint supplier, String orderNo, String returnNo) {
        return SupplierAnswer.noAnswer("read timed out");
    }

    @Override
    public SupplierAnswer queryReturn(SupplierEndpoint supplier, String returnNo) {
        returnQueries.incrementAndGet();
        return SupplierAnswer.answered("R4040", "no such return", null);
    }
}
