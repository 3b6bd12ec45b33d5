package org.jdksse.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.jdksse.Broadcaster;
import org.jdksse.EventLog;
import org.jdksse.Sse;
import org.jdksse.SseOptions;
import org.jdksse.redis.RedisEventLog;
import org.jdksse.mercure.Mercure;
import org.jdksse.mercure.MercureOptions;

/**
 * The standalone pub/sub hub: a {@link Broadcaster} behind the HTTP API the README documents, with a
 * console page, stats and metrics. It uses the library's public API only, so that everything it
 * does a library user can do too.
 *
 * <p>One context at {@code /} routes by exact path, so that {@code /eventsX} or {@code /stats/}
 * get 404 instead of a prefix match.
 */
final class Hub {
    static final System.Logger LOG = System.getLogger("org.jdksse.hub");
    /** How long streams get to end on shutdown; with the server's stop this stays within 5 s. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(4);

    private static final Console CONSOLE = Console.load();

    private final Broadcaster broadcaster;
    private final Publisher publisher;
    private final HttpHandler subscribe;
    private final HttpHandler mercure;
    private final HttpServer server;
    private final RequestThreads requestThreads = new RequestThreads();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Hub(HubOptions options, HttpServer server, UnaryOperator<EventLog> wrapLog) {
        this.server = server;
        SseOptions sse = SseOptions.defaults();
        if (options.heartbeat() != null) {
            sse = sse.withHeartbeat(options.heartbeat());
        }
        // CORS stays off in the broadcaster: the hub's filter covers every path, and two
        // layers would each add their headers.
        Broadcaster.Builder builder = Broadcaster.builder().options(sse);
        int history = options.history() >= 0 ? options.history() : 1000;
        // With --redis, --history is the stream's approximate MAXLEN; the log is shared by every hub on it.
        builder.log(wrapLog.apply(options.redis() != null
                ? RedisEventLog.connect(options.redis(), options.redisStream(), history)
                : EventLog.inMemory(history, 4L << 20)));
        if (options.maxSubscribers() > 0) {
            builder.maxSubscribers(options.maxSubscribers());
        }
        this.broadcaster = builder.build();
        this.publisher = new Publisher(broadcaster, options.publishToken(), options.corsOrigins());
        this.subscribe = broadcaster.handler();
        this.mercure = Mercure.handler(broadcaster, options.mercure());
    }

    /**
     * Binds, builds and starts a hub.
     *
     * @throws IOException if the address cannot be bound
     */
    static Hub start(HubOptions options) throws IOException {
        return start(options, UnaryOperator.identity());
    }

