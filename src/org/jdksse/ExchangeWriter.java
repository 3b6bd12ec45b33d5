package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;

/**
 * The response of one broadcaster subscriber: what its {@link Subscription} writes to.
 *
 * <p>Unlike {@link ExchangeStream}, which any producer thread may write to, only the
 * subscription's own thread writes here, one batch at a time, so there is no lock and no
 * timestamps: the subscription keeps those, once. This is the whole per-event write path of a
 * broadcaster, and the benchmark compares it with the smallest one the design allows
 * ({@code bench/peers/floor-jdk}).
 */
final class ExchangeWriter implements Subscription.Writer {
    private final HttpExchange exchange;
    private final OutputStream body;
    /** The thread inside a write or the final close, so that {@link #abort} can unblock it. */
    private volatile Thread writing;
    private volatile boolean aborted;
    /** What the body has taken so far: the watchdog's sign that a long batch still moves. */
    private final Progress progress = new Progress();

    private ExchangeWriter(HttpExchange exchange) {
        this.exchange = exchange;
        this.body = exchange.getResponseBody();
    }

    /** Wraps the exchange; nothing is sent until {@link #open}. */
    static ExchangeWriter of(HttpExchange exchange) {
        return new ExchangeWriter(exchange);
    }

    /**
     * Sends the event-stream headers with this first frame (the retry hint, or no bytes).
     *
     * @return {@code false} if the client is already gone
     */
    boolean open(byte[] first) {
        // The JDK sends the headers with the body's first flush, so an empty frame sends them.
        return ExchangeStream.sendEventStreamHeaders(exchange) && write(List.of(first));
    }

    @Override
    public boolean write(Collection<byte[]> batch) {
        // Publish the thread before checking the flag, and abort() sets the flag before reading
        // the thread: one of the two always sees the other, so no write starts after an abort.
        writing = Thread.currentThread();
        try {
            if (aborted) {
                return false;
            }
            // Live batches are always ArrayDeques: a loop of their own keeps that call site
            // monomorphic, where one loop over three collection types is not (bench/results).
            // Progress counts each frame (each slice of a very large one) as the body takes it.
            if (batch instanceof ArrayDeque<byte[]> queue) {
                for (byte[] frame : queue) {
                    progress.write(body, frame);
                }
            } else {
                for (byte[] frame : batch) {
                    progress.write(body, frame);
                }
            }
            body.flush();
            return true;
        } catch (IOException e) {
            ExchangeStream.LOG.log(Level.DEBUG, "client gone: {0}", e.toString());
            return false;
        } finally {
            writing = null;
        }
    }

    @Override
    public Progress progress() {
        return progress;
    }

    /** Ends the response (the chunked stream's last chunk); an abort unblocks it too. */
    @Override
    public void finish() {
        writing = Thread.currentThread();
        try {
            exchange.close();
        } finally {
            writing = null;
        }
    }

    /** Stops all further writes and interrupts one in progress, which closes the socket. */
    @Override
    public void abort() {
        aborted = true;
        Thread blocked = writing;
        if (blocked != null) {
            blocked.interrupt();
        }
    }

    @Override
    public HttpExchange exchange() {
        return exchange;
    }
}
