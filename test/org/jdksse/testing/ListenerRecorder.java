package org.jdksse.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.jdksse.client.EventSource;
import org.jdksse.client.MessageEvent;

/**
 * An {@link EventSource.Listener} that records every call it receives, in order, with the thread
 * that made it, and lets a test wait for a call without sleeping. Calls are recorded as one line
 * each: {@code open}, {@code event TYPE:DATA#ID}, {@code error closed=BOOLEAN MESSAGE},
 * {@code closed}. The source's thread records; any thread may read and wait.
 */
public final class ListenerRecorder implements EventSource.Listener {
    /** How long the waits wait unless the recorder was made with another bound. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> calls = new ArrayList<>();
    private final List<MessageEvent> events = new ArrayList<>();
    private final List<IOException> errors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Duration timeout;

    /** Makes an empty recorder whose waits wait {@link #TIMEOUT}. */
    public ListenerRecorder() {
        this(TIMEOUT);
    }

    /**
     * Makes an empty recorder whose waits wait this long.
     *
     * @param timeout the bound of every wait
     */
    public ListenerRecorder(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void onOpen(EventSource source) {
        record("open", null, null);
    }

    @Override
    public void onEvent(EventSource source, MessageEvent event) {
        record("event " + event.type() + ":" + event.data() + "#" + event.lastEventId(), event, null);
    }

    @Override
    public void onError(EventSource source, IOException error) {
        record("error closed=" + source.isClosed() + " " + error.getMessage(), null, error);
    }

    @Override
    public void onClosed(EventSource source) {
        record("closed", null, null);
    }

    /**
     * Returns a listener that records into this recorder as the recorder itself does and, after
     * recording each event, runs {@code action} on the source's thread: to be slow, to throw, or to
     * look at the source at that moment.
     *
     * @param action what to do with each event once it is recorded
     * @return a listener to start a source with
     */
    public EventSource.Listener andThen(BiConsumer<EventSource, MessageEvent> action) {
        ListenerRecorder recorder = this;
        return new EventSource.Listener() {
            @Override
            public void onOpen(EventSource source) {
                recorder.onOpen(source);
            }

            @Override
            public void onEvent(EventSource source, MessageEvent event) {
                recorder.onEvent(source, event);
                action.accept(source, event);
            }

            @Override
            public void onError(EventSource source, IOException error) {
                recorder.onError(source, error);
            }

            @Override
            public void onClosed(EventSource source) {
                recorder.onClosed(source);
            }
        };
    }

    private void record(String call, MessageEvent event, IOException error) {
        lock.lock();
        try {
            calls.add(call);
            threads.add(Thread.currentThread());
            if (event != null) {
                events.add(event);
            }
            if (error != null) {
                errors.add(error);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the calls so far, one line each, in order.
     *
     * @return a snapshot of the calls
     */
    public List<String> calls() {
        return snapshot(calls);
    }

    /**
     * Returns the events received so far.
     *
     * @return a snapshot of the events
     */
    public List<MessageEvent> events() {
        return snapshot(events);
    }

    /**
     * Returns the errors reported so far.
     *
     * @return a snapshot of the errors
     */
    public List<IOException> errors() {
        return snapshot(errors);
    }

    /**
     * Returns the thread of each call, in order.
     *
     * @return a snapshot of the threads
     */
    public List<Thread> threads() {
        return snapshot(threads);
    }

    /**
     * Waits until {@code onClosed} has been called.
     *
     * @return the calls up to then
     * @throws InterruptedException if interrupted while waiting
     */
    public List<String> awaitClosed() throws InterruptedException {
        return await("onClosed", calls -> calls.contains("closed"));
    }

    /**
     * Waits until at least {@code n} events have arrived.
     *
     * @param n how many
     * @return the events so far
     * @throws InterruptedException if interrupted while waiting
     */
    public List<MessageEvent> awaitEvents(int n) throws InterruptedException {
        await(n + " events", calls -> events.size() >= n);
        return events();
    }

    /**
     * Waits until at least {@code n} errors have been reported.
     *
     * @param n how many
     * @return the errors so far
     * @throws InterruptedException if interrupted while waiting
     */
    public List<IOException> awaitErrors(int n) throws InterruptedException {
        await(n + " errors", calls -> errors.size() >= n);
        return errors();
    }

    private List<String> await(String what, Predicate<List<String>> done) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!done.test(calls)) {
                if (left <= 0) {
                    throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what + "; calls: " + calls);
                }
                left = changed.awaitNanos(left);
            }
            return List.copyOf(calls);
        } finally {
            lock.unlock();
        }
    }

    private <T> List<T> snapshot(List<T> list) {
        lock.lock();
        try {
            return List.copyOf(list);
        } finally {
            lock.unlock();
        }
    }
}
