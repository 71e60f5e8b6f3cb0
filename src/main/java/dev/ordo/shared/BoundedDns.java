package dev.ordo.shared;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.DnsResolver;

/**
 * An HTTP client's name lookups given up after a time: a lookup whose DNS server keeps waiting fails
 * with {@link UnknownHostException} at the deadline instead of holding its caller until the system
 * resolver gives up (cancelling a request does not interrupt a lookup under way, and the resolver's
 * own retries can take tens of seconds). The lookup runs on a virtual thread of its own, left to end
 * by itself when given up. Nothing can have been sent without an address, so the caller may treat the
 * failure as a connection never made.
 */
public final class BoundedDns implements DnsResolver {

    /** How a name becomes addresses; it may refuse a name by throwing {@link UnknownHostException}. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Lookup lookup;
    private final Duration timeout;
    private final String threadName;

    public BoundedDns(Lookup lookup, Duration timeout, String threadName) {
        this.lookup = lookup;
        this.timeout = timeout;
        this.threadName = threadName;
    }

    /** The system resolver's lookup ({@link InetAddress#getAllByName}), bounded. */
    public static BoundedDns system(Duration timeout, String threadName) {
        return new BoundedDns(InetAddress::getAllByName, timeout, threadName);
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        FutureTask<InetAddress[]> running = new FutureTask<>(() -> lookup.resolve(host));
        Thread.ofVirtual().name(threadName).start(running);
        try {
            return running.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw new UnknownHostException(host + ": no answer from DNS within " + timeout);
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": interrupted while resolving");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown; // a refused name included
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UnknownHostException(host + ": " + e.getCause());
        }
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return resolve(host)[0].getCanonicalHostName();
    }
}
