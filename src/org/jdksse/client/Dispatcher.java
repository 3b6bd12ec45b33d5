package org.jdksse.client;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The virtual thread of a push source: it pulls the source's events and hands them, with the
 * source's life cycle, to its {@link EventSource.Listener}, one call at a time, in order.
 *
 * <p>Concurrency: {@link #opened()}, {@link #failed} and the deliveries run on the dispatcher's
 * thread only; {@link #cancel()} may be called from any thread, after which no listener call
 * starts, and {@link #awaitIdle()} blocks until a call in progress has returned (at once when
 * called from that call, since the lock is reentrant).
 */
final class Dispatcher implements Session.Observer {
    private static final System.Logger LOG = System.getLogger(EventSource.class.getName());

    private final EventSource source;
    private final EventSource.Listener listener;
    /** The URI as the thread's name and the log show it, redacted. */
    private final String shown;
    private final Thread thread;
    /** Held around each listener call, so that close() can wait for one in progress. */
    private final ReentrantLock callbackLock = new ReentrantLock();
    private volatile boolean cancelled;

    Dispatcher(EventSource source, EventSource.Listener listener, URI uri) {
        this.source = source;
        this.listener = listener;
        this.shown = Redacted.uri(uri);
        // A thread's name is in every thread dump and in some log formats.
        this.thread = Thread.ofVirtual().name("EventSource " + shown).unstarted(this::deliver);
    }

    void start() {
        thread.start();
    }

    /** Returns whether the caller is the dispatcher's own thread, the only one that may pull. */
    boolean isDispatching() {
        return Thread.currentThread() == thread;
    }

    /** Lets no listener call start from now on. */
    void cancel() {
        cancelled = true;
    }

    /** Waits for a listener call in progress to return. */
    void awaitIdle() {
        callbackLock.lock();
        callbackLock.unlock();
    }

    @Override
    public void opened() {
        call(() -> listener.onOpen(source));
    }

    @Override
    public void failed(IOException reason) {
        call(() -> listener.onError(source, reason));
    }

    /**
     * Pulls and delivers until the source stops; a fatal failure is the last error before onClosed.
     * An Error from a listener (or anything unchecked from reading) ends this thread, so it stops the
     * source first: otherwise the source would stay open, holding its connection, with nobody to
     * read it or to tell the listener.
     */
    private void deliver() {
        try {
            MessageEvent event;
            while ((event = source.next()) != null) {
                MessageEvent e = event;
                call(() -> listener.onEvent(source, e));
            }
        } catch (IOException e) {
            call(() -> listener.onError(source, e));
        } catch (RuntimeException | Error e) {
            source.stop();
            try {
                call(() -> listener.onClosed(source));
            } catch (Error again) {
                e.addSuppressed(again);
            }
            throw e; // to the thread's uncaught-exception handler, which reports it
        }
        call(() -> listener.onClosed(source));
    }

    private void call(Runnable callback) {
        callbackLock.lock();
        try {
            if (!cancelled) {
                callback.run();
            }
        } catch (RuntimeException e) {
            // As in a browser, a failing handler is reported and the stream goes on.
            LOG.log(System.Logger.Level.WARNING, "EventSource listener for " + shown + " threw", e);
        } finally {
            callbackLock.unlock();
        }
    }
}
