package org.jdksse.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * A Server-Sent Events client on {@code java.net.http.HttpClient} that reconnects like a browser's
 * {@code EventSource}: it waits the server's {@code retry} delay (with jittered exponential backoff
 * while attempts keep failing), sends {@code Last-Event-ID}, follows redirects, stops for good on
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
 * stream" rules exactly. A {@code Last-Event-ID} that is not printable ASCII is not sent, because
 * {@code HttpClient} writes header bytes as US-ASCII and would send {@code ?} in its place.
 *
 * <p>Thread safety: {@link #close()}, {@link #isClosed()} and {@link #lastEventId()} may be called
 * from any thread; {@link #next()} and iteration serve one caller at a time.
 */
public final class EventSource implements Iterable<MessageEvent>, AutoCloseable {

    /**
     * Receives the events and the life cycle of a source started with {@link Builder#start}.
     *
     * <p>Every method is called on the source's own virtual thread, one call at a time, in order;
     * none is called once {@link EventSource#close()} has returned, since {@code close} waits for a
     * call in progress on that thread to return.
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
         * Called once, last, when the source stops for good on its own: the server answered 204 or a
         * failure was fatal. It is not called after {@link EventSource#close()}.
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
     *                                  {@code https} URI with a host
     */
    public static Builder builder(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
            throw new IllegalArgumentException("uri must be an absolute http or https URI with a host: " + uri);
        }
        return new Builder(uri);
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
         * half-open connections. The default, zero, waits forever.
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
            source.thread.start();
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

    /** Created on first use, so that a program that never connects never starts its selector thread. */
    private static final class SharedClient {
        static final HttpClient INSTANCE = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                // HTTP/2 would first try an h2c upgrade on every plain-http connection.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private static final System.Logger LOG = System.getLogger(EventSource.class.getName());
    private static final long MIN_BACKOFF_MILLIS = 10;

    private final URI uri;
    private final HttpClient client;
    private final List<String[]> headers;
    private final Duration connectTimeout;
    private final long readTimeoutNanos;
    private final long maxRetryMillis;
    private final Listener listener;
    private final Thread thread;

    private final EventStreamParser parser;
    private final ArrayDeque<MessageEvent> ready = new ArrayDeque<>();
    private final byte[] buffer = new byte[8192];
    private final ReentrantLock pullLock = new ReentrantLock();
    /** Guards the hand-over of {@link #pending} and {@link #body} between the reader and close(). */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    /** Held around each listener call, so that close() can wait for one in progress. */
    private final ReentrantLock callbackLock = new ReentrantLock();

    private volatile boolean closed;
    private volatile boolean cancelled;
    private volatile long retryMillis;
    private volatile String lastEventId;
    private volatile long lastReadNanos;
    private volatile boolean timedOut;
    private CompletableFuture<HttpResponse<InputStream>> pending;
    private InputStream body;
    // Used only by the reading thread.
    private InputStream stream;
    private int failures;
    private long delayMillis;
    private boolean warnedAboutId;

    private EventSource(Builder b, Listener listener) {
        this.uri = b.uri;
        this.client = SharedClient.INSTANCE;
        this.headers = List.copyOf(b.headers);
        this.connectTimeout = b.connectTimeout;
        this.readTimeoutNanos = b.readTimeout.toNanos();
        this.maxRetryMillis = b.maxRetry.toMillis();
        this.retryMillis = b.retry.toMillis();
        this.lastEventId = b.lastEventId;
        this.listener = listener;
        this.parser = new EventStreamParser(new EventStreamParser.Handler() {
            @Override
            public void onEvent(MessageEvent event) {
                ready.add(event);
            }

            @Override
            public void onRetry(long millis) {
                retryMillis = millis;
            }
        }, b.lastEventId);
        this.thread = listener == null ? null : Thread.ofVirtual().name("EventSource " + uri).unstarted(this::deliver);
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
        if (listener != null && Thread.currentThread() != thread) {
            throw new IllegalStateException("this source delivers its events to a listener");
        }
        pullLock.lock();
        try {
            while (!closed) {
                MessageEvent event = ready.poll();
                if (event != null) {
                    return event;
                }
                if (stream == null) {
                    stream = open();
                    continue;
                }
                int n;
                IOException broken = null;
                try {
                    n = stream.read(buffer);
                } catch (IOException e) {
                    n = -1;
                    broken = e;
                }
                if (n >= 0) {
                    lastReadNanos = System.nanoTime();
                    parser.feed(buffer, 0, n);
                    lastEventId = parser.lastEventId();
                    continue;
                }
                drop(stream);
                stream = null;
                if (closed) {
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted();
                }
                IOException reason = timedOut
                        ? new HttpTimeoutException("no data for " + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms from " + uri)
                        : broken != null ? broken : new EOFException("the server ended the stream");
                // An open connection resets the backoff: its end is not another failed attempt.
                retryLater(reason, false);
            }
            return null;
        } finally {
            pullLock.unlock();
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
        return new Iterator<>() {
            private MessageEvent next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = EventSource.this.next();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return next != null;
            }

            @Override
            public MessageEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                MessageEvent event = next;
                next = null;
                return event;
            }
        };
    }

    /**
     * Returns the last event id the stream set (the value sent as {@code Last-Event-ID} on the next
     * connection), or the id given to {@link Builder#lastEventId}, or an empty string.
     *
     * @return the last event id, never null
     */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * Returns whether the source has stopped for good: closed, told to stop by a 204, or failed.
     *
     * @return true once the source will not connect again
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the connection and stops reconnecting; a blocked {@link #next()} returns {@code null},
     * and no {@link Listener} method runs after this returns. Idempotent; it waits for a listener call
     * in progress on the source's thread, unless called from that call.
     */
    @Override
    public void close() {
        CompletableFuture<?> request;
        InputStream in;
        lock.lock();
        try {
            cancelled = true;
            closed = true;
            request = pending;
            in = body;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
        if (request != null) {
            request.cancel(true);
        }
        if (in != null) {
            quietlyClose(in);
        }
        callbackLock.lock();
        callbackLock.unlock();
    }

    /** Waits the reconnection delay, then connects; returns the open body, or null to loop again. */
    private InputStream open() throws IOException {
        if (delayMillis > 0 && !await(delayMillis)) {
            return null;
        }
        CompletableFuture<HttpResponse<InputStream>> request;
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            request = client.sendAsync(request(), HttpResponse.BodyHandlers.ofInputStream());
            pending = request;
        } finally {
            lock.unlock();
        }
        HttpResponse<InputStream> response;
        try {
            response = request.get();
        } catch (CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            request.cancel(true);
            Thread.currentThread().interrupt();
            throw interrupted();
        } catch (ExecutionException e) {
            retryLater(describe(e.getCause()), true);
            return null;
        } finally {
            lock.lock();
            try {
                pending = null;
            } finally {
                lock.unlock();
            }
        }
        InputStream in = response.body();
        int status = response.statusCode();
        if (status == 204) {
            quietlyClose(in);
            closed = true;
            return null;
        }
        if (status != 200) {
            quietlyClose(in);
            throw fatal("HTTP " + status + " from " + response.uri());
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!isEventStream(type)) {
            quietlyClose(in);
            throw fatal("content type " + (type.isEmpty() ? "(none)" : type) + " from " + response.uri() + " is not text/event-stream");
        }
        lock.lock();
        try {
            if (closed) {
                quietlyClose(in);
                return null;
            }
            body = in;
            timedOut = false;
        } finally {
            lock.unlock();
        }
        failures = 0;
        parser.reset();
        lastReadNanos = System.nanoTime();
        if (readTimeoutNanos > 0) {
            watch(in, readTimeoutNanos);
        }
        if (listener != null) {
            call(() -> listener.onOpen(this));
        }
        return in;
    }

    private HttpRequest request() {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(connectTimeout);
        for (String[] h : headers) {
            b.header(h[0], h[1]);
        }
        b.setHeader("Accept", "text/event-stream").setHeader("Cache-Control", "no-cache");
        String id = parser.lastEventId();
        if (!id.isEmpty()) {
            if (isPrintableAscii(id)) {
                b.setHeader("Last-Event-ID", id);
            } else if (!warnedAboutId) {
                warnedAboutId = true;
                LOG.log(System.Logger.Level.WARNING, "not sending Last-Event-ID {0} to {1}: HttpClient can only send ASCII header values", id, uri);
            }
        }
        return b.build();
    }

    /** Reports a transient failure and sets the delay before the next attempt. */
    private void retryLater(IOException reason, boolean failedAttempt) {
        failures = failedAttempt ? failures + 1 : 0;
        delayMillis = reconnectDelay(retryMillis, failures, maxRetryMillis, ThreadLocalRandom.current());
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}; reconnecting in {2} ms", uri, reason.getMessage(), delayMillis);
        if (listener != null) {
            call(() -> listener.onError(this, reason));
        }
    }

    /**
     * Returns the wait before the next connection attempt: the retry time, doubled for each
     * consecutive failed attempt after the first, up to {@code maxRetryMillis} (but never below the
     * retry time, which the server may have raised), plus up to half again at random so that
     * clients dropped together do not return together.
     */
    static long reconnectDelay(long retryMillis, int failures, long maxRetryMillis, RandomGenerator random) {
        long base = retryMillis;
        if (failures > 0) {
            long floor = Math.max(retryMillis, MIN_BACKOFF_MILLIS);
            int shift = Math.min(failures - 1, 32);
            long grown = floor > Long.MAX_VALUE >> shift ? Long.MAX_VALUE : floor << shift;
            base = Math.max(retryMillis, Math.min(grown, maxRetryMillis));
        }
        long jitter = base < 2 ? 0 : random.nextLong(base / 2 + 1);
        return base > Long.MAX_VALUE - jitter ? Long.MAX_VALUE : base + jitter;
    }

    /** Waits until the delay is over (true) or the source is closed (false). */
    private boolean await(long millis) throws InterruptedIOException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (!closed && nanos > 0) {
                nanos = woken.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted();
        } finally {
            lock.unlock();
        }
    }

    /** Closes a connection that has been silent for the read timeout; checked once per timeout, not per read. */
    private void watch(InputStream in, long delayNanos) {
        CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS).execute(() -> {
            long idle = System.nanoTime() - lastReadNanos;
            lock.lock();
            try {
                if (body != in) {
                    return;
                }
                if (idle < readTimeoutNanos) {
                    watch(in, readTimeoutNanos - idle);
                    return;
                }
                // Under the lock, so that the flag cannot land on the next connection.
                timedOut = true;
            } finally {
                lock.unlock();
            }
            quietlyClose(in);
        });
    }

    private void drop(InputStream in) {
        lock.lock();
        try {
            body = null;
        } finally {
            lock.unlock();
        }
        quietlyClose(in);
    }

    /** Returns the failure with a one-line message: HttpClient's ConnectException carries none. */
    private IOException describe(Throwable cause) {
        if (cause instanceof IOException io && io.getMessage() != null) {
            return io;
        }
        String where = uri.getHost() + ":" + (uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        IOException described = cause instanceof ConnectException
                ? new ConnectException("cannot connect to " + where)
                : new IOException(cause.getClass().getSimpleName() + " while connecting to " + where);
        described.initCause(cause);
        return described;
    }

    private IOException fatal(String message) {
        closed = true;
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}; not reconnecting", uri, message);
        return new IOException(message);
    }

    private InterruptedIOException interrupted() {
        close();
        return new InterruptedIOException("interrupted while reading " + uri);
    }

    /** The body of a push source's thread: pulls and delivers until the source stops. */
    private void deliver() {
        try {
            MessageEvent event;
            while ((event = next()) != null) {
                MessageEvent e = event;
                call(() -> listener.onEvent(this, e));
            }
        } catch (IOException e) {
            call(() -> listener.onError(this, e));
        }
        call(() -> listener.onClosed(this));
    }

    private void call(Runnable callback) {
        callbackLock.lock();
        try {
            if (!cancelled) {
                callback.run();
            }
        } catch (RuntimeException e) {
            // As in a browser, a failing handler is reported and the stream goes on.
            LOG.log(System.Logger.Level.WARNING, "EventSource listener for " + uri + " threw", e);
        } finally {
            callbackLock.unlock();
        }
    }

    static boolean isEventStream(String contentType) {
        int semicolon = contentType.indexOf(';');
        String essence = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return essence.strip().equalsIgnoreCase("text/event-stream");
    }

    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static void quietlyClose(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Closing is how a connection is abandoned; there is nothing left to report.
        }
    }
}
