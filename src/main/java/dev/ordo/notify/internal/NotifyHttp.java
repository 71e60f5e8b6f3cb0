package dev.ordo.notify.internal;

import dev.ordo.shared.BoundedDns;
import dev.ordo.shared.Deadlines;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The transport of notifications: one form POST, bounded in time and in what it reads.
 *
 * <p>The connection goes to exactly the addresses {@link NotifyTargets} checked: the client's DNS
 * resolver is the check, so a name cannot answer a public address to the check and a private one to
 * the connection (DNS rebinding). The whole call — connecting, sending, waiting and reading — is
 * cancelled at its deadline, however slowly the receiver trickles its answer, and at most
 * {@link #MAX_ANSWER} bytes of an answer are read. Redirects are not followed.
 */
final class NotifyHttp implements AutoCloseable {

    /** The most of an answer that is read; the rest is left unread and the connection dropped. */
    static final int MAX_ANSWER = 4096;

    /**
     * What one attempt gave: an HTTP status and the start of the answer, or an error; {@code paused}
     * when it was not made at all because the receiver kept failing, {@code deferredFor} (how long
     * until its turn) when it was not made because the receiver is slow and has its share of attempts
     * under way ({@link Receivers}).
     */
    record Outcome(Integer status, String answer, String error, boolean paused, Duration deferredFor) {

        Outcome(Integer status, String answer, String error) {
            this(status, answer, error, false, null);
        }

        boolean deferred() {
            return deferredFor != null;
        }

        boolean received() {
            return status != null && status / 100 == 2;
        }
    }

    private static final ContentType FORM = ContentType.APPLICATION_FORM_URLENCODED.withCharset(StandardCharsets.UTF_8);

    private final Duration timeout;
    private final CloseableHttpClient http;

    NotifyHttp(NotifyTargets targets, Duration timeout) {
        this.timeout = timeout;
        Timeout bound = Timeout.of(timeout);
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        // More than the notification workers of a node (16 + 8), all of which may post
                        // to one channel's host: a worker never waits for a connection.
                        .setMaxConnTotal(128)
                        .setMaxConnPerRoute(32)
                        // The target check is the client's resolver (see above), given up at the attempt's
                        // deadline: a channel's slow name server holds no worker longer.
                        .setDnsResolver(new BoundedDns(targets::resolve, timeout, "notify-dns"))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(
                                        timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5)))
                                .setSocketTimeout(bound)
                                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                                .build())
                        .build())
                .evictIdleConnections(TimeValue.ofSeconds(15))
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(bound)
                        .setConnectionRequestTimeout(bound)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    /** Posts the form; never throws. */
    Outcome post(URI uri, String eventId, String payload) {
        HttpPost request = new HttpPost(uri);
        request.setHeader("X-Ordo-Event-Id", eventId);
        // The form is percent-encoded UTF-8, and says so (the library's default names ISO-8859-1).
        request.setEntity(new StringEntity(payload, FORM));
        ScheduledFuture<?> deadline = Deadlines.after(timeout, request::cancel);
        // The response is read here, not by a handler: a handler's caller reads what is left of the
        // answer to keep the connection, however large; here the connection is dropped instead.
        try {
            CloseableHttpResponse response = http.execute(request);
            try {
                if (response.getEntity() == null) {
                    return new Outcome(response.getCode(), null, null);
                }
                // The status is the receiver's answer; its text is only logged, as far as it comes in time.
                InputStream body = response.getEntity().getContent();
                byte[] start = new byte[MAX_ANSWER];
                int read = 0;
                String cut = null;
                try {
                    read = body.readNBytes(start, 0, MAX_ANSWER);
                    if (body.read() >= 0) {
                        request.cancel();
                        cut = "answer cut off after " + MAX_ANSWER + " bytes";
                    }
                } catch (IOException e) {
                    cut = "answer incomplete: " + e;
                }
                return new Outcome(response.getCode(), new String(start, 0, read, StandardCharsets.UTF_8), cut);
            } finally {
                closeQuietly(response);
            }
        } catch (IOException | RuntimeException e) {
            String error =
                    request.isCancelled() ? "no complete answer within " + timeout + " (" + e + ")" : e.toString();
            return new Outcome(null, null, error);
        } finally {
            deadline.cancel(false);
        }
    }

    /** The answer is in: a connection broken while it is closed (cancelled, or the receiver gone) changes nothing. */
    private static void closeQuietly(CloseableHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // the connection is dropped either way
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
