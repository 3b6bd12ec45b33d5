package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP side of a {@link Broadcaster}: turns a request into an {@link Interest} (method and
 * CORS gate, topics, resume id) and admits it under the subscriber limit, answering {@code 503}
 * with {@code Retry-After} before any stream starts when it cannot. Fan-out, resume and shutdown
 * are the broadcaster's.
 *
 * <p>Any thread may call any method; none blocks but on writing a refusal.
 */
final class Admission {
    /** Descriptors left for everything but subscribers (with the default connection cap): the listener, clients of other handlers, files. */
    static final int DESCRIPTOR_HEADROOM = Limits.CONNECTION_HEADROOM + Limits.SUBSCRIBER_HEADROOM;
    /** The {@code Retry-After} of a 503, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final int maxSubscribers;
    private final Cors cors;
    /** Requests admitted under the limit, from before their headers are sent until their exchange is closed. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();
    private final AtomicLong lastLimitWarning = new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(2));

    Admission(int maxSubscribers, Cors cors) {
        this.maxSubscribers = maxSubscribers > 0 ? maxSubscribers : defaultMaxSubscribers();
        this.cors = cors;
    }

    /** The most topics one subscribe request may name, as many as a Mercure subscriber's selectors. */
    static final int MAX_TOPICS = 64;

    /**
     * Returns the {@code /events} handler: a GET subscribes to its {@code topic} parameters
     * (none: {@code default}) after its {@code Last-Event-ID}; a preflight from an allowed origin
     * gets 204, other methods 405, an invalid topic or query, or more than 64 topics, 400.
     */
    HttpHandler handler(Broadcaster broadcaster) {
        return exchange -> {
            if (cors.answerUnlessGet(exchange)) {
                return;
            }
            Interest interest;
            try {
                Map<String, List<String>> query = Sse.query(exchange.getRequestURI());
                Set<String> named = new LinkedHashSet<>(query.getOrDefault("topic", List.of("default")));
                if (named.size() > MAX_TOPICS) {
                    // Each topic is an entry in the fan-out's map and a line of the statistics.
                    throw new IllegalArgumentException("topic is given more than " + MAX_TOPICS + " times");
                }
                interest = Interest.topics(named).after(ExchangeStream.lastEventId(exchange));
            } catch (IllegalArgumentException invalid) {
                Sse.respond(exchange, 400, invalid.getMessage());
                return;
            }
            cors.apply(exchange);
            broadcaster.serveDetached(exchange, interest);
        };
    }

    /**
     * Admits a subscriber under the limit, or answers {@code 503} with {@code Retry-After} and
     * returns {@code false}. An admitted request must call {@link #leave} when its exchange is
     * closed.
     */
    boolean enter(HttpExchange exchange, boolean closing) throws IOException {
        if (!closing && admitted.incrementAndGet() <= maxSubscribers) {
            return true;
        }
        if (!closing) {
            admitted.decrementAndGet();
        }
        rejected.increment();
        String why = closing ? "closed" : "limit of " + maxSubscribers + " subscribers reached";
        long now = System.nanoTime();
        long last = lastLimitWarning.get();
        // Once a minute at most: a full server refuses a storm of reconnections.
        boolean warn = now - last > TimeUnit.MINUTES.toNanos(1) && lastLimitWarning.compareAndSet(last, now);
        Broadcaster.LOG.log(warn ? Level.WARNING : Level.DEBUG, "subscriber refused with 503: {0}", why);
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        Sse.respond(exchange, 503, closing ? "shutting down" : "too many subscribers");
        return false;
    }

    /** Gives back the place of an admitted request. */
    void leave() {
        admitted.decrementAndGet();
    }

    /** Returns the 503 answers given so far. */
    long rejected() {
        return rejected.sum();
    }

    /**
     * The connection cap of {@link Sse#server} minus headroom, so that a full server still has
     * connections to answer 503 with (the descriptor limit minus 500 with the default cap).
     */
    static int defaultMaxSubscribers() {
        return Limits.defaultMaxSubscribers();
    }
}
