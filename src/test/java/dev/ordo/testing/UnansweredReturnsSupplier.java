package dev.ordo.testing;

import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAdapter;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * A supplier (protocol {@value #PROTOCOL}) that delivers at once, whose return requests go
 * unanswered (their outcome unknown), and whose every query of a return hears that it knows none
 * ({@code R4040}, a failure) — which a query may hear only once a return can have reached it.
 */
@Component
public class UnansweredReturnsSupplier implements SupplierAdapter {

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
    public List<SupplierAnswer> submitAll(SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy) {
        return deliveries.stream()
                .map(d -> SupplierAnswer.answered("R0000", "delivered", null))
                .toList();
    }

    @Override
    public SupplierAnswer query(SupplierEndpoint supplier, String orderNo) {
        return SupplierAnswer.answered("R0000", "delivered", null);
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
