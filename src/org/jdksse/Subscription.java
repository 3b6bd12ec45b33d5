package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One subscriber of a {@link Broadcaster}: a bounded queue of encoded frames that publishers fill
 * without waiting, drained by the subscriber's own thread, which writes everything pending and
 * flushes once.
 *
 * <p>Publishers call {@link #offer}; {@link #run} is called once, by the exchange's handler thread,
 * and returns when the stream is over; any thread may call {@link #drop}, {@link #shutdown} and
 * {@link #abort}, none of which blocks. The queue lock is never held during I/O.
 */
final class Subscription implements Broadcaster.Subscriber {
    private static final int OPEN = 0;
    /** Writes what is queued, then the final frame, then ends. */
    private static final int CLOSING = 1;
    /** Ends at once, writing nothing more. */
    private static final int DEAD = 2;

    private final Broadcaster owner;
    private final long id;
    private final Set<String> topics;
    private final ExchangeStream stream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final CountDownLatch done = new CountDownLatch(1);

    // Guarded by lock. The queue is created by the first live event: an idle subscriber holds none.
    private ArrayDeque<byte[]> queue;
    /** Set by the broadcaster's watchdog when the stream has been silent too long. */
    private boolean heartbeatDue;
    /** The queue last written, kept by the subscriber's own thread for reuse: no copy per batch. */
    private ArrayDeque<byte[]> spare;
    private long queuedBytes;
    /** Frames to write before the queue: a reset, what was sent before going live, the replay. */
    private List<byte[]> backlog;
    private byte[] finalFrame;
    private int state = OPEN;

    /** When the write in progress started (System.nanoTime), or 0 when not writing. */
    private volatile long writeStarted;
    /** When the last write ended (System.nanoTime). */
    private volatile long lastWrite = System.nanoTime();

    Subscription(Broadcaster owner, long id, Set<String> topics, ExchangeStream stream) {
        this.owner = owner;
        this.id = id;
        this.topics = topics;
        this.stream = stream;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Set<String> topics() {
        return topics;
    }

    @Override
    public String lastEventId() {
        return stream.lastEventId();
    }

    @Override
    public HttpExchange exchange() {
        return stream.exchange();
    }

    @Override
    public boolean send(SseEvent event) {
        return offer(event.encode());
    }

    /**
     * Queues a frame unless the subscriber is closing; drops the subscriber as slow when the frame
     * would exceed a bound (a single frame larger than the byte bound still passes an empty queue).
     *
     * @return {@code true} if the frame was queued
     */
    boolean offer(byte[] frame) {
        lock.lock();
        try {
            if (state != OPEN) {
                return false;
            }
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            if (queue.isEmpty() || (queue.size() < owner.queueEvents && queuedBytes + frame.length <= owner.queueBytes)) {
                queue.add(frame);
                queuedBytes += frame.length;
                if (queue.size() == 1) {
                    ready.signal();
                }
                return true;
            }
        } finally {
            lock.unlock();
        }
        drop(Broadcaster.Reason.SLOW);
        return false;
    }

    /**
     * Puts frames ahead of everything queued so far and appends the replay after it: called once,
     * under the broadcaster's publish lock, just before the first live event can arrive.
     *
     * @return {@code false} if the subscriber was already dropped (by what the hook sent it)
     */
    boolean goLive(byte[] reset, List<byte[]> replay) {
        lock.lock();
        try {
            if (state != OPEN) {
                return false;
            }
            List<byte[]> head = new ArrayList<>((queue == null ? 0 : queue.size()) + replay.size() + 1);
            if (reset != null) {
                head.add(reset);
            }
            if (queue != null) {
                head.addAll(queue);
                queue.clear();
                queuedBytes = 0;
            }
            head.addAll(replay);
            if (!head.isEmpty()) {
                backlog = head;
                ready.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the subscriber for this reason: discards its queue, removes it from its topics and
     * ends its stream with a last retry hint; aborts the stream instead if a write is in progress,
     * since a write that is still going while the queue overflowed is one the client is not
     * reading.
     */
    void drop(Broadcaster.Reason reason) {
        boolean writing;
        lock.lock();
        try {
            if (state != OPEN) {
                return;
            }
            writing = writeStarted != 0;
            state = writing ? DEAD : CLOSING;
            queue = null;
            queuedBytes = 0;
            backlog = null;
            finalFrame = owner.hintFrame;
            ready.signal();
        } finally {
            lock.unlock();
        }
        owner.dropped(this, reason);
        if (writing) {
            stream.abort();
        }
    }

    /** Ends the stream after what is queued and a last retry hint: the graceful shutdown. */
    void shutdown() {
        lock.lock();
        try {
            if (state == OPEN) {
                state = CLOSING;
                finalFrame = owner.hintFrame;
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream at once, unblocking a write in progress (which closes the connection). */
    void abort() {
        lock.lock();
        try {
            state = DEAD;
            ready.signal();
        } finally {
            lock.unlock();
        }
        stream.abort();
    }

    /**
     * Asks for a heartbeat if the stream has been silent for this long and is not writing. The
     * broadcaster's one watchdog thread calls this for every subscriber, so that a subscriber's
     * own thread waits without a timeout: a timed wait costs a timer per wake-up, per event.
     */
    void heartbeatIfSilent(long now, long silence) {
        if (writeStarted != 0 || now - lastWrite < silence) {
            return;
        }
        lock.lock();
        try {
            if (state == OPEN && backlog == null && (queue == null || queue.isEmpty())) {
                heartbeatDue = true;
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Aborts the stream if a write (or the end of the response) has made no progress for this long. */
    boolean abortIfStalled(long now, long limit) {
        long started = writeStarted;
        if (started == 0 || now - started <= limit) {
            return false;
        }
        boolean wasOpen;
        lock.lock();
        try {
            wasOpen = state == OPEN;
        } finally {
            lock.unlock();
        }
        if (wasOpen) {
            owner.dropped(this, Broadcaster.Reason.STALLED);
        }
        abort();
        return true;
    }

    /**
     * Serves the stream on the calling thread until it is dropped, shut down, aborted or found
     * dead, then ends the response. Returns normally; the exchange is closed on return.
     */
    void run() {
        try {
            loop();
        } finally {
            owner.unregister(this);
            writeStarted = stamp();
            try {
                stream.finish();
            } finally {
                writeStarted = 0;
                done.countDown();
            }
        }
    }

    private void loop() {
        while (true) {
            Collection<byte[]> batch;
            boolean probe = false;
            boolean last = false;
            lock.lock();
            try {
                while (true) {
                    if (state == DEAD) {
                        return;
                    }
                    if (backlog != null) {
                        batch = backlog;
                        backlog = null;
                        break;
                    }
                    if (queue != null && !queue.isEmpty()) {
                        batch = queue;
                        queue = spare != null ? spare : new ArrayDeque<>(4);
                        spare = null;
                        queuedBytes = 0;
                        break;
                    }
                    if (state == CLOSING) {
                        batch = finalFrame == null ? List.of() : List.of(finalFrame);
                        last = true;
                        break;
                    }
                    if (heartbeatDue) {
                        heartbeatDue = false;
                        batch = List.of(owner.heartbeatFrame);
                        probe = true;
                        break;
                    }
                    ready.await();
                }
            } catch (InterruptedException e) {
                // Only abort() interrupts this thread; the stream is over.
                return;
            } finally {
                lock.unlock();
            }
            writeStarted = stamp();
            boolean written = stream.write(batch);
            writeStarted = 0;
            if (!written) {
                lock.lock();
                boolean wasOpen;
                try {
                    wasOpen = state == OPEN;
                    state = DEAD;
                } finally {
                    lock.unlock();
                }
                if (wasOpen) {
                    owner.dropped(this, probe ? Broadcaster.Reason.PRUNED : Broadcaster.Reason.FAILED);
                }
                return;
            }
            if (!probe && !last) {
                owner.delivered.add(batch.size());
            }
            if (batch instanceof ArrayDeque<byte[]> drained) {
                drained.clear();
                spare = drained;
            }
            if (last) {
                return;
            }
            lastWrite = System.nanoTime();
        }
    }

    /** Waits until {@link #run} has returned. */
    boolean awaitDone(long nanos) throws InterruptedException {
        return done.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** Returns a nonzero nanoTime, since zero means "not writing". */
    private static long stamp() {
        long now = System.nanoTime();
        return now == 0 ? 1 : now;
    }
}
