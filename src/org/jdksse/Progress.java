package org.jdksse;

import java.io.IOException;
import java.io.OutputStream;

/**
 * How far the writes to one client have got, and the one rule that says a write has stalled,
 * for broadcaster subscribers ({@link ExchangeWriter}, looked at by {@link Subscription#check})
 * and per-request streams ({@link ExchangeStream}) alike.
 *
 * <p>The rule: a write in progress has stalled when its count has not moved for two heartbeat
 * intervals, however long the write as a whole has lasted. So a slow client that keeps reading
 * gets a long replay, or one very large event, while a client that stopped reading is aborted.
 * The count moves each time the response body takes a frame, or a {@link #SLICE} of a larger
 * one: the body takes bytes only once the socket has room for them, so a moving count is a
 * client reading. How finely that is seen is the kernel's to say: it wakes a writer blocked on a
 * full socket once about a third of its send buffer has drained, up to about 1 MB on loopback
 * with Linux's default 4 MiB {@code tcp_wmem}. A client must read about that much per two
 * intervals (some 35 KB/s at the default 15 s) to count as reading; slices only make sure that
 * one frame larger than that still counts as it goes.
 *
 * <p>One thread at a time calls {@link #write} (a subscriber's own thread, or a producer under
 * its stream's lock); only the watchdog's one thread calls {@link #stalled}.
 */
final class Progress {
    /** The largest piece of a frame handed to the body in one call, and counted once: 64 KiB. */
    static final int SLICE = 64 * 1024;
    /** How many heartbeat intervals a write may go without its count moving. */
    static final int STALL_INTERVALS = 2;

    /** Frames and slices the body has taken so far: the sign that a long write still moves. */
    private volatile long count;
    // The watchdog's own: the count at its last look, and when it last saw the count move.
    private long seen;
    private long seenMoving = System.nanoTime();

    /**
     * Hands one frame to the body and counts it: in one call when it is at most a {@link #SLICE}
     * (every frame but the rare very large one, so the per-event path stays one call and one
     * volatile increment), else slice by slice, counting each.
     *
     * @throws IOException as the body's write does
     */
    void write(OutputStream body, byte[] frame) throws IOException {
        if (frame.length <= SLICE) {
            body.write(frame);
            count++;
            return;
        }
        // A 5 MB event to a client reading 100 KB/s takes nearly a minute; counted only as a whole
        // it would look stalled all that time. Slices of 64 KiB (16 of the JDK's 4 KiB chunks)
        // put the same chunks on the wire as one write would.
        for (int at = 0; at < frame.length; at += SLICE) {
            body.write(frame, at, Math.min(SLICE, frame.length - at));
            count++;
        }
    }

    /** Returns how many frames and slices were handed to the body so far. */
    long count() {
        return count;
    }

    /**
     * Returns whether the write in progress since {@code started} has stalled: neither its start
     * nor the last move of the count that this method saw is within two heartbeat intervals of
     * {@code now}. The watchdog calls it on each look at a stream that is writing; the first look
     * after a move only notes it.
     *
     * @param now       the watchdog's clock, {@link System#nanoTime()}
     * @param started   when the write in progress started, on the same clock
     * @param heartbeat the heartbeat interval in nanoseconds
     */
    boolean stalled(long now, long started, long heartbeat) {
        long current = count;
        if (current != seen) {
            seen = current;
            seenMoving = now;
            return false;
        }
        long bound = STALL_INTERVALS * heartbeat;
        return now - started > bound && now - seenMoving > bound;
    }
}
