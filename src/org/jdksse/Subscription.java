package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One subscriber of a {@link Broadcaster}: its life (states, thread, watchdog checks) around the
 * frames it has yet to write ({@link Pending}), which the fan-out adds without waiting and the
 * subscriber's own thread drains, writing everything pending and flushing once.
 *
 * <p>States and their transitions:
 * <ol>
 * <li>OPEN: frames queue up. Until {@link #run} starts nothing is written, so the queue holds
 *     what arrives while the replay is read (the "buffering" of a resume);
 *     {@link #markLive} and {@link #release} put the hook's frames, a {@code reset} and the replay
 *     ahead of it.</li>
 * <li>OPEN → CLOSING, by {@link Ending#drop} (queue discarded) or {@link #shutdown} (queue
 *     kept): the thread writes what is left and the final retry hint, then ends the response.</li>
 * <li>OPEN or CLOSING → DEAD, by {@link #abort}, a failed write, or a drop while a write is
 *     stuck: the thread ends at once and nothing more is written.</li>
 * </ol>
 * {@link Ending} makes every one of these transitions; this class only reads the state.
 *
 * <p>The fan-out calls {@link #offer}; {@link #run} is called once, by the exchange's handler
 * thread, and returns when the stream is over (or, if it never will be, that thread calls
 * {@link #abandon} instead); any thread may call {@link #shutdown} and {@link #abort},
 * neither of which blocks. The queue lock is never held during I/O.
 */
final class Subscription implements Subscriber {
    // The states. They, and the members below that Ending's transitions use, are package-private.
    static final int OPEN = 0;
    static final int CLOSING = 1;
    static final int DEAD = 2;

    /** The bounds and fixed frames every subscription of one broadcaster shares. */
    record Policy(int queueEvents, long queueBytes, byte[] heartbeatFrame, byte[] hintFrame) {
    }

    /** Where a subscription reports; called without the subscription's lock held. */
    interface Owner {
        /** The subscriber left for this reason; called at most once per subscription. */
        void departed(Subscription sub, Departure reason);

        /** This many events were written (heartbeats and hints not counted). */
        void delivered(int events);

        /** The stream is over: take the subscription out of every topic. */
        void ended(Subscription sub);
    }

    /** What a subscription writes to: the exchange's stream, or a fake in tests. */
    interface Writer {
        /** Writes the frames and flushes once; {@code false} if the client is gone. */
        boolean write(Collection<byte[]> frames);

        /** Returns how far the writes have got, which the watchdog looks at during a write. */
        Progress progress();

        /** Ends the response. */
        void finish();

        /** Ends the stream at once, unblocking a write in progress. */
        void abort();

        /** Returns the exchange behind the stream. */
        HttpExchange exchange();
    }

    private final long id;
    private final Interest interest;
    final Policy policy;
    final Writer writer;
    final Owner owner;
    final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch done = new CountDownLatch(1);

    // Guarded by lock.
    /**
     * The subscriber's thread while it is parked for work, else null. Parking by hand rather than on
     * a Condition: an await allocates a node, once per event, and its signal moves the node between
     * queues; here the one waiter is known.
     */
    private Thread waiter;
    final Pending pending;
    /** Set by the watchdog when the stream has been silent too long. */
    private boolean heartbeatDue;
    /** What the thread writes last once CLOSING (the retry hint); set by {@link Ending}. */
    byte[] finalFrame;
    /** OPEN, CLOSING or DEAD; written by {@link Ending} only. */
    int state = OPEN;

    /** When the write in progress started (System.nanoTime), or 0 when not writing. */
    volatile long writeStarted;
    /** When the last write ended (System.nanoTime). */
    private volatile long lastWrite = System.nanoTime();

    Subscription(long id, Interest interest, Policy policy, Writer writer, Owner owner) {
        this.id = id;
        this.interest = interest;
        this.policy = policy;
        this.writer = writer;
        this.owner = owner;
        this.pending = new Pending(policy.queueEvents(), policy.queueBytes());
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Set<String> topics() {
        return interest.topics();
    }

    @Override
    public String lastEventId() {
        return interest.lastEventId();
    }

    @Override
    public HttpExchange exchange() {
        return writer.exchange();
    }

    @Override
    public boolean send(SseEvent event) {
        return offer(event.encode(), true);
    }

    Interest interest() {
        return interest;
    }

    /**
     * Queues a frame unless the subscriber is closing; drops the subscriber as slow when the frame
     * would exceed a bound (a single frame larger than the byte bound still passes an empty queue).
     *
     * @return {@code true} if the frame was queued
     */
    boolean offer(byte[] frame) {
        return offer(frame, false);
    }

    /** As {@link #offer(byte[])}; a frame {@code sent} to this subscriber alone survives {@link #discardLive}. */
    private boolean offer(byte[] frame, boolean sent) {
        boolean fits;
        Thread idle = null;
        lock.lock();
        try {
            if (state != OPEN) {
                return false;
            }
            fits = sent ? pending.addSent(frame) : pending.add(frame);
            if (fits) {
                idle = takeWaiter();
            }
        } finally {
            lock.unlock();
        }
        if (!fits) {
            Ending.drop(this, Departure.SLOW);
            return false;
        }
        LockSupport.unpark(idle); // null (the thread is busy writing): nothing to do
        return true;
    }

    /**
     * Sets aside what was queued so far (what the hook sent): called by the fan-out, under its
     * lock, as the subscriber joins its topics, so that live frames queue after it.
     */
    void markLive() {
        lock.lock();
        try {
            pending.markLive();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Throws away the live frames the fan-out queued since {@link #markLive}: they will come
     * again. What {@link #send} queued meanwhile stays, since it would not: its {@code true} was
     * a promise.
     */
    void discardLive() {
        lock.lock();
        try {
            pending.discardLive();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts the reset (if any), the hook's frames and the replay ahead of the live frames queued
     * since {@link #markLive}; called once, before {@link #run}. A stream shut down meanwhile
     * still writes them: the live frames it keeps must not reach the client without what comes
     * before them, or its next resume would skip the replay for good.
     */
    void release(byte[] reset, List<byte[]> replay) {
        Thread idle = null;
        lock.lock();
        try {
            if (state != DEAD && pending.putAhead(reset, replay)) {
                idle = takeWaiter();
            }
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(idle);
    }

    /** Ends the stream after what is queued and a last retry hint: the graceful shutdown. */
    void shutdown() {
        Ending.shutdown(this);
    }

    /**
     * Aborts a subscription whose {@link #run} will never be called (its request failed before
     * its stream was handed over, a refusal to a client already gone, say) and counts it done,
     * so that a close that listed it does not wait for it until the deadline.
     */
    void abandon() {
        abort();
        done.countDown();
    }

    /** Ends the stream at once, unblocking a write in progress (which closes the connection). */
    void abort() {
        Ending.abort(this);
    }

    /** How often per heartbeat interval the watchdog calls {@link #check}. */
    static final int CHECKS_PER_INTERVAL = 4;

    /**
     * The watchdog's periodic check: aborts a write that has made no progress for two heartbeat
     * intervals (the rule is {@link Progress}'s), or asks for a heartbeat when the stream has
     * been silent for one, less half a check. The subscriber's own thread then waits without a
     * timeout: a timed wait costs a timer per wake-up, per event. Called by the watchdog's one
     * thread only.
     *
     * @param now       the watchdog's clock, {@link System#nanoTime()}
     * @param heartbeat the heartbeat interval in nanoseconds
     */
    void check(long now, long heartbeat) {
        long started = writeStarted;
        if (started != 0) {
            // A long batch (a whole replay, one huge event, to a slow reader) is fine while it moves.
            if (writer.progress().stalled(now, started, heartbeat)) {
                Ending.stalled(this);
            }
            return;
        }
        // Due half a check early: a heartbeat lands just after the check that asked for it, so at
        // the check one interval later the stream is a hair short of a whole interval silent. With
        // the plain rule an idle stream got one every interval and a quarter (18.75 s at 15 s).
        if (now - lastWrite < heartbeat - heartbeat / (2 * CHECKS_PER_INTERVAL)) {
            return;
        }
        Thread idle = null;
        lock.lock();
        try {
            if (state == OPEN && pending.isEmpty()) {
                heartbeatDue = true;
                idle = takeWaiter();
            }
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(idle);
    }

    /**
     * Serves the stream on the calling thread until it is dropped, shut down, aborted or found
     * dead, then ends the response. Returns normally.
     */
    void run() {
        try {
            loop();
        } finally {
            owner.ended(this);
            writeStarted = stamp();
            try {
                writer.finish();
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
                    batch = pending.take();
                    if (batch != null) {
                        break;
                    }
                    if (state == CLOSING) {
                        batch = finalFrame == null ? List.of() : List.of(finalFrame);
                        last = true;
                        break;
                    }
                    if (heartbeatDue) {
                        heartbeatDue = false;
                        batch = List.of(policy.heartbeatFrame());
                        probe = true;
                        break;
                    }
                    waiter = Thread.currentThread();
                    lock.unlock();
                    LockSupport.park(this);
                    lock.lock();
                    waiter = null;
                    if (Thread.interrupted()) {
                        // Only abort() interrupts this thread; the stream is over.
                        return;
                    }
                }
            } finally {
                lock.unlock();
            }
            writeStarted = stamp();
            boolean written = writer.write(batch);
            writeStarted = 0;
            if (!written) {
                Ending.failed(this, probe);
                return;
            }
            if (!probe && !last) {
                owner.delivered(batch.size());
            }
            pending.recycle(batch);
            if (last) {
                return;
            }
            lastWrite = System.nanoTime();
        }
    }

    /** Takes the parked subscriber thread to unpark once the lock is released; null if none. Under the lock. */
    Thread takeWaiter() {
        Thread t = waiter;
        waiter = null;
        return t;
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
