package dev.ordo.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC K5: a notification attempt is bounded — in time however slowly the receiver answers, in what
 * it reads however much the receiver sends — and connects only to the addresses its target check
 * accepted.
 */
class NotifyHttpTest {

    /** Far beyond the attempt's deadline: only a hung attempt takes this long. */
    private static final Duration HUNG = Duration.ofSeconds(40);

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void a_receiver_that_never_finishes_its_answer_does_not_hold_the_attempt() throws Exception {
        // The status line, one byte every half second: every read is within the socket timeout.
        RawServer server = serve(out -> {
            for (byte b : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(500);
            }
        });
        NotifyHttp http = http(new NotifyTargets(true, Set.of()), Duration.ofSeconds(2));

        NotifyHttp.Outcome outcome = assertTimeoutPreemptively(HUNG, () -> http.post(server.uri(), "e1", "a=1"));

        assertThat(outcome.received()).isFalse();
        assertThat(outcome.status()).isNull();
        assertThat(outcome.error()).contains("no complete answer within");
    }

    @Test
    void an_answer_with_its_status_in_counts_even_when_its_text_trickles() throws Exception {
        RawServer server = serve(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 120; i++) {
                Thread.sleep(500);
                out.write(' ');
                out.flush();
            }
        });
        NotifyHttp http = http(new NotifyTargets(true, Set.of()), Duration.ofSeconds(2));

        NotifyHttp.Outcome outcome = assertTimeoutPreemptively(HUNG, () -> http.post(server.uri(), "e2", "a=1"));

        assertThat(outcome.received()).isTrue();
        assertThat(outcome.error()).startsWith("answer incomplete");
    }

    @Test
    void only_the_start_of_a_huge_answer_is_read() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        RawServer server = serve(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1024 * 1024 * 1024 / chunk.length; i++) {
                out.write(chunk);
            }
        });
        NotifyHttp http = http(new NotifyTargets(true, Set.of()), Duration.ofSeconds(10));

        NotifyHttp.Outcome outcome = assertTimeoutPreemptively(HUNG, () -> http.post(server.uri(), "e3", "a=1"));

        assertThat(outcome.received()).isTrue();
        assertThat(outcome.answer()).hasSize(NotifyHttp.MAX_ANSWER);
        assertThat(outcome.error()).contains("cut off");
        server.awaitClosed();
        // What the sockets' buffers took before the connection was dropped, not the gigabyte.
        assertThat(server.written()).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void the_connection_goes_to_the_address_that_was_checked_not_to_a_second_answer_of_the_name() throws Exception {
        RawServer inside = serve(
                out -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        // A rebinding name: a public address for the first question, loopback for every later one.
        AtomicInteger questions = new AtomicInteger();
        NotifyTargets strict = new NotifyTargets(false, Set.of(), host -> new InetAddress[] {
            questions.getAndIncrement() == 0
                    ? InetAddress.getByAddress(host, new byte[] {(byte) 192, 0, 2, 1})
                    : InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})
        });
        NotifyHttp http = http(strict, Duration.ofSeconds(1));

        NotifyHttp.Outcome outcome = assertTimeoutPreemptively(
                HUNG, () -> http.post(URI.create("http://rebind.test:" + inside.port() + "/n"), "e4", "a=1"));

        assertThat(outcome.received()).isFalse();
        assertThat(questions).hasValue(1);
        assertThat(inside.connections()).isZero();
    }

    @Test
    void a_name_whose_dns_server_never_answers_does_not_hold_the_attempt() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        open.add(never::countDown);
        NotifyTargets silentDns = new NotifyTargets(false, Set.of(), host -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // given up by the attempt
            }
            throw new UnknownHostException(host);
        });
        NotifyHttp http = http(silentDns, Duration.ofSeconds(1));

        NotifyHttp.Outcome outcome =
                assertTimeoutPreemptively(HUNG, () -> http.post(URI.create("http://slow-dns.test/n"), "e7", "a=1"));

        assertThat(outcome.received()).isFalse();
        assertThat(outcome.error()).contains("no answer from DNS within PT1S");
    }

    @Test
    void a_name_resolving_to_a_private_address_is_refused_unless_its_host_is_allowed() throws Exception {
        RawServer inside = serve(
                out -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII)));
        NotifyTargets.Resolver loopback =
                host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        URI target = URI.create("http://inside.test:" + inside.port() + "/n");

        NotifyHttp.Outcome refused = http(new NotifyTargets(false, Set.of(), loopback), Duration.ofSeconds(2))
                .post(target, "e5", "a=1");
        assertThat(refused.received()).isFalse();
        assertThat(refused.error()).contains("loopback, link-local or private");
        assertThat(inside.connections()).isZero();

        NotifyHttp.Outcome allowed = http(
                        new NotifyTargets(false, Set.of("inside.test"), loopback), Duration.ofSeconds(2))
                .post(target, "e5", "a=1");
        assertThat(allowed.received()).isTrue();
        assertThat(allowed.answer()).isEqualTo("ok");
        assertThat(inside.connections()).isEqualTo(1);
    }

    @Test
    void a_url_with_characters_outside_ascii_is_requested_percent_encoded_as_utf8() throws Exception {
        RawServer server = serve(
                out -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII)));
        NotifyTargets targets = new NotifyTargets(true, Set.of());
        NotifyHttp http = http(targets, Duration.ofSeconds(5));

        URI uri = targets.check("http://127.0.0.1:" + server.port() + "/j?x=1%202&y=\u4e2d&z=\u00e9");
        NotifyHttp.Outcome outcome = assertTimeoutPreemptively(HUNG, () -> http.post(uri, "e5", "a=1"));

        assertThat(outcome.received()).isTrue();
        assertThat(server.requestLine()).isEqualTo("POST /j?x=1%202&y=%E4%B8%AD&z=%C3%A9 HTTP/1.1");
    }

    private NotifyHttp http(NotifyTargets targets, Duration timeout) {
        NotifyHttp http = new NotifyHttp(targets, timeout);
        open.add(http);
        return http;
    }

    private RawServer serve(Answer answer) throws IOException {
        RawServer server = new RawServer(answer);
        open.add(server);
        return server;
    }

    @FunctionalInterface
    interface Answer {
        void write(OutputStream out) throws Exception;
    }

    /** An HTTP server of one socket per request: reads the request's head, then answers as told. */
    private static final class RawServer implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket();
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicLong written = new AtomicLong();
        private final Thread thread;
        private volatile boolean closed;
        private volatile String requestLine;

        RawServer(Answer answer) throws IOException {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        connections.incrementAndGet();
                        requestLine = readHead(client.getInputStream());
                        answer.write(new CountingStream(client.getOutputStream(), written));
                    } catch (Exception e) {
                        // the client went away, or the server is closing
                    }
                    closed = true;
                }
            });
        }

        /** Reads the request's head and answers its first line. */
        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            // The form is small and sent with the head; it is left unread.
            int eol = head.indexOf("\r\n");
            return eol < 0 ? head.toString() : head.substring(0, eol);
        }

        String requestLine() {
            return requestLine;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port() + "/n");
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        long written() {
            return written.get();
        }

        void awaitClosed() throws InterruptedException {
            for (int i = 0; i < 300 && !closed; i++) {
                Thread.sleep(100);
            }
            assertThat(closed).as("the receiver saw its connection dropped").isTrue();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }

    private static final class CountingStream extends OutputStream {

        private final OutputStream out;
        private final AtomicLong count;

        CountingStream(OutputStream out, AtomicLong count) {
            this.out = out;
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count.addAndGet(len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
