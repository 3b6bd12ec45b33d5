package org.jdksse.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The life of one {@link EventSource} across its connections: the pull loop, and every decision
 * about reconnecting (when, and with which {@code Last-Event-ID}).
 *
 * <p>It moves between three states. CONNECTING: it waits the reconnection delay, then makes one
 * {@link Connection} attempt; a failed attempt stays CONNECTING with a longer delay. OPEN: it reads
 * the stream and hands out the parsed events; when the stream ends or breaks it goes back to
 * CONNECTING with the server's retry time. CLOSED, for good, from either state: on
 * {@link #close()}, on 204, on a {@link Connection.Refused refusal}, or on an interrupt.
 *
 * <p>Concurrency: {@link #next()} serves one caller at a time and blocks; {@link #close()},
 * {@link #isClosed()} and {@link #lastEventId()} may be called from any thread and never block.
 */
final class Session {

    /** Told of each opened stream and each transient failure, on the thread that calls {@link #next()}. */
    interface Observer {
        /** The observer of a pull source, which reports nothing. */
        Observer NONE = new Observer() {
        };

        default void opened() {
        }

        default void failed(IOException reason) {
        }
    }

    /** The public class's name, which is what users configure to see reconnects. */
    private static final System.Logger LOG = System.getLogger("org.jdksse.client.EventSource");
    private static final long MIN_BACKOFF_MILLIS = 10;

    private final Connection.Target target;
    private final long maxRetryMillis;
    private final Observer observer;
    private final EventStreamParser parser;
    private final ArrayDeque<MessageEvent> ready = new ArrayDeque<>();
    private final ReentrantLock pullLock = new ReentrantLock();
    /** Guards the hand-over of {@link #connection} between the reader and close(), and wakes a waiting reader. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();

    private volatile boolean closed;
    private volatile long retryMillis;
    /**
     * The id of the last event handed out, or the parser's when everything it dispatched has been
     * handed out (an id-only block dispatches no event). Never the parser's while parsed events still
     * wait in {@link #ready}: a caller that saves it after one event would skip the others on resume.
     */
    private volatile String lastEventId;
    /** The attempt in progress or the open stream; set by the reader under the lock. */
    private Connection connection;
    // Used only by the reading thread.
    private int failures;
    private long delayMillis;
    private boolean warnedAboutId;

    Session(Connection.Target target, Duration retry, Duration maxRetry, String lastEventId, int maxEventSize, Observer observer) {
        this.target = target;
        this.retryMillis = retry.toMillis();
        this.maxRetryMillis = maxRetry.toMillis();
        this.lastEventId = lastEventId;
        this.observer = observer;
        this.parser = new EventStreamParser(new EventStreamParser.Handler() {
            @Override
            public void onEvent(MessageEvent event) {
                ready.add(event);
            }

            @Override
            public void onRetry(long millis) {
                retryMillis = millis;
            }
        }, lastEventId, maxEventSize);
    }

    /**
     * Returns the next event, or null once closed; transient failures are reported to the observer
     * and retried here.
     *
     * @throws Connection.Refused     if the server's answer was final; the session is then closed
     * @throws InterruptedIOException if the calling thread was interrupted; the session is then closed
     */
    MessageEvent next() throws IOException {
        pullLock.lock();
        try {
            while (!closed) {
                MessageEvent event = ready.poll();
                if (event != null) {
                    lastEventId = ready.isEmpty() ? parser.lastEventId() : event.lastEventId();
                    return event;
                }
                if (connection == null) {
                    open();
                    continue;
                }
                if (connection.read(parser)) {
                    if (ready.isEmpty()) {
                        lastEventId = parser.lastEventId();
                    }
                    continue;
                }
                IOException reason = connection.endReason();
                drop();
                if (closed) {
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted();
                }
                // An open connection resets the backoff: its end is not another failed attempt.
                retryLater(reason, false);
            }
            return null;
        } finally {
            pullLock.unlock();
        }
    }

    String lastEventId() {
        return lastEventId;
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops for good: wakes a reader waiting to reconnect and ends the attempt or stream in progress. */
    void close() {
        Connection current;
        lock.lock();
        try {
            closed = true;
            current = connection;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.close();
        }
    }

    /** Waits the reconnection delay, then makes one attempt; {@link #connection} stays set if the stream opened. */
    private void open() throws IOException {
        if (delayMillis > 0 && !await(delayMillis)) {
            return;
        }
        Connection attempt;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            attempt = new Connection(target, sendableLastEventId());
            connection = attempt;
        } finally {
            lock.unlock();
        }
        Connection.Answer answer;
        try {
            answer = attempt.connect();
        } catch (Connection.Refused e) {
            closed = true;
            drop();
            LOG.log(System.Logger.Level.DEBUG, "{0}: {1}; not reconnecting", target.shown(), e.getMessage());
            throw e;
        } catch (IOException e) {
            drop();
            retryLater(e, true);
            return;
        } catch (InterruptedException e) {
            drop();
            Thread.currentThread().interrupt();
            throw interrupted();
        }
        switch (answer) {
            case STREAM -> {
                failures = 0;
                parser.reset();
                observer.opened();
            }
            case NO_CONTENT -> {
                closed = true;
                drop();
            }
            case CLOSED -> drop();
        }
    }

    /** Returns the id to resume from, or none when the header cannot carry it (said once in the log). */
    private String sendableLastEventId() {
        String id = parser.lastEventId();
        if (Connection.canSend(id)) {
            return id;
        }
        if (!warnedAboutId) {
            warnedAboutId = true;
            LOG.log(System.Logger.Level.WARNING, "not sending Last-Event-ID {0} to {1}: HttpClient can only send ASCII header values", id, target.shown());
        }
        return "";
    }

    private void drop() {
        Connection current;
        lock.lock();
        try {
            current = connection;
            connection = null;
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.close();
        }
    }

    /** Reports a transient failure and sets the delay before the next attempt. */
    private void retryLater(IOException reason, boolean failedAttempt) {
        failures = failedAttempt ? failures + 1 : 0;
        delayMillis = reconnectDelay(retryMillis, failures, maxRetryMillis, ThreadLocalRandom.current());
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}; reconnecting in {2} ms", target.shown(), reason.getMessage(), delayMillis);
        observer.failed(reason);
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

    /** Waits until the delay is over (true) or the session is closed (false). */
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

    private InterruptedIOException interrupted() {
        close();
        return new InterruptedIOException("interrupted while reading " + target.shown());
    }
}
