package org.jdksse;

import com.sun.management.UnixOperatingSystemMXBean;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The limits of every server {@link Sse#server} creates: safe defaults for the JDK's
 * {@code HttpServer} knobs, and the answers that server does not give itself.
 *
 * <p>The JDK reads its knobs (system properties) once, when the process's first {@code HttpServer}
 * is created, so {@link #applyDefaults()} runs before that and sets each property only where the
 * user has not set it; a value set later, or after another library created a server, has no
 * effect. Two tiers for the request head: the JDK's own limit (over it, the connection is closed
 * without an answer, as the JDK does) and a lower one checked here by a filter, which answers
 * {@code 414} for a long request line and {@code 431} for too many or too large header fields.
 *
 * <p>{@code sun.net.httpserver.maxRspTime} is never set: an event stream is a response, and that
 * timer would cut every stream after that many seconds.
 *
 * <p>Thread-safe; the filter runs on every request's thread.
 */
final class Limits extends Filter {
    static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
    static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";
    static final String MAX_RESPONSE_TIME = "sun.net.httpserver.maxRspTime";
    static final String MAX_HEADERS = "sun.net.httpserver.maxReqHeaders";
    static final String MAX_HEAD_SIZE = "sun.net.httpserver.maxReqHeaderSize";
    static final String CLOCK_TICK = "sun.net.httpserver.clockTick";

    /** Descriptors kept for the process itself (jars, selector, log files, a Redis connection) below the limit. */
    static final int CONNECTION_HEADROOM = 250;
    /** Connections kept for publishers, stats and health checks below the cap: a full hub still answers 503. */
    static final int SUBSCRIBER_HEADROOM = 250;
    /** Seconds a client gets to send its request head and body. */
    static final int REQUEST_SECONDS = 10;
    /** The JDK's hard limits: over them the connection is closed without an answer. */
    static final int HARD_HEADERS = 200;
    static final int HARD_HEAD_BYTES = 64 * 1024;
    /** The limits answered here: 414 over the line, 431 over the fields (counted as the JDK counts them). */
    static final int REQUEST_LINE_BYTES = 8 * 1024;
    static final int HEADER_FIELDS = 100;
    static final int HEADER_BYTES = 32 * 1024;
    /** The JDK's idle timer, in milliseconds: closes connections that never sent a byte (default 10 s). */
    static final int TICK_MILLIS = 1000;

    private static final System.Logger LOG = System.getLogger("org.jdksse");
    private static final long NOTE_INTERVAL = TimeUnit.MINUTES.toNanos(1);
    private static final Map<String, Note> NOTES = new ConcurrentHashMap<>();
    private static final AtomicLong WARNED_RSP_TIME = new AtomicLong();

    static final Limits FILTER = new Limits();

    private Limits() {
    }

    /**
     * Sets the JDK's knobs that the user has not set; before the process's first server is
     * created, as the JDK reads them then.
     */
    static void applyDefaults() {
        setIfAbsent(MAX_CONNECTIONS, Integer.toString(defaultMaxConnections()));
        setIfAbsent(MAX_REQUEST_TIME, Integer.toString(REQUEST_SECONDS));
        setIfAbsent(MAX_HEADERS, Integer.toString(HARD_HEADERS));
        setIfAbsent(MAX_HEAD_SIZE, Integer.toString(HARD_HEAD_BYTES));
        setIfAbsent(CLOCK_TICK, Integer.toString(TICK_MILLIS));
        if (Long.getLong(MAX_RESPONSE_TIME, -1) > 0 && WARNED_RSP_TIME.compareAndSet(0, 1)) {
            LOG.log(Level.WARNING, MAX_RESPONSE_TIME + " is set: the JDK cuts every event stream after that many seconds");
        }
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /** The process's descriptor limit, or -1 where the platform does not say. */
    static long descriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** The descriptor limit minus headroom (half the limit when that is small); 10,000 where unknown. */
    static int defaultMaxConnections() {
        long descriptors = descriptorLimit();
        if (descriptors <= 0) {
            return 10_000;
        }
        long cap = Math.max(descriptors - CONNECTION_HEADROOM, descriptors / 2);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, cap));
    }

    /** The connection cap in force: the property as set (by the user or {@link #applyDefaults}), else the default; 0 for none. */
    static int maxConnections() {
        Integer set = Integer.getInteger(MAX_CONNECTIONS);
        if (set == null) {
            return defaultMaxConnections();
        }
        return Math.max(0, set);
    }

    /**
     * The subscriber limit that keeps room under the connection cap (the cap minus headroom, or
     * half the cap when that is small), so that a full server still answers {@code 503}; without
     * a cap, the descriptor limit minus both headrooms.
     */
    static int defaultMaxSubscribers() {
        long cap = maxConnections();
        if (cap <= 0) {
            long descriptors = descriptorLimit();
            cap = descriptors > 0 ? descriptors - CONNECTION_HEADROOM : 10_000;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.max(cap - SUBSCRIBER_HEADROOM, cap / 2)));
    }

    /** The request timeout in force, in seconds; 0 for none. */
    static long requestSeconds() {
        Long set = Long.getLong(MAX_REQUEST_TIME);
        long seconds = set == null ? REQUEST_SECONDS : set;
        return Math.max(0, seconds);
    }

    @Override
    public String description() {
        return "jdk-sse limits: 414 over " + REQUEST_LINE_BYTES + " bytes of request line, 431 over "
                + HEADER_FIELDS + " header fields or " + HEADER_BYTES + " bytes of them";
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String refusal = refusal(exchange);
        if (refusal != null) {
            int status = refusal.startsWith("the request line") ? 414 : 431;
            note(status, refusal);
            exchange.getResponseHeaders().set("Connection", "close");
            Sse.respond(exchange, status, refusal);
            return;
        }
        chain.doFilter(exchange);
    }

    /** Returns why the request's head is refused, or null; sizes counted as the JDK counts them. */
    static String refusal(HttpExchange exchange) {
        long line = exchange.getRequestMethod().length() + 1 + exchange.getRequestURI().toString().length() + 1
                + exchange.getProtocol().length();
        if (line > REQUEST_LINE_BYTES) {
            return "the request line is over " + REQUEST_LINE_BYTES + " bytes";
        }
        int fields = 0;
        long bytes = 0;
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                fields++;
                bytes += header.getKey().length() + value.length() + 32;
            }
        }
        if (fields > HEADER_FIELDS) {
            return "over " + HEADER_FIELDS + " header fields";
        }
        if (bytes > HEADER_BYTES) {
            return "the header fields are over " + HEADER_BYTES + " bytes";
        }
        return null;
    }

    /**
     * Logs a refusal at most once a minute per status, with how many there were since the last
     * line: a flood must not become a flood of log lines.
     */
    static void note(int status, String reason) {
        Note note = NOTES.computeIfAbsent(Integer.toString(status), k -> new Note());
        note.count.increment();
        long now = System.nanoTime();
        long last = note.last.get();
        if (now - last >= NOTE_INTERVAL && note.last.compareAndSet(last, now)) {
            long count = note.count.sumThenReset();
            LOG.log(Level.WARNING, "{0} request(s) refused with {1} since the last such line (at most one a minute); "
                    + "the latest: {2}", count, status, reason);
        }
    }

    private static final class Note {
        final LongAdder count = new LongAdder();
        final AtomicLong last = new AtomicLong(System.nanoTime() - NOTE_INTERVAL);
    }
}
