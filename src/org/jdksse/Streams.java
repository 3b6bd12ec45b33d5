package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The subscribers of one {@link Broadcaster} as streams: admits each on its request's thread
 * (admission, the hook, the hand-off), writes its stream there or on a virtual thread of its own,
 * has the watchdog look at them, and ends them all on shutdown. Publishing is the broadcaster's;
 * matching is the {@link FanOut}'s.
 *
 * <p>Any thread may call any method; {@link #serve} blocks for the life of its stream, {@link #close}
 * for at most its grace period, the others never.
 */
final class Streams {
    private static final System.Logger LOG = Broadcaster.LOG;

    private final SseOptions options;
    /** The retry hint every stream opens with, encoded once. */
    private final byte[] openFrame;
    private final Subscription.Policy policy;
    private final Consumer<Subscriber> onSubscribe;
    private final Admission admission;
    private final Handoff handoff;
    private final FanOut fanOut;
    private final Counters counters;
    private final ConcurrentHashMap<Long, Subscription> byId = new ConcurrentHashMap<>();
    private final AtomicLong subscriberIds = new AtomicLong();
    private final ScheduledFuture<?> watch;
    private volatile boolean closing;

    Streams(SseOptions options, Subscription.Policy policy, Consumer<Subscriber> onSubscribe, Admission admission,
            Handoff handoff, FanOut fanOut, Counters counters) {
        this.options = options;
        this.openFrame = options.retryFrame();
        this.policy = policy;
        this.onSubscribe = onSubscribe;
        this.admission = admission;
        this.handoff = handoff;
        this.fanOut = fanOut;
        this.counters = counters;
        Duration heartbeat = options.heartbeat();
        // Every quarter interval: an idle stream gets a heartbeat every interval, and no stream is
        // silent for more than an interval and an eighth; a scan of 19k subscribers every few
        // seconds costs next to nothing.
        this.watch = heartbeat.isZero() ? null
                : Watchdog.shared().every(heartbeat.dividedBy(Subscription.CHECKS_PER_INTERVAL), this::check);
    }

    /** Serves one subscriber until its stream ends; see {@link Broadcaster#serve}. */
    void serve(HttpExchange exchange, Interest interest) throws IOException {
        Runnable stream = open(exchange, interest);
        if (stream != null) {
            stream.run();
        }
    }

    /**
     * As {@link #serve}, but returns once the subscriber is live and runs its stream on a new
     * virtual thread. The request's own frames (the server's dispatch, filters, the handler) then
     * do not stay on every idle subscriber's parked stack: about 0.9 KiB each (bench/results).
     * The JDK's server keeps an exchange open after its handler returns, until it is closed.
     */
    void serveDetached(HttpExchange exchange, Interest interest) throws IOException {
        Runnable stream = open(exchange, interest);
        if (stream != null) {
            Thread.ofVirtual().name("sse-subscriber").start(stream);
        }
    }

    /**
     * Admits the subscriber and makes it live; returns what writes its stream until it ends and
     * then gives its place back, or {@code null} if it was refused with {@code 503}.
     */
    private Runnable open(HttpExchange exchange, Interest interest) throws IOException {
        if (!admission.enter(exchange, closing)) {
            return null;
        }
        Subscription sub = null;
        ScheduledFuture<?> expiry = null;
        boolean handedOver = false;
        try {
            ExchangeWriter stream = ExchangeWriter.of(exchange);
            sub = new Subscription(subscriberIds.incrementAndGet(), interest, policy, stream, counters);
            // In the map before the hook runs, so that the hook can send() to it; not yet in any
            // topic, so that what the hook sends comes before any replayed or live event.
            byId.put(sub.id(), sub);
            try {
                onSubscribe.accept(sub);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "onSubscribe hook failed", e);
            }
            String preceding;
            try {
                preceding = handoff.goLive(sub);
            } catch (UncheckedIOException e) {
                LOG.log(Level.WARNING, "cannot read the log for a resume: {0}", e.getMessage());
                preceding = null;
            }
            if (preceding == null) {
                // Before any header: the client retries later, with its id, and loses nothing.
                refuse(exchange, closing ? "shutting down" : "the event log is unavailable");
                sub.abort();
            } else {
                if (interest.expires() != null) {
                    expiry = Watchdog.shared().after(Duration.between(Instant.now(), interest.expires()), sub::shutdown);
                }
                // The headers stay in the JDK's buffer until the subscriber is live: a client
                // that has its 200 is then sure to get every event published after it.
                exchange.getResponseHeaders().set("Last-Event-ID", ExchangeStream.headerValue(preceding));
                if (!stream.open(openFrame)) {
                    sub.abort();
                }
            }
            Runnable run = streaming(sub, expiry);
            handedOver = true;
            return run;
        } finally {
            if (!handedOver) {
                // Something threw after the subscriber may have gone live: out of its topics too,
                // or it would stay in the fan-out with no thread to write or end it; and done,
                // or a close that listed it would wait for it until the deadline.
                if (sub != null) {
                    fanOut.leave(sub);
                    sub.abandon();
                }
                release(sub, expiry);
            }
        }
    }

    /** What runs the subscriber's stream until it ends, then releases it. */
    private Runnable streaming(Subscription sub, ScheduledFuture<?> expiry) {
        return () -> {
            try {
                sub.run();
            } finally {
                release(sub, expiry);
            }
        };
    }

    /** Gives back what {@link #open} took: the expiry timer, the id and the admitted place. */
    private void release(Subscription sub, ScheduledFuture<?> expiry) {
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (sub != null) {
            byId.remove(sub.id());
        }
        admission.leave();
    }

    private static void refuse(HttpExchange exchange, String why) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(Admission.RETRY_AFTER_SECONDS));
        Sse.respond(exchange, 503, why);
    }

    /** Queues an event for one subscriber; see {@link Broadcaster#send}. */
    boolean send(long subscriberId, SseEvent event) {
        Subscription sub = byId.get(subscriberId);
        return sub != null && sub.send(event);
    }

    /**
     * Stops taking subscribers, ends every stream after what is queued and a hint, and aborts
     * those still unfinished at the deadline.
     *
     * @return {@code false} if it was closed already
     */
    boolean close(Duration grace) {
        // Saturated: a grace of centuries is "wait for every stream", not an overflow.
        long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(grace);
        if (fanOut.isClosed()) {
            return false;
        }
        closing = true;
        fanOut.close();
        // Whoever joins byId after this snapshot finds the fan-out closed and ends itself.
        List<Subscription> subs = new ArrayList<>(byId.values());
        subs.forEach(Subscription::shutdown);
        int aborted = 0;
        boolean interrupted = false;
        for (Subscription sub : subs) {
            boolean ended = false;
            if (!interrupted) {
                try {
                    ended = sub.awaitDone(deadline - System.nanoTime());
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (!ended) {
                counters.stalledAtShutdown();
                sub.abort();
                aborted++;
            }
        }
        if (watch != null) {
            watch.cancel(false);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "broadcaster closed: {0} streams ended, {1} aborted at the deadline",
                subs.size() - aborted, aborted);
        return true;
    }

    /** The watchdog's look at every subscriber: heartbeats for the silent, aborts for the stuck. */
    private void check() {
        long interval = options.heartbeat().toNanos();
        long now = System.nanoTime();
        for (Subscription sub : byId.values()) {
            sub.check(now, interval);
        }
    }
}
