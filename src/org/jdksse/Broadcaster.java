package org.jdksse;

import com.sun.management.UnixOperatingSystemMXBean;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Fans events out to many event-stream subscribers by topic, with resume, a slow-subscriber
 * policy, heartbeats, a subscriber limit and graceful shutdown.
 *
 * <p>Each published event gets the next id (1, 2, 3, ..., increasing across all topics), is
 * encoded once, kept in a bounded history and offered to the bounded queue of every subscriber
 * of its topic. Each subscriber's own virtual thread (the request's handler thread, which stays
 * in {@link #handler()} while subscribed) writes everything queued for it and flushes once.
 *
 * <ul>
 * <li><b>Slow subscribers.</b> A subscriber whose queue would exceed its bound (in events or in
 *     bytes) is dropped: its queue is discarded and its stream ends with a {@code retry:} hint
 *     (the options' retry, else 2 seconds) so that it reconnects and resumes; if a write to it is
 *     stuck, the stream is aborted instead. Publishers and other subscribers never wait for it.</li>
 * <li><b>Resume.</b> A request with {@code Last-Event-ID: N} (or {@code ?lastEventId=N}) receives
 *     the kept events of its topics with ids above N, then the live ones, with no gap and no
 *     duplicate even while publishers run. An id that is not a number, or above the last id
 *     issued, or older than the history keeps, gets an event of type {@code reset} first, whose
 *     {@code id} is the last id issued and whose data is {@code unknown} or {@code expired}; no
 *     replay follows, only live events, so the client reloads its state and then follows.</li>
 * <li><b>Heartbeats.</b> A stream silent for half the options' heartbeat interval gets a
 *     heartbeat comment (the one watchdog thread looks every quarter interval). The first write
 *     to a closed connection draws a reset and the second fails, so a client that went away is
 *     removed within one and a half intervals even when nothing is published. A write that makes
 *     no progress for two intervals is aborted.</li>
 * <li><b>Limit.</b> Over the subscriber limit, a request is answered {@code 503} with
 *     {@code Retry-After} before any stream starts.</li>
 * <li><b>Shutdown.</b> {@link #close(Duration)} stops taking subscribers (later requests get
 *     {@code 503}), lets each stream write what is queued and a final {@code retry:} hint, ends
 *     every stream, and aborts the ones still unfinished at the deadline.</li>
 * </ul>
 *
 * <pre>{@code
 * Broadcaster prices = Broadcaster.create();
 * HttpServer server = Sse.server(8080);
 * server.createContext("/prices", prices.handler());    // GET /prices?topic=AAPL
 * server.start();
 * long id = prices.publish("AAPL", SseEvent.of("price", "187.5"));
 * }</pre>
 *
 * <p>Any thread may call any method. {@code publish}, {@code publishExcept}, {@code send} and
 * {@code stats} never block on a subscriber; the handler blocks its request's thread for the life
 * of the subscription; {@code close} blocks for at most its grace period.
 */
public final class Broadcaster implements AutoCloseable {
    static final System.Logger LOG = ExchangeStream.LOG;
    /** Descriptors left for everything but subscribers: the listener, clients of other handlers, files. */
    static final int DESCRIPTOR_HEADROOM = 500;
    /** The retry hint for a dropped or shut-down stream when the options set none. */
    static final Duration DEFAULT_RECONNECT = Duration.ofSeconds(2);
    /** The longest topic name accepted, in UTF-16 units. */
    public static final int MAX_TOPIC_LENGTH = 256;
    /** The {@code Retry-After} of a 503, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    /** Why a subscriber left other than on its own. */
    enum Reason {
        /** Its queue reached a bound. */
        SLOW("slow"),
        /** A write made no progress for two heartbeat intervals, or until the shutdown deadline. */
        STALLED("stalled"),
        /** Writing an event failed: the client went away. */
        FAILED("failed"),
        /** Writing a heartbeat failed: a dead client found while nothing was published. */
        PRUNED("pruned");

        final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    private final SseOptions options;
    private final Cors cors;
    final int queueEvents;
    final long queueBytes;
    private final int maxSubscribers;
    private final Consumer<Subscriber> onSubscribe;
    final byte[] heartbeatFrame;
    final byte[] hintFrame;
    /** How long a stream may stay silent before a heartbeat goes out: half the interval (see the class notes). */
    final long probeNanos;

    /** Held while ids are assigned, the history appended and events fanned out, and while a subscriber goes live. */
    private final ReentrantLock publishLock = new ReentrantLock();
    private final History history;
    private long lastId;
    private boolean closing;

    private final ConcurrentHashMap<Long, Subscription> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Subscription>> byTopic = new ConcurrentHashMap<>();
    private final AtomicLong subscriberIds = new AtomicLong();
    /** Requests admitted under the limit, from before their headers are sent until their exchange is closed. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger live = new AtomicInteger();
    private final LongAdder published = new LongAdder();
    final LongAdder delivered = new LongAdder();
    private final EnumMap<Reason, LongAdder> departures = new EnumMap<>(Reason.class);
    private final LongAdder rejected = new LongAdder();
    private final AtomicLong lastLimitWarning = new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(2));
    private final AtomicInteger watchdogState = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Broadcaster(Builder b) {
        this.options = b.options;
        this.cors = new Cors(options.corsOrigins());
        this.queueEvents = b.queueEvents;
        this.queueBytes = b.queueBytes;
        this.maxSubscribers = b.maxSubscribers > 0 ? b.maxSubscribers : defaultMaxSubscribers();
        this.onSubscribe = b.onSubscribe;
        long first = b.firstId > 0 ? b.firstId : ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        this.lastId = first - 1;
        this.history = new History(b.history, b.historyBytes, lastId);
        this.heartbeatFrame = options.heartbeatFrame();
        this.hintFrame = SseEvent.retry(options.retry() != null ? options.retry() : DEFAULT_RECONNECT).encode();
        this.probeNanos = options.heartbeat().toNanos() / 2;
        for (Reason reason : Reason.values()) {
            departures.put(reason, new LongAdder());
        }
    }

    /**
     * Returns a builder with the defaults: {@link SseOptions#defaults()}, a history of 1,000
     * events or 4 MiB, a queue bound of 1,024 events or 1 MiB per subscriber, and a subscriber
     * limit of the process's file-descriptor limit minus 500.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a broadcaster with all the defaults of {@link #builder()}.
     *
     * @return the broadcaster
     */
    public static Broadcaster create() {
        return builder().build();
    }

    /**
     * Returns the subscribe handler. A GET request subscribes to the topics of its {@code topic}
     * query parameters (repeatable; none means {@code default}) and resumes after its
     * {@code Last-Event-ID} header or {@code lastEventId} query parameter; the request's thread
     * serves the stream until it ends. Over the subscriber limit, or after {@link #close}, the
     * answer is {@code 503} with {@code Retry-After}, before any stream starts. An empty
     * {@code topic} (or one too long, or with a control character) gets {@code 400}, other methods {@code 405} with {@code Allow}, and preflight
     * requests from the options' CORS origins {@code 204}. A topic that is empty, too long or
     * holds a control character gets {@code 400}.
     *
     * @return the handler
     */
    public HttpHandler handler() {
        return exchange -> {
            if (!cors.subscribing(exchange)) {
                return;
            }
            List<String> named = Sse.query(exchange.getRequestURI()).getOrDefault("topic", List.of("default"));
            try {
                named.forEach(Broadcaster::checkTopic);
            } catch (IllegalArgumentException invalid) {
                Sse.respond(exchange, 400, invalid.getMessage());
                return;
            }
            serve(exchange, Set.copyOf(new LinkedHashSet<>(named)));
        };
    }

    private void serve(HttpExchange exchange, Set<String> topics) throws IOException {
        if (admitted.incrementAndGet() > maxSubscribers || isClosing()) {
            admitted.decrementAndGet();
            rejected.increment();
            String why = isClosing() ? "closed" : "limit of " + maxSubscribers + " subscribers reached";
            long now = System.nanoTime();
            long last = lastLimitWarning.get();
            // Once a minute at most: a full server refuses a storm of reconnections.
            boolean warn = now - last > TimeUnit.MINUTES.toNanos(1) && lastLimitWarning.compareAndSet(last, now);
            LOG.log(warn ? Level.WARNING : Level.DEBUG, "subscriber refused with 503: {0}", why);
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            Sse.respond(exchange, 503, isClosing() ? "shutting down" : "too many subscribers");
            return;
        }
        try {
            cors.apply(exchange);
            // The headers stay in the JDK's buffer until the subscriber is live: a client that
            // has its 200 is then sure to get every event published after it.
            ExchangeStream stream = ExchangeStream.prepare(exchange);
            if (stream == null) {
                return;
            }
            Subscription sub = new Subscription(this, subscriberIds.incrementAndGet(), topics, stream);
            // In the map before the hook runs, so that the hook can send() to it; not yet in any
            // topic, so that what the hook sends comes before any replayed or live event.
            byId.put(sub.id(), sub);
            try {
                startWatchdog();
                try {
                    onSubscribe.accept(sub);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "onSubscribe hook failed", e);
                }
                if (!goLive(sub)) {
                    sub.shutdown();
                }
                stream.flushOpen(options);
                sub.run();
            } finally {
                byId.remove(sub.id());
            }
        } finally {
            admitted.decrementAndGet();
        }
    }

    /**
     * Hands the subscriber its reset or replay and adds it to its topics, atomically with respect
     * to publish: every event is either in the replay or arrives live, never both, never neither.
     *
     * @return {@code false} if the broadcaster is closing
     */
    private boolean goLive(Subscription sub) {
        List<byte[]> replay = new ArrayList<>();
        publishLock.lock();
        try {
            if (closing) {
                return false;
            }
            byte[] reset = null;
            String last = sub.lastEventId();
            if (!last.isEmpty()) {
                long after = parseId(last);
                if (after < 0 || after > lastId) {
                    reset = resetFrame("unknown");
                } else if (after < history.prunedThrough()) {
                    reset = resetFrame("expired");
                } else {
                    history.after(after, sub.topics(), replay);
                }
            }
            if (!sub.goLive(reset, replay)) {
                return true;
            }
            for (String topic : sub.topics()) {
                byTopic.compute(topic, (t, subs) -> {
                    Set<Subscription> set = subs != null ? subs : ConcurrentHashMap.newKeySet();
                    set.add(sub);
                    return set;
                });
            }
            live.incrementAndGet();
            return true;
        } finally {
            publishLock.unlock();
        }
    }

    private byte[] resetFrame(String why) {
        return new SseEvent(Long.toString(lastId), "reset", why, null, null).encode();
    }

    /** Returns the id as issued (decimal digits only), or -1 for anything this broadcaster never wrote. */
    private static long parseId(String id) {
        if (id.length() > 18) {
            return -1;
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(id);
    }

    /** Removes the subscriber from its topics; idempotent. */
    void unregister(Subscription sub) {
        boolean wasLive = false;
        for (String topic : sub.topics()) {
            boolean[] removed = {false};
            byTopic.computeIfPresent(topic, (t, subs) -> {
                removed[0] = subs.remove(sub);
                return subs.isEmpty() ? null : subs;
            });
            wasLive |= removed[0];
        }
        if (wasLive) {
            live.decrementAndGet();
        }
    }

    /** Counts and logs a subscriber's departure, and takes it out of its topics at once. */
    void dropped(Subscription sub, Reason reason) {
        departures.get(reason).increment();
        unregister(sub);
        LOG.log(reason == Reason.SLOW || reason == Reason.STALLED ? Level.INFO : Level.DEBUG,
                "subscriber {0} removed: {1}", sub.id(), reason.label);
    }

    /**
     * Publishes to a topic: assigns the next id (ids increase across all topics), keeps the event
     * in the history, and queues the one encoding for every subscriber of the topic, never waiting
     * for one; a subscriber whose queue is full is dropped instead. Publishing after
     * {@link #close} still assigns an id and keeps the event, but reaches no one.
     *
     * @param topic the topic
     * @param event the event; an id it carries is replaced by the assigned one
     * @return the assigned id
     * @throws IllegalArgumentException if {@code topic} is empty, longer than {@link #MAX_TOPIC_LENGTH}
     *         or holds a control character
     * @throws NullPointerException if {@code topic} or {@code event} is null
     */
    public long publish(String topic, SseEvent event) {
        return fanOut(topic, event, 0);
    }

    /**
     * Publishes to the topic {@code default}, as {@link #publish(String, SseEvent)} does.
     *
     * @param event the event; an id it carries is replaced by the assigned one
     * @return the assigned id
     * @throws NullPointerException if {@code event} is null
     */
    public long publish(SseEvent event) {
        return publish("default", event);
    }

    /**
     * Publishes to every subscriber of the topic but one (the sender of a chat message, say), as
     * {@link #publish(String, SseEvent)} does. The history keeps the event like any other, so a
     * client that resumes later receives it.
     *
     * @param topic                the topic
     * @param event                the event; an id it carries is replaced by the assigned one
     * @param excludedSubscriberId the {@link Subscriber#id()} left out
     * @return the assigned id
     * @throws IllegalArgumentException if {@code topic} is empty, longer than {@link #MAX_TOPIC_LENGTH}
     *         or holds a control character
     * @throws NullPointerException if {@code topic} or {@code event} is null
     */
    public long publishExcept(String topic, SseEvent event, long excludedSubscriberId) {
        return fanOut(topic, event, excludedSubscriberId);
    }

    /**
     * Throws unless the topic is 1 to {@link #MAX_TOPIC_LENGTH} characters with no control
     * character: a topic turns up in logs, metrics labels and JSON, where a line break would forge
     * an entry.
     */
    static void checkTopic(String topic) {
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("topic must be at most " + MAX_TOPIC_LENGTH + " characters: " + SseEvent.quote(topic));
        }
        if (topic.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("topic must not contain control characters: " + SseEvent.quote(topic));
        }
    }

    /** Subscriber ids start at 1, so 0 excludes no one. */
    private long fanOut(String topic, SseEvent event, long excluded) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(event, "event");
        checkTopic(topic);
        publishLock.lock();
        try {
            long id = ++lastId;
            // Encoded under the lock because the id is part of the bytes; it costs microseconds.
            byte[] frame = event.withId(Long.toString(id)).encode();
            history.add(id, topic, frame);
            published.increment();
            Set<Subscription> subs = byTopic.get(topic);
            if (subs != null) {
                for (Subscription sub : subs) {
                    if (sub.id() != excluded) {
                        sub.offer(frame);
                    }
                }
            }
            return id;
        } finally {
            publishLock.unlock();
        }
    }

    /**
     * Sends an event to one subscriber only, without waiting for it. The event keeps its own id
     * (usually none), gets no assigned one and is not kept in the history, so it is never
     * replayed. Sent from the {@code onSubscribe} hook, it is the subscriber's first event.
     *
     * @param subscriberId the {@link Subscriber#id()}
     * @param event        the event
     * @return {@code true} if the event was queued; {@code false} if the subscriber is gone,
     *         closing, or was just dropped because its queue was full
     * @throws NullPointerException if {@code event} is null
     */
    public boolean send(long subscriberId, SseEvent event) {
        Objects.requireNonNull(event, "event");
        Subscription sub = byId.get(subscriberId);
        return sub != null && sub.offer(event.encode());
    }

    /**
     * Returns a snapshot of the counters. {@code dropped} always holds the keys {@code slow}
     * (queue bound reached), {@code stalled} (a write made no progress for two heartbeat
     * intervals, or until the shutdown deadline) and {@code failed} (writing an event failed:
     * the client went away); {@code pruned} counts the dead subscribers a heartbeat found.
     * Clients that leave by a graceful shutdown count in none of them.
     *
     * @return the counters now
     */
    public Stats stats() {
        Map<String, Integer> perTopic = new TreeMap<>();
        byTopic.forEach((topic, subs) -> {
            int n = subs.size();
            if (n > 0) {
                perTopic.put(topic, n);
            }
        });
        Map<String, Long> dropped = new TreeMap<>();
        for (Reason reason : List.of(Reason.SLOW, Reason.STALLED, Reason.FAILED)) {
            dropped.put(reason.label, departures.get(reason).sum());
        }
        return new Stats(live.get(), perTopic, published.sum(), delivered.sum(), dropped,
                departures.get(Reason.PRUNED).sum());
    }

    /** Returns the 503 answers given so far (over the limit or closed); for tests and logs. */
    long rejected() {
        return rejected.sum();
    }

    /** Returns the last id issued; for tests. */
    long lastId() {
        publishLock.lock();
        try {
            return lastId;
        } finally {
            publishLock.unlock();
        }
    }

    private boolean isClosing() {
        publishLock.lock();
        try {
            return closing;
        } finally {
            publishLock.unlock();
        }
    }

    /**
     * Shuts down gracefully within the bound: stops taking subscribers (later requests get
     * {@code 503}), lets each stream write what is queued and a final {@code retry:} hint, ends
     * every stream, and aborts the streams still unfinished at the deadline, which closes their
     * connections. Returns within the grace period plus scheduling noise. Idempotent: later calls
     * return at once.
     *
     * @param grace the bound
     * @throws IllegalArgumentException if {@code grace} is negative
     * @throws NullPointerException if {@code grace} is null
     */
    public void close(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        publishLock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
        } finally {
            publishLock.unlock();
        }
        // Whoever joins byId after this snapshot finds closing set in goLive and ends itself.
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
                departures.get(Reason.STALLED).increment();
                sub.abort();
                aborted++;
            }
        }
        stopped.countDown();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "broadcaster closed: {0} streams ended, {1} aborted at the deadline",
                subs.size() - aborted, aborted);
    }

    /** Shuts down within five seconds, as {@link #close(Duration)} does. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /**
     * Starts, with the first subscriber, the one thread that aborts writes stuck for two heartbeat
     * intervals: one thread per broadcaster instead of one per subscriber.
     */
    private void startWatchdog() {
        long interval = options.heartbeat().toNanos();
        if (interval == 0 || !watchdogState.compareAndSet(0, 1)) {
            return;
        }
        Thread.ofVirtual().name("sse-broadcaster-watchdog").start(() -> {
            try {
                // Every quarter interval: a stream silent for half an interval gets its heartbeat
                // within three quarters of one, so a vanished client is found within 1.5 intervals.
                while (!stopped.await(interval / 4, TimeUnit.NANOSECONDS)) {
                    long now = System.nanoTime();
                    for (Subscription sub : byId.values()) {
                        if (!sub.abortIfStalled(now, 2 * interval)) {
                            sub.heartbeatIfSilent(now, probeNanos);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The process's descriptor limit minus headroom; without a Unix MXBean, a conservative 10,000. */
    static int defaultMaxSubscribers() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, max - DESCRIPTOR_HEADROOM));
        }
        return 10_000;
    }

    /** Returns the subscriber limit in force. */
    int maxSubscribers() {
        return maxSubscribers;
    }

    /**
     * A snapshot of a broadcaster's counters.
     *
     * @param subscribers the subscribers receiving events now
     * @param topics      the subscribers now, per topic (a subscriber of two topics counts in
     *                    both); topics without subscribers are left out
     * @param published   the events published
     * @param delivered   the events written to subscribers (one event to ten subscribers counts
     *                    ten; heartbeats and retry hints do not count)
     * @param dropped     the subscribers dropped, by reason: {@code slow}, {@code stalled},
     *                    {@code failed} (see {@link Broadcaster#stats()})
     * @param pruned      the dead subscribers removed by a heartbeat
     */
    public record Stats(int subscribers, Map<String, Integer> topics, long published, long delivered,
                        Map<String, Long> dropped, long pruned) {
    }

    /** A subscriber as the {@code onSubscribe} hook sees it. */
    public interface Subscriber {
        /**
         * Returns the id of this subscriber, unique within its broadcaster and never 0, for
         * {@link Broadcaster#send} and {@link Broadcaster#publishExcept}.
         *
         * @return the id
         */
        long id();

        /**
         * Returns the topics this subscriber receives.
         *
         * @return the topics, unmodifiable
         */
        Set<String> topics();

        /**
         * Returns the exchange behind this subscription, for its URI, headers and attributes.
         * Writing to its response body directly would corrupt the stream.
         *
         * @return the exchange
         */
        HttpExchange exchange();

        /**
         * Returns the id the client resumes after (its {@code Last-Event-ID}), or the empty
         * string.
         *
         * @return the last event id, never {@code null}
         */
        String lastEventId();

        /**
         * Sends an event to this subscriber only, as {@link Broadcaster#send} does: from the
         * {@code onSubscribe} hook, it is the subscriber's first event.
         *
         * @param event the event
         * @return {@code true} if the event was queued, {@code false} if the subscriber is gone
         */
        boolean send(SseEvent event);
    }

    /** Builds a {@link Broadcaster}; not safe for use by several threads. */
    public static final class Builder {
        private SseOptions options = SseOptions.defaults();
        private int history = 1000;
        private long historyBytes = 4L << 20;
        private int queueEvents = 1024;
        private long queueBytes = 1L << 20;
        private int maxSubscribers;
        private Consumer<Subscriber> onSubscribe = sub -> { };
        private long firstId;

        private Builder() {
        }

        /**
         * Sets the stream options: heartbeat interval and comment, the retry hint sent when a
         * stream opens (also used for the hint a dropped or shut-down stream gets), CORS origins.
         *
         * @param options the options
         * @return this builder
         * @throws NullPointerException if {@code options} is null
         */
        public Builder options(SseOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Bounds the resume history by count (default 1,000); the oldest events leave first.
         * Zero turns resume off: every id but the last one issued then gets {@code reset}.
         *
         * @param events the bound
         * @return this builder
         * @throws IllegalArgumentException if {@code events} is negative
         */
        public Builder history(int events) {
            if (events < 0) {
                throw new IllegalArgumentException("history must not be negative: " + events);
            }
            this.history = events;
            return this;
        }

        /**
         * Bounds the resume history by encoded bytes (default 4 MiB); the oldest events leave
         * first.
         *
         * @param bytes the bound
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder historyBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("historyBytes must not be negative: " + bytes);
            }
            this.historyBytes = bytes;
            return this;
        }

        /**
         * Bounds each subscriber's queue of events not yet written by count (default 1,024); a
         * subscriber whose queue would exceed it is dropped. The queue grows only as needed.
         *
         * @param events the bound
         * @return this builder
         * @throws IllegalArgumentException if {@code events} is less than 1
         */
        public Builder queueEvents(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("queueEvents must be at least 1: " + events);
            }
            this.queueEvents = events;
            return this;
        }

        /**
         * Bounds each subscriber's queue by encoded bytes (default 1 MiB); a subscriber whose
         * queue would exceed it is dropped, except that one event larger than the bound still
         * passes an empty queue.
         *
         * @param bytes the bound
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is less than 1
         */
        public Builder queueBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("queueBytes must be at least 1: " + bytes);
            }
            this.queueBytes = bytes;
            return this;
        }

        /**
         * Sets the subscriber limit; more requests are answered {@code 503} with
         * {@code Retry-After}. The default, the process's file-descriptor limit minus 500, keeps
         * the server able to accept: out of descriptors, the JDK's server spins on failed accepts
         * and stops answering.
         *
         * @param n the limit
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder maxSubscribers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxSubscribers must be at least 1: " + n);
            }
            this.maxSubscribers = n;
            return this;
        }

        /**
         * Sets a hook that runs once per new subscriber, on its thread, before any replayed or
         * live event, so that it can {@code send(sub.id(), ...)} a first event (only a
         * {@code reset} goes before that). A hook that throws is logged and the subscription
         * goes on.
         *
         * @param hook the hook
         * @return this builder
         * @throws NullPointerException if {@code hook} is null
         */
        public Builder onSubscribe(Consumer<Subscriber> hook) {
            this.onSubscribe = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Sets the id of the first event published. The default is the time the broadcaster is
         * built, in microseconds since the epoch, so that ids keep increasing across restarts of
         * the process: a client that resumes with an id from an earlier run gets {@code reset},
         * never a replay of other events under a reused id. Set it to start from 1 where ids are
         * read by people or tests.
         *
         * @param id the first id
         * @return this builder
         * @throws IllegalArgumentException if {@code id} is less than 1
         */
        public Builder firstId(long id) {
            if (id < 1) {
                throw new IllegalArgumentException("firstId must be at least 1: " + id);
            }
            this.firstId = id;
            return this;
        }

        /**
         * Creates the broadcaster.
         *
         * @return the broadcaster
         */
        public Broadcaster build() {
            return new Broadcaster(this);
        }
    }
}
