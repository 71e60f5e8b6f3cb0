package dev.ordo.testing;

import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * A supplier (protocol {@value #PROTOCOL}) that delivers at once and whose first return request
 * hangs until a test releases it and then reaches nobody (a connection that never opened); every later
 * return is taken back, and a query of a return hears that the supplier knows none ({@code R4040}).
 */
@Component
public class HeldReturnsSupplier extends DeliveringSupplier {

    public static final String PROTOCOL = "test-held-returns";

    private static volatile CountDownLatch firstReturnOut = new CountDownLatch(1);
    private static volatile CountDownLatch release = new CountDownLatch(1);
    private static final AtomicInteger returns = new AtomicInteger();

    /** Holds the next first return again; answers nothing. */
    public static void reset() {
        firstReturnOut = new CountDownLatch(1);
        release = new CountDownLatch(1);
        returns.set(0);
    }

    public static boolean awaitFirstReturnOut() throws InterruptedException {
        return firstReturnOut.await(30, TimeUnit.SECONDS);
    }

    /** Lets the first return end: nothing was sent. */
    public static void releaseFirstReturn() {
        release.countDown();
    }

    /** The return requests made. */
    public static int returns() {
        return returns.get();
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public SupplierAnswer returnDelivery(SupplierEndpoint supplier, String orderNo, String returnNo) {
        if (returns.incrementAndGet() > 1) {
            return SupplierAnswer.answered("R0000", "taken back", null);
        }
        firstReturnOut.countDown();
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return SupplierAnswer.notSent("connect timed out");
    }

    @Override
    public SupplierAnswer queryReturn(SupplierEndpoint supplier, String returnNo) {
        return SupplierAnswer.answered("R4040", "no such return", null);
    }
}
