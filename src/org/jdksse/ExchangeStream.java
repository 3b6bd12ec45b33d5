package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The event stream of one exchange: writes frames under a lock, turns I/O failures into the
 * closed state; a producer's stream gets its heartbeats and stall checks from the process's one
 * {@link Watchdog}.
 *
 * <p>Lifecycle: {@link #of} wraps the exchange; {@link #sendHeaders} hands the headers to the
 * JDK (held in its buffer) and {@link #flushOpen} sends them; any thread writes; {@link #close()}
 * (or a failed write) marks the stream closed; the thread that owns the exchange then calls
 * {@link #finish()}, which ends the response. {@link #abort()} also unblocks a write stuck on a
 * client that stopped reading, by interrupting the writing thread: that closes its socket
 * channel.
 */
final class ExchangeStream implements SseStream {
    static final System.Logger LOG = System.getLogger("org.jdksse");

    private final HttpExchange exchange;
    private final OutputStream body;
    private final String lastEventId;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The watchdog's periodic look at a producer's stream, cancelled when the response ends. */
    private volatile ScheduledFuture<?> watch;
    private final ConcurrentLinkedQueue<Runnable> callbacks = new ConcurrentLinkedQueue<>();
    /** The thread inside a socket write, so that a stalled write can be aborted. */
    private volatile Thread writer;
    private volatile long writeStarted;
    /** What the body has taken so far, which tells a slow write from a stalled one. */
    private final Progress progress = new Progress();
    private volatile long lastWrite = System.nanoTime();

    private ExchangeStream(HttpExchange exchange, String lastEventId) {
        this.exchange = exchange;
        this.body = exchange.getResponseBody();
        this.lastEventId = lastEventId;
    }

    /** Wraps the exchange; nothing is sent until {@link #sendHeaders}. */
    static ExchangeStream of(HttpExchange exchange) {
        return new ExchangeStream(exchange, lastEventId(exchange));
    }

    /**
     * Sends the event-stream headers and flushes them (the JDK holds headers back until the
     * body's first flush), with the options' retry hint as the first frame.
     *
     * @return the stream, or {@code null} if the client was already gone
     */
    static ExchangeStream open(HttpExchange exchange, SseOptions options) {
        ExchangeStream stream = prepare(exchange);
        return stream != null && stream.flushOpen(options) ? stream : null;
    }

    /**
     * Hands the event-stream headers to the JDK, which keeps them in its buffer until the first
     * flush: a caller can finish its own set-up (a broadcaster registers the subscriber) before
     * the client learns that the stream is open.
     *
     * @return the stream, or {@code null} if the client was already gone
     */
    static ExchangeStream prepare(HttpExchange exchange) {
        ExchangeStream stream = of(exchange);
        return stream.sendHeaders() ? stream : null;
    }

    /**
     * Sets the event-stream headers and hands them to the JDK (see {@link #prepare}).
     *
     * @return {@code false} if the client was already gone; the exchange is then closed
     */
    boolean sendHeaders() {
        if (sendEventStreamHeaders(exchange)) {
            return true;
        }
        close();
        exchange.close();
        return false;
    }

    /**
     * Sets the event-stream headers and hands them to the JDK; shared with {@link ExchangeWriter}.
     *
     * @return {@code false} if the client was already gone
     */
    static boolean sendEventStreamHeaders(HttpExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/event-stream; charset=utf-8");
        headers.set("Cache-Control", "no-cache");
        headers.set("X-Accel-Buffering", "no");
        try {
            exchange.sendResponseHeaders(200, 0);
            return true;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client gone before the headers: {0}", e.toString());
            return false;
        }
    }

    /** Flushes the headers to the client, after the options' retry hint if there is one. */
    boolean flushOpen(SseOptions options) {
        return write(options.retryFrame());
    }

    /** Returns the Last-Event-ID header as UTF-8 (see {@link Sse#header}), else the query parameter. */
    static String lastEventId(HttpExchange exchange) {
        String header = Sse.header(exchange, "Last-Event-ID");
        // An empty header says nothing (browsers send none until they have an id): the query may.
        if (header != null && !header.isEmpty()) {
            return header;
        }
        List<String> query = Sse.query(exchange.getRequestURI()).get("lastEventId");
        return query == null ? "" : query.get(0);
    }

    /**
     * Returns text as a response header value that the JDK's server writes as UTF-8: it writes
     * each char as one byte and refuses chars above 255, so a char per UTF-8 byte. An id such as
     * {@code 日本} then reaches the client as the browser would send it back.
     */
    static String headerValue(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean send(SseEvent event) {
        return write(event.encode());
    }

    /** Writes one encoded frame and flushes it. */
    boolean write(byte[] frame) {
        return write(List.of(frame));
    }

    /** Writes encoded frames and flushes once, so that a backlog leaves in as few packets as possible. */
    boolean write(Collection<byte[]> frames) {
        lock.lock();
        try {
            if (!open.get()) {
                return false;
            }
            // The stamp before the thread: the watchdog reads them the other way round, so it
            // never pairs this write with the last one's start.
            writeStarted = System.nanoTime();
            writer = Thread.currentThread();
            for (byte[] frame : frames) {
                progress.write(body, frame);
            }
            body.flush();
            lastWrite = System.nanoTime();
            return true;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client gone: {0}", e.toString());
            close();
            return false;
        } finally {
            writer = null;
            lock.unlock();
        }
    }

    /**
     * Has the watchdog look at this stream every half interval until it is finished: a heartbeat
     * every interval while the stream is idle, and within an interval and a quarter of its last
     * write (written on a virtual thread of its own, since
     * the watchdog never blocks), an abort when a write has made no progress for two intervals
     * ({@link Progress}'s rule), as a client that stops reading would otherwise hold its thread
     * forever. A write that takes longer, one large event to a slow client, goes on while it moves.
     */
    void startHeartbeat(SseOptions options) {
        if (options.heartbeat().isZero()) {
            return;
        }
        long interval = options.heartbeat().toNanos();
        byte[] frame = options.heartbeatFrame();
        watch = Watchdog.shared().every(options.heartbeat().dividedBy(2), () -> {
            long now = System.nanoTime();
            if (writer != null) {
                if (progress.stalled(now, writeStarted, interval)) {
                    LOG.log(Level.DEBUG, "client stopped reading: aborting its stream");
                    abort();
                }
            } else if (open.get() && now - lastWrite >= interval - interval / 4 && !lock.isLocked()) {
                // due half a check early, so that a heartbeat written just after a check is due
                // again two checks later: one every interval, not every interval and a half
                Thread.ofVirtual().name("sse-heartbeat").start(() -> write(frame));
            }
        });
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public String lastEventId() {
        return lastEventId;
    }

    @Override
    public HttpExchange exchange() {
        return exchange;
    }

    @Override
    public void onClose(Runnable callback) {
        callbacks.add(callback);
        if (!open.get()) {
            runCallbacks();
        }
    }

    @Override
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            closed.countDown();
            runCallbacks();
        }
    }

    /** Closes the stream and unblocks a write in progress by interrupting its thread, which closes the socket. */
    void abort() {
        close();
        Thread blocked = writer;
        if (blocked != null) {
            blocked.interrupt();
        }
    }

    /** Ends the response; called once by the thread that owns the exchange, after the producer is done. */
    void finish() {
        close();
        lock.lock();
        try {
            writeStarted = System.nanoTime();
            writer = Thread.currentThread();
            exchange.close();
        } finally {
            writer = null;
            lock.unlock();
            ScheduledFuture<?> w = watch;
            if (w != null) {
                w.cancel(false);
            }
        }
    }

    /** Runs each callback once: poll() hands every callback to exactly one caller, however many race here. */
    private void runCallbacks() {
        for (Runnable callback; (callback = callbacks.poll()) != null; ) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "close callback failed", e);
            }
        }
    }
}
