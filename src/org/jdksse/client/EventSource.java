package org.jdksse.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A Server-Sent Events client on {@code java.net.http.HttpClient} that reconnects like a browser's
 * {@code EventSource}: it waits the server's {@code retry} delay (with jittered exponential backoff
 * while attempts keep failing), sends {@code Last-Event-ID}, follows redirects (unless
 * {@linkplain Builder#httpClient a client of the caller's} does not), stops for good on
 * {@code 204 No Content}, and fails for good on any other status than 200 or a content type other
 * than {@code text/event-stream}.
 *
 * <p>It comes in two shapes. {@link Builder#build()} gives a blocking pull source: {@link #next()}
 * (or a for-each loop) returns events in order on the caller's thread, which suits virtual threads.
 *
 * <pre>{@code
 * URI uri = URI.create("http://127.0.0.1:8080/events?topic=prices");
 * try (EventSource source = EventSource.builder(uri).build()) {
 *     for (MessageEvent event : source) {
 *         System.out.println(event.type() + " " + event.data());
 *     }
 * }
 * }</pre>
 *
 * <p>{@link Builder#start(Listener)} gives a push source that delivers to a {@link Listener} from a
 * virtual thread of its own:
 *
 * <pre>{@code
 * EventSource source = EventSource.builder(uri)
 *         .header("Authorization", "Bearer s3cret")
 *         .readTimeout(Duration.ofSeconds(45))
 *         .start((src, event) -> System.out.println(event.data()));
 * // ... later
 * source.close();
 * }</pre>
 *
 * <p>Every stream is decoded as UTF-8 by a parser that follows the WHATWG "interpreting an event
 * stream" rules exactly, but for two things: an encoded surrogate ({@code ED A0 80}) decodes to one
 * U+FFFD where the WHATWG decoder gives three, and a line or an event's data longer than
 * {@linkplain Builder#maxEventSize the limit} breaks the connection instead of growing memory
 * without end. A {@code Last-Event-ID} that is not printable ASCII is not sent, because
 * {@code HttpClient} writes header bytes as US-ASCII and would send {@code ?} in its place.
 *
 * <p>Concurrency: {@link #close()}, {@link #isClosed()} and {@link #lastEventId()} may be called
 * from any thread and never block (but {@code close} waits for a listener call in progress);
 * {@link #next()} and iteration block, and serve one caller at a time.
 */
public final class EventSource implements Iterable<MessageEvent>, AutoCloseable {

    /**
     * Receives the events and the life cycle of a source started with {@link Builder#start}.
     *
     * <p>Every method is called on the source's own virtual thread, one call at a time, in order;
     * none is called once {@link EventSource#close()} has returned, since {@code close} waits for a
     * call in progress on that thread to return.
     *
     * <p>A {@code RuntimeException} a method throws is logged and delivery goes on, as in a browser.
     * An {@code Error} (an {@code AssertionError}, an {@code OutOfMemoryError}) stops the source for
     * good: its connection is closed, {@link #onClosed} is called, and the {@code Error} then
     * propagates to the thread's uncaught-exception handler.
     */
    @FunctionalInterface
    public interface Listener {

        /**
         * Called each time a connection opens: the server answered 200 with
         * {@code text/event-stream}.
         *
         * @param source the source that connected
         */
        default void onOpen(EventSource source) {
        }

        /**
         * Called for each event, in the order the server sent them.
         *
         * @param source the source that received the event
         * @param event  the event
         */
        void onEvent(EventSource source, MessageEvent event);

        /**
         * Called when a connection attempt fails or an open connection ends or breaks. When
         * {@code source.isClosed()} is false the source reconnects after a delay; when it is true the
         * failure is fatal (a status other than 200 and 204, or the wrong content type) and
         * {@link #onClosed} follows.
         *
         * @param source the source whose connection failed
         * @param error  what happened, with a one-line message
         */
        default void onError(EventSource source, IOException error) {
        }

        /**
         * Called once, last, when the source stops for good on its own: the server answered 204, a
         * failure was fatal, or a listener method threw an {@code Error}. It is not called after
         * {@link EventSource#close()}.
         *
         * @param source the source that stopped
         */
        default void onClosed(EventSource source) {
        }
    }

    /**
     * Returns a builder for a source that reads {@code uri}.
     *
     * @param uri an absolute {@code http} or {@code https} URI
     * @return a new builder with the default settings
     * @throws NullPointerException     if {@code uri} is null
     * @throws IllegalArgumentException if {@code uri} is not an absolute {@code http} or
     *                                  {@code https} URI with a host, or its port is not from 1 to 65535
     */
    public static Builder builder(URI uri) {
        return new Builder(Connection.requireConnectable(Objects.requireNonNull(uri, "uri")));
    }

    /**
     * Creates {@link EventSource}s; a builder is not thread-safe, but the sources it creates share
     * nothing with it.
     */
    public static final class Builder {
        private final URI uri;
        private final List<String[]> headers = new ArrayList<>();
        private String lastEventId = "";
        private Duration retry = Duration.ofSeconds(3);
        private Duration maxRetry = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ZERO;
        private int maxEventSize = EventStreamParser.DEFAULT_MAX_EVENT_SIZE;
        private HttpClient httpClient;

        private Builder(URI uri) {
            this.uri = uri;
        }

        /**
         * Returns this builder with a header added to every request, such as
         * {@code Authorization}; {@code Accept}, {@code Cache-Control} and {@code Last-Event-ID} are
         * set by the source.
         *
         * @param name  the header name
         * @param value the header value
         * @return this builder
         * @throws NullPointerException     if either argument is null
         * @throws IllegalArgumentException if {@code HttpClient} would refuse the header: an invalid
         *                                  or restricted name, or an invalid value
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            HttpRequest.newBuilder().header(name, value); // fails now, not at the first connect
            headers.add(new String[] {name, value});
            return this;
        }

        /**
         * Returns this builder with the {@code Last-Event-ID} to send on the first connection, to
         * resume after an event seen earlier; the default is none.
         *
         * @param id the id; empty means none
         * @return this builder
         * @throws NullPointerException     if {@code id} is null
         * @throws IllegalArgumentException if {@code id} contains CR, LF or NUL, which no stream can set
         */
        public Builder lastEventId(String id) {
            Objects.requireNonNull(id, "id");
            if (id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("lastEventId must not contain CR, LF or NUL: " + id.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0"));
            }
            this.lastEventId = id;
            return this;
        }

        /**
         * Returns this builder with the reconnection delay used until the server sends
         * {@code retry}; the default is 3 seconds.
         *
         * @param retry the delay
         * @return this builder
         * @throws NullPointerException     if {@code retry} is null
         * @throws IllegalArgumentException if {@code retry} is negative
         */
        public Builder retry(Duration retry) {
            this.retry = requireNotNegative("retry", retry);
            return this;
        }

        /**
         * Returns this builder with the longest delay that backoff grows to while connection attempts
         * keep failing (a longer server {@code retry} still applies); the default is 30 seconds.
         *
         * @param maxRetry the longest backoff delay
         * @return this builder
         * @throws NullPointerException     if {@code maxRetry} is null
         * @throws IllegalArgumentException if {@code maxRetry} is negative
         */
        public Builder maxRetry(Duration maxRetry) {
            this.maxRetry = requireNotNegative("maxRetry", maxRetry);
            return this;
        }

        /**
         * Returns this builder with the time a connection attempt may take to connect and receive the
         * response headers before it counts as failed; the default is 10 seconds.
         *
         * @param timeout the timeout
         * @return this builder
         * @throws NullPointerException     if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Returns this builder with the longest silence after which an open connection counts as
         * broken and is replaced by a new one; set it above the server's heartbeat interval to detect
         * half-open connections. Only time spent waiting for the server counts: a listener (or a
         * caller of {@link EventSource#next()}) that takes longer than this over one event does not
         * make a healthy stream look silent. The default, zero, waits forever.
         *
         * @param timeout the timeout, or zero for none
         * @return this builder
         * @throws NullPointerException     if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = requireNotNegative("readTimeout", timeout);
            return this;
        }

        /**
         * Returns this builder with the largest event the source accepts, in bytes: one event's data
         * (its lines joined with LF) and each line of the stream, field name included, must fit. A
         * stream that sends more, such as a line that never ends, breaks like a dropped connection:
         * the events before it are delivered, the failure is reported (to {@link Listener#onError},
         * with {@code isClosed()} false) as an {@link IOException} {@code event larger than N bytes
         * from URI}, and the source reconnects after the retry delay with the last event id. So a
         * server that sends the oversized event on every connection costs one bounded read per retry
         * until the source is closed. The default is 4 MiB.
         *
         * @param bytes the limit, from 1 to 1 GiB (1,073,741,824)
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is out of that range
         */
        public Builder maxEventSize(int bytes) {
            if (bytes < 1 || bytes > EventStreamParser.MAX_EVENT_SIZE_LIMIT) {
                throw new IllegalArgumentException("maxEventSize must be from 1 to " + EventStreamParser.MAX_EVENT_SIZE_LIMIT + " bytes: " + bytes);
            }
            this.maxEventSize = bytes;
            return this;
        }

        /**
         * Returns this builder with the caller's HTTP client, for a proxy, an {@code SSLContext}, an
         * authenticator or an executor of its own. The source uses it as it is, with its redirect
         * policy and HTTP version, and never closes it. The default is one client shared by every
         * source, which follows redirects (except from {@code https} to {@code http}) and speaks
         * HTTP/1.1.
         *
         * <pre>{@code
         * HttpClient client = HttpClient.newBuilder()
         *         .proxy(ProxySelector.of(new InetSocketAddress("proxy.example", 3128)))
         *         .followRedirects(HttpClient.Redirect.NORMAL)
         *         .build();
         * EventSource source = EventSource.builder(uri).httpClient(client).build();
         * }</pre>
         *
         * @param client the client to send every request with
         * @return this builder
         * @throws NullPointerException if {@code client} is null
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "httpClient");
            return this;
        }

        /**
         * Creates a pull source, which connects on the first {@link EventSource#next()}.
         *
         * @return the source
         */
        public EventSource build() {
            return new EventSource(this, null);
        }

        /**
         * Creates a push source and starts it: it connects at once and delivers to {@code listener}
         * from a virtual thread of its own until it is closed.
         *
         * @param listener the listener
         * @return the source, already connecting
         * @throws NullPointerException if {@code listener} is null
         */
        public EventSource start(Listener listener) {
            EventSource source = new EventSource(this, Objects.requireNonNull(listener, "listener"));
            source.dispatcher.start();
            return source;
        }

        private static Duration requireNotNegative(String field, Duration d) {
            Objects.requireNonNull(d, field);
            if (d.isNegative()) {
                throw new IllegalArgumentException(field + " must not be negative: " + d);
            }
            return d;
        }
    }

    private final Session session;
    /** Null for a pull source. */
    private final Dispatcher dispatcher;

    private EventSource(Builder b, Listener listener) {
        HttpClient client = b.httpClient != null ? b.httpClient : Connection.sharedClient();
        Connection.Target target = new Connection.Target(client, b.uri, List.copyOf(b.headers), b.connectTimeout, b.readTimeout);
        this.dispatcher = listener == null ? null : new Dispatcher(this, listener, b.uri);
        this.session = new Session(target, b.retry, b.maxRetry, b.lastEventId, b.maxEventSize,
                dispatcher == null ? Session.Observer.NONE : dispatcher);
    }

    /**
     * Returns the next event, blocking while it connects, reads and waits to reconnect.
     *
     * <p>Transient failures (a refused or broken connection, a timeout, the end of a stream) are
     * handled by reconnecting and are not reported here.
     *
     * @return the next event, or {@code null} once the source is closed or the server answered 204
     * @throws IOException           if the source failed for good: a status other than 200 and 204,
     *                               or a content type other than {@code text/event-stream}; the
     *                               source is then closed
     * @throws InterruptedIOException if the calling thread was interrupted; the source is then closed
     * @throws IllegalStateException if the source delivers to a {@link Listener}
     */
    public MessageEvent next() throws IOException {
        if (dispatcher != null && !dispatcher.isDispatching()) {
            throw new IllegalStateException("this source delivers its events to a listener");
        }
        try {
            return session.next();
        } catch (InterruptedIOException e) {
            // Only an interrupt gets here (timeouts are retried inside): it closes the source as close() does.
            close();
            throw e;
        }
    }

    /**
     * Returns an iterator over the events, as {@link #next()} returns them; it ends when the source is
     * closed or the server answers 204.
     *
     * @return an iterator whose {@code hasNext()} blocks like {@link #next()} and throws
     *         {@link UncheckedIOException} where {@link #next()} throws {@link IOException}
     */
    @Override
    public Iterator<MessageEvent> iterator() {
        return new EventIterator(this);
    }

    /**
     * Returns the last event id of the events handed out: that of the event last returned by
     * {@link #next()} or given to {@link Listener#onEvent}, or one the stream set after it without an
     * event; before any, the id given to {@link Builder#lastEventId}, or an empty string. Events read
     * but not yet handed out do not move it, so it is safe to save after processing an event and to
     * resume from later. A reconnect sends the same id, as it waits until all are handed out.
     *
     * @return the last event id, never null
     */
    public String lastEventId() {
        return session.lastEventId();
    }

    /**
     * Returns whether the source has stopped for good: closed, told to stop by a 204, or failed.
     *
     * @return true once the source will not connect again
     */
    public boolean isClosed() {
        return session.isClosed();
    }

    /**
     * Stops for good as {@link #close()} does, but leaves the listener to be told: for the
     * dispatcher, when an {@code Error} ends its thread.
     */
    void stop() {
        session.close();
    }

    /**
     * Closes the connection and stops reconnecting; a blocked {@link #next()} returns {@code null},
     * and no {@link Listener} method runs after this returns. Idempotent; it waits for a listener call
     * in progress on the source's thread, unless called from that call.
     */
    @Override
    public void close() {
        if (dispatcher != null) {
            dispatcher.cancel();
        }
        session.close();
        if (dispatcher != null) {
            dispatcher.awaitIdle();
        }
    }
}