    /** Starts a hub whose log is wrapped: the seam for the cluster suite's deliberately broken hand-off. */
    static Hub start(HubOptions options, UnaryOperator<EventLog> wrapLog) throws IOException {
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve host " + options.host());
        }
        HubLimits.apply(options);
        HttpServer server = Sse.server(address);
        Hub hub;
        try {
            hub = new Hub(options, server, wrapLog);
        } catch (RuntimeException e) {
            server.stop(0); // bound but never started: give the port back
            throw e;
        }
        server.setExecutor(hub.requestThreads);
        var context = server.createContext("/", hub.handler());
        if (!options.corsOrigins().isEmpty()) {
            context.getFilters().add(Sse.cors(options.corsOrigins().toArray(String[]::new)));
        }
        server.start();
        return hub;
    }

    /** Returns the address the hub listens on (with the actual port when 0 was asked for). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** Returns the URL of the hub's root, such as {@code http://127.0.0.1:8080/}. */
    String url() {
        String host = address().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address().getPort() + "/";
    }

    Broadcaster broadcaster() {
        return broadcaster;
    }

    RequestThreads requestThreads() {
        return requestThreads;
    }

    /** Returns the router: every request of the hub goes through it. */
    HttpHandler handler() {
        return this::route;
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        boolean mercurePath = path.equals(MercureOptions.WELL_KNOWN_PATH)
                || path.startsWith(MercureOptions.WELL_KNOWN_PATH + "/");
        if (mercurePath && method.equals("GET") && !Thread.currentThread().isVirtual()) {
            // A Mercure stream runs on its request's thread, and must not hold one of the few platform
            // request threads (see RequestThreads); /events streams move to a thread of their own.
            Thread.ofVirtual().name("jdk-sse-mercure").start(() -> routeOnThisThread(exchange));
            return;
        }
        if (mercurePath) {
            mercure.handle(exchange);
            return;
        }
        switch (path) {
            case "/events" -> {
                if (method.equals("GET")) {
                    subscribe.handle(exchange);
                } else if (method.equals("POST")) {
                    publisher.handle(exchange);
                } else {
                    notAllowed(exchange, "GET, POST", "use GET to subscribe or POST to publish");
                }
            }
            case "/" -> {
                if (readOnly(exchange)) {
                    CONSOLE.serve(exchange);
                }
            }
            case "/stats" -> {
                if (readOnly(exchange)) {
                    send(exchange, 200, "application/json", StatsFormat.json(broadcaster.stats()));
                }
            }
            case "/metrics" -> {
                if (readOnly(exchange)) {
                    send(exchange, 200, StatsFormat.PROMETHEUS_TYPE, StatsFormat.prometheus(broadcaster.stats()));
                }
            }
            case "/healthz" -> {
                if (readOnly(exchange)) {
                    EventLog.Status log = broadcaster.log().status();
                    if (log.reachable()) {
                        send(exchange, 200, "text/plain; charset=utf-8", "ok\n");
                    } else {
                        send(exchange, 503, "text/plain; charset=utf-8", "event log unreachable: " + log.reason() + "\n");
                    }
                }
            }
            default -> Sse.respond(exchange, 404, "not found; the hub serves /events, /.well-known/mercure, /, /stats, /metrics, /healthz");
        }
    }

    /** Routes a request moved off a platform thread; fails as the server would, closing the exchange. */
    private void routeOnThisThread(HttpExchange exchange) {
        try {
            route(exchange);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "request failed: {0}", e.toString());
            exchange.close();
        }
    }

    /** Answers 405 unless the request is a GET or HEAD (monitors probe with HEAD), and says whether it was. */
    private static boolean readOnly(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        notAllowed(exchange, "GET, HEAD", "only GET and HEAD are allowed here");
        return false;
    }

    private static void notAllowed(HttpExchange exchange, String allow, String reason) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        Sse.respond(exchange, 405, reason);
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a complete body, or for HEAD only the headers (the JDK refuses a length there). */
    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        try (exchange) {
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        }
    }

    /**
     * Ends every stream within {@link #SHUTDOWN_GRACE}, then stops the server; idempotent, and
     * safe from a shutdown hook.
     */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            // Streams first: the server's stop waits for open exchanges, and streams never end by themselves.
            broadcaster.close(SHUTDOWN_GRACE);
        } finally {
            server.stop(0);
            requestThreads.shutdown();
        }
    }

    /**
     * Runs the hub until SIGTERM: parses the flags, binds, prints the address on {@code out}, and
     * closes every stream on shutdown. Returns the exit code for {@link Main} to exit with: 0 when
     * the hub runs (its server threads keep the JVM alive) or help was printed, 2 with usage on
     * {@code err} for a bad flag, 1 when it cannot listen.
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(args, env, out, err, UnaryOperator.identity());
    }

    /** Runs the hub's command line as {@link #run(String[], Map, PrintStream, PrintStream)} does, with its log wrapped. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, UnaryOperator<EventLog> wrapLog) {
        HubOptions options;
        try {
            options = HubOptions.parse(args, env);
        } catch (HubOptions.HelpRequested help) {
            out.print(HubOptions.USAGE);
            out.flush();
            return 0;
        } catch (HubOptions.UsageException bad) {
            err.println("jdk-sse: " + bad.getMessage());
            err.print(HubOptions.USAGE);
            err.flush();
            return 2;
        }
        Hub hub;
        try {
            hub = start(options, wrapLog);
        } catch (IOException | RuntimeException e) {
            err.println("jdk-sse: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(hub::stop, "jdk-sse-shutdown"));
        if (!hub.address().getAddress().isLoopbackAddress() && options.publishToken() == null) {
            LOG.log(Level.INFO, "listening beyond loopback without --publish-token: only loopback clients may publish");
        }
        EventLog.Status log = hub.broadcaster().log().status();
        if (!log.reachable()) {
            // One line, and the hub serves anyway: the log's reader retries, /healthz says 503 until it answers.
            err.println("jdk-sse: " + log.reason() + "; retrying in the background (/healthz answers 503 until then)");
            err.flush();
        }
        // Standard output, not the logger: scripts and tests read the port from this line.
        out.println("jdk-sse hub listening on " + hub.url());
        out.flush();
        return 0;
    }

    /** The console page with its Content-Security-Policy, built once from the resource. */
    private record Console(byte[] page, String policy) {

        static Console load() {
            try (InputStream in = Hub.class.getResourceAsStream("console.html")) {
                if (in == null) {
                    throw new IllegalStateException("console.html is missing from the jar");
                }
                byte[] page = in.readAllBytes();
                String html = new String(page, StandardCharsets.UTF_8);
                // Hashes allow exactly the page's own inline script and style, and nothing injected.
                String policy = "default-src 'none'; script-src " + hash(html, "script") + "; style-src "
                        + hash(html, "style") + "; connect-src 'self'; img-src 'self'; base-uri 'none'; "
                        + "form-action 'none'; frame-ancestors 'none'";
                return new Console(page, policy);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String hash(String html, String tag) {
            int open = html.indexOf('>', html.indexOf("<" + tag)) + 1;
            int close = html.indexOf("</" + tag + ">", open);
            if (open <= 0 || close < 0) {
                return "'none'";
            }
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(html.substring(open, close).getBytes(StandardCharsets.UTF_8));
                return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError("every JDK has SHA-256", e);
            }
        }

        void serve(HttpExchange exchange) throws IOException {
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "text/html; charset=utf-8");
            headers.set("Content-Security-Policy", policy);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("Cache-Control", "no-cache");
            send(exchange, 200, page);
        }
    }
}
