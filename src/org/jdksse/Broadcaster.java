package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Fans events out to many event-stream subscribers by topic, with resume, a slow-subscriber
 * policy, heartbeats, a subscriber limit and graceful shutdown.
 *
 * <p>Every event takes the package's one path: the {@link EventLog} assigns its id, and the
 * fan-out offers its one encoding to the bounded queue of every subscriber that wants it (once,
 * however many of its topics match). Each subscriber's virtual thread (the caller of
 * {@link #serve}, or one started by {@link #handler}) writes what is queued and flushes once.
 * Ids are decimal numbers from the clock with the in-memory log; with a shared log (Redis
 * Streams), every process sends the same events with the same ids in the same order.
 *
 * <ul>
 * <li><b>Slow subscribers.</b> A subscriber whose queue would exceed its bound (in events or in
 *     bytes) is dropped: its queue is discarded and its stream ends with a {@code retry:} hint
 *     (the options' retry, else 2 seconds) so that it reconnects and resumes; if a write to it is
 *     stuck, the stream is aborted instead. Publishers and other subscribers never wait for it.</li>
 * <li><b>Resume.</b> A subscriber with a last event id joins its topics at the fan-out's cursor
 *     C, receives the log's entries after its id up to C, then the live ones queued meanwhile:
 *     no gap and no duplicate while publishers run. An id the log never issued, or one older than
 *     it keeps, gets an event of type {@code reset} first, whose {@code id} is C (the log's
 *     position, never a publisher's own id) and whose data is {@code unknown} or
 *     {@code expired}; only live events follow, so the client reloads.</li>
 * <li><b>Heartbeats.</b> An idle stream gets a heartbeat comment every heartbeat interval, and
 *     a stream that falls silent gets one within an interval and an eighth (the process's one
 *     watchdog looks every quarter interval). The first write to a closed
 *     connection draws a reset and the second fails, so a client that went away is removed
 *     within about two and a half intervals even when nothing is published. A write that makes
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
 * String id = prices.publish("AAPL", SseEvent.of("price", "187.5"));
 * }</pre>
 *
 * <p>Any thread may call any method. {@code publish} blocks only as long as the log's
 * {@code append} (the in-memory log: microseconds) and never on a subscriber; {@code send} and
 * {@code stats} never block; {@link #serve} blocks its request's thread for the life of the
 * subscription; {@code close} blocks for at most its grace period.
 */
public final class Broadcaster implements AutoCloseable {
    static final System.Logger LOG = ExchangeStream.LOG;
    /** The retry hint for a dropped or shut-down stream when the options set none. */
    static final Duration DEFAULT_RECONNECT = Duration.ofSeconds(2);
    private final Parts parts;

    private Broadcaster(Settings settings) {
        this.parts = new Parts(settings);
    }

    /**
     * Returns a builder with the defaults: {@link SseOptions#defaults()}, an in-memory log of
     * 1,000 events or 4 MiB, a queue bound of 1,024 events or 1 MiB per subscriber, and a
     * subscriber limit of the process's file-descriptor limit minus 500.
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
     * {@code Last-Event-ID} header or {@code lastEventId} query parameter, as {@link #serve}
     * does. A topic that is empty, too long or holds a control character, or a query that is not
     * validly encoded, gets {@code 400}; other methods {@code 405} with {@code Allow}; preflight
     * requests from the options' CORS origins {@code 204}. The handler returns once the
     * subscriber is live and its stream runs on a virtual thread of its own, so the server's
     * executor may run requests on a few platform threads.
     *
     * @return the handler
     */
    public HttpHandler handler() {
        return parts.admission.handler(this);
    }

    /**
     * Serves one subscriber on this exchange, on the calling thread, until its stream ends. Over
     * the subscriber limit, or after {@link #close}, the answer is {@code 503} with
     * {@code Retry-After}, before any stream starts. The response carries a {@code Last-Event-ID}
     * header, as the Mercure protocol asks: the id of the event before the first one the
     * subscriber gets (the id it resumes after; {@code earliest} when it asked for everything or
     * for an id the log never issued, or the own id of a private update it may not read; else
     * the log's position when the subscriber joined, which resumes as the id of the entry there
     * does but never names a private update). Method and CORS checks are the caller's.
     *
     * @param exchange the exchange, whose response headers are not yet sent
     * @param interest what the subscriber receives and where it resumes
     * @throws IOException if a refusal cannot be written
     * @throws NullPointerException if an argument is null
     */
    public void serve(HttpExchange exchange, Interest interest) throws IOException {
        Objects.requireNonNull(interest, "interest");
        parts.streams.serve(exchange, interest);
    }

    /** As {@link #serve}, but returns once the subscriber is live; its stream runs on a thread of its own. */
    void serveDetached(HttpExchange exchange, Interest interest) throws IOException {
        Objects.requireNonNull(interest, "interest");
        parts.streams.serveDetached(exchange, interest);
    }

    /**
     * Publishes an event to one topic: appends it to the log, which assigns its id; the log's
     * tail then queues its one encoding for every subscriber of the topic, never waiting for
     * one (a subscriber whose queue is full is dropped instead). After {@link #close}, an
     * in-memory log's broadcaster refuses it: no one would get it.
     *
     * @param topic the topic
     * @param event the event; an id it carries is replaced by the assigned one
     * @return the assigned id
     * @throws IllegalArgumentException if {@code topic} is empty, longer than
     *         {@link Update#MAX_TOPIC_LENGTH} or holds a control character
     * @throws java.io.UncheckedIOException if the log cannot take the event now
     * @throws IllegalStateException if the broadcaster is closed and its log is in memory
     * @throws NullPointerException if {@code topic} or {@code event} is null
     */
    public String publish(String topic, SseEvent event) {
        return publish(Update.of(topic, Objects.requireNonNull(event, "event").withId(null)));
    }

    /**
     * Publishes to the topic {@code default}, as {@link #publish(String, SseEvent)} does.
     *
     * @param event the event; an id it carries is replaced by the assigned one
     * @return the assigned id
     * @throws IllegalStateException if the broadcaster is closed and its log is in memory
     * @throws NullPointerException if {@code event} is null
     */
    public String publish(SseEvent event) {
        return publish("default", event);
    }

    /**
     * Publishes an update: to every topic it names (a subscriber of several gets it once), with
     * the publisher's own id if its event has one, privately if it is private.
     *
     * @param update the update
     * @return its id on the wire: the publisher's own, else the one the log assigned
     * @throws EventLog.DuplicateIdException if the update's own id is still in the log
     * @throws java.io.UncheckedIOException if the log cannot take the update now
     * @throws IllegalStateException if the broadcaster is closed and its log is in memory
     * @throws NullPointerException if {@code update} is null
     */
    public String publish(Update update) {
        return parts.publishing.publish(Objects.requireNonNull(update, "update"));
    }

    /**
     * Publishes to every subscriber of the topic but one (the sender of a chat message, say), as
     * {@link #publish(String, SseEvent)} does. The log keeps the event like any other, so a client
     * that resumes later receives it. The exclusion is this process's: it holds when the log's
     * tail hands back the update it was given (the in-memory log does); with a log that hands back
     * a copy read from elsewhere (Redis Streams), every subscriber receives the event, the sender
     * too.
     *
     * @param topic                the topic
     * @param event                the event; an id it carries is replaced by the assigned one
     * @param excludedSubscriberId the {@link Subscriber#id()} left out
     * @return the assigned id
     * @throws IllegalArgumentException if {@code topic} is invalid
     * @throws IllegalStateException if the broadcaster is closed and its log is in memory
     * @throws NullPointerException if {@code topic} or {@code event} is null
     */
    public String publishExcept(String topic, SseEvent event, long excludedSubscriberId) {
        Update update = Update.of(topic, Objects.requireNonNull(event, "event").withId(null));
        return parts.publishing.publishExcept(update, excludedSubscriberId);
    }

    /**
     * Sends an event to one subscriber only, without waiting for it. The event keeps its own id
     * (usually none), gets no assigned one and is not kept in the log, so it is never replayed.
     * Sent from the {@code onSubscribe} hook, it is the subscriber's first event.
     *
     * @param subscriberId the {@link Subscriber#id()}
     * @param event        the event
     * @return {@code true} if the event was queued; {@code false} if the subscriber is gone,
     *         closing, or was just dropped because its queue was full
     * @throws NullPointerException if {@code event} is null
     */
    public boolean send(long subscriberId, SseEvent event) {
        Objects.requireNonNull(event, "event");
        return parts.streams.send(subscriberId, event);
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
        return parts.counters.stats(parts.log.status());
    }

    /**
     * Returns the log this broadcaster publishes to and delivers from.
     *
     * @return the log
     */
    public EventLog log() {
        return parts.log;
    }

    /** Returns the 503 answers given so far (over the limit or closed); for tests and logs. */
    long rejected() {
        return parts.admission.rejected();
    }

    /** Returns the id of the last entry handed to the fan-out; for tests. */
    String lastId() {
        return parts.fanOut.cursor().id();
    }

    /**
     * Shuts down gracefully within the bound: stops taking subscribers (later requests get
     * {@code 503}), lets each stream write what is queued and a final {@code retry:} hint, ends
     * every stream, aborts the streams still unfinished at the deadline (which closes their
     * connections), and closes the log. Returns within the grace period plus scheduling noise.
     * Idempotent: later calls return at once.
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
        parts.close(grace);
    }

    /** Shuts down within five seconds, as {@link #close(Duration)} does. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /**
     * A snapshot of a broadcaster's counters.
     *
     * @param subscribers the subscribers receiving events now
     * @param topics      the subscribers now, per topic (a subscriber of two topics counts in
     *                    both, one with private access in neither); topics without subscribers
     *                    are left out
     * @param published   the entries the log's tail handed over (with a shared log, every
     *                    process's publishes)
     * @param delivered   the events written to subscribers (one event to ten subscribers counts
     *                    ten; heartbeats and retry hints do not count)
     * @param dropped     the subscribers dropped, by reason: {@code slow}, {@code stalled},
     *                    {@code failed} (see {@link Broadcaster#stats()})
     * @param pruned      the dead subscribers removed by a heartbeat
     * @param log         the log's health: reachable, lag, reconnects
     */
    public record Stats(int subscribers, Map<String, Integer> topics, long published, long delivered,
                        Map<String, Long> dropped, long pruned, EventLog.Status log) {
    }

    /** Builds a {@link Broadcaster}; not safe for use by several threads. */
    public static final class Builder {
        private final Settings settings = new Settings();

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
            settings.options(options);
            return this;
        }

        /**
         * Sets the log to publish to and deliver from, such as a shared one for several
         * processes, or an in-memory one with other bounds; the broadcaster closes it on
         * {@link Broadcaster#close}. The default is {@code EventLog.inMemory(1000, 4 << 20)}.
         *
         * @param log the log, whose tail the broadcaster starts
         * @return this builder
         * @throws NullPointerException if {@code log} is null
         */
        public Builder log(EventLog log) {
            settings.log(log);
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
            settings.queueEvents(events);
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
            settings.queueBytes(bytes);
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
            settings.maxSubscribers(n);
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
            settings.onSubscribe(hook);
            return this;
        }

        /**
         * Creates the broadcaster.
         *
         * @return the broadcaster
         */
        public Broadcaster build() {
            return new Broadcaster(settings);
        }
    }
}
