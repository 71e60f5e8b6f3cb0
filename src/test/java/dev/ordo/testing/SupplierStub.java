package dev.ordo.testing;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * A supplier of a test's own, on a free port of 127.0.0.1, answering the paths the test gives it
 * (each call on a virtual thread of its own, so that handlers may hold calls); closing stops it.
 */
public final class SupplierStub implements AutoCloseable {

    private final HttpServer server;

    public SupplierStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** Answers calls to this path (and below it) with this handler. */
    public SupplierStub on(String path, HttpHandler handler) {
        server.createContext(path, handler);
        return this;
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
