package org.jdksse.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@code HttpServer} on a loopback port that answers the n-th request with the n-th script,
 * writing exact bytes with pauses between them, and 204 once the scripts run out (so that a
 * reconnecting client stops). Every request's path and headers are recorded.
 *
 * <p>Not final only so that the deprecated {@code org.jdksse.ScriptedServer} can extend it until the
 * client tests import this one; make it final again when that shim goes.
 */
public class ScriptedServer implements AutoCloseable {

    /** One response: it may write, pause, hang or drop. */
    @FunctionalInterface
    public interface Script {
        /**
         * Answers one request; the server closes the exchange afterwards.
         *
         * @param exchange the request's exchange
         * @param server   the server, to {@link #hang()} on
         * @throws Exception whatever the script throws ends its answer (often the point)
         */
        void answer(HttpExchange exchange, ScriptedServer server) throws Exception;
    }

    /**
     * One request as the server saw it.
     *
     * @param path     the request target, with its query
     * @param headers  a copy of the request headers
     * @param nanoTime when it arrived, by {@link System#nanoTime()}
     */
    public record Request(String path, Headers headers, long nanoTime) {
        /**
         * Returns a request header's first value, or null.
         *
         * @param name the header's name, in any case
         * @return its first value, or null
         */
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Script> scripts;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CopyOnWriteArrayList<CountDownLatch> waiters = new CopyOnWriteArrayList<>();

    /**
     * Starts a server that answers with these scripts in order; see {@link #start}.
     *
     * @param scripts the scripts, one per request
     * @throws IOException if the server cannot bind a loopback port
     */
    @SuppressWarnings("this-escape") // the handler sees `this` only once a request arrives, after construction
    protected ScriptedServer(List<Script> scripts) throws IOException {
        this.scripts = scripts;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            int n = count.getAndIncrement();
            requests.add(new Request(exchange.getRequestURI().toString(), copy(exchange.getRequestHeaders()), System.nanoTime()));
            waiters.forEach(CountDownLatch::countDown);
            try {
                Script script = n < scripts.size() ? scripts.get(n) : status(204, null, "");
                script.answer(exchange, this);
            } catch (Exception e) {
                // A script that writes to a client that has gone away ends here; that is often the point.
            } finally {
                exchange.close();
                finished.incrementAndGet();
                waiters.forEach(CountDownLatch::countDown);
            }
        });
        server.start();
    }

    /**
     * Starts a server that answers with these scripts in order.
     *
     * @param scripts the scripts, one per request; 204 after the last
     * @return the running server
     * @throws IOException if the server cannot bind a loopback port
     */
    public static ScriptedServer start(Script... scripts) throws IOException {
        return new ScriptedServer(List.of(scripts));
    }

    /**
     * Returns a URI on this server.
     *
     * @param path the path and query, starting with {@code /}
     * @return the URI, on 127.0.0.1
     */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /**
     * Returns the requests so far, in order of arrival.
     *
     * @return a snapshot of the requests
     */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * Waits until at least {@code n} requests have arrived; fails after 10 seconds.
     *
     * @param n how many requests
     * @return the n-th request
     * @throws InterruptedException if interrupted while waiting
     */
    public Request awaitRequest(int n) throws InterruptedException {
        awaitCount(() -> requests.size() >= n, "request " + n + " to arrive");
        return requests.get(n - 1);
    }

    /**
     * Waits until at least {@code n} scripts have finished (written all, or failed to); fails after 10 seconds.
     *
     * @param n how many scripts
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitFinished(int n) throws InterruptedException {
        awaitCount(() -> finished.get() >= n, "script " + n + " to finish");
    }

    private void awaitCount(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            CountDownLatch latch = new CountDownLatch(1);
            waiters.add(latch);
            try {
                if (done.getAsBoolean()) {
                    return;
                }
                if (!latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    throw new AssertionError("waited 10 s for " + what + "; requests: " + requests.size() + ", finished: " + finished.get());
                }
            } finally {
                waiters.remove(latch);
            }
        }
    }

    /**
     * Blocks a script until the server closes.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void hang() throws InterruptedException {
        closing.await();
    }

    /** Stops the server and every script still running. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Answers 200 {@code text/event-stream}, writes each String or byte[] (flushed) and sleeps each
     * Duration, then ends the stream cleanly.
     *
     * @param steps Strings, byte arrays and Durations
     * @return the script
     */
    public static Script stream(Object... steps) {
        return (exchange, server) -> {
            begin(exchange, -1);
            play(exchange.getResponseBody(), steps);
        };
    }

    /**
     * Like {@link #stream}, but promises more bytes than it sends, so the connection breaks instead of ending.
     *
     * @param steps Strings, byte arrays and Durations
     * @return the script
     */
    public static Script streamThenDrop(Object... steps) {
        return (exchange, server) -> {
            begin(exchange, 1_000_000);
            play(exchange.getResponseBody(), steps);
        };
    }

    /**
     * Like {@link #stream}, then stays silent until the server closes.
     *
     * @param steps Strings, byte arrays and Durations
     * @return the script
     */
    public static Script streamThenHang(Object... steps) {
        return (exchange, server) -> {
            begin(exchange, -1);
            play(exchange.getResponseBody(), steps);
            server.hang();
        };
    }

    /**
     * Answers {@code code} with a body and a content type.
     *
     * @param code        the status code
     * @param contentType the content type, or null for none
     * @param body        the body, possibly empty
     * @return the script
     */
    public static Script status(int code, String contentType, String body) {
        return (exchange, server) -> {
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        };
    }

    /**
     * Answers a redirect.
     *
     * @param code     the status code, such as 307
     * @param location the {@code Location}
     * @return the script
     */
    public static Script redirect(int code, String location) {
        return (exchange, server) -> {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(code, -1);
        };
    }

    /**
     * Never answers: accepts the request and waits until the server closes.
     *
     * @return the script
     */
    public static Script silent() {
        return (exchange, server) -> server.hang();
    }

    private static void begin(HttpExchange exchange, long length) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, length == -1 ? 0 : length);
        exchange.getResponseBody().flush();
    }

    private static void play(OutputStream out, Object... steps) throws IOException, InterruptedException {
        for (Object step : steps) {
            if (step instanceof Duration pause) {
                Thread.sleep(pause);
            } else if (step instanceof byte[] bytes) {
                out.write(bytes);
                out.flush();
            } else {
                out.write(step.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    private static Headers copy(Headers headers) {
        Headers copy = new Headers();
        headers.forEach(copy::put);
        return copy;
    }
}
