package org.jdksse;

import static org.jdksse.Subscription.CLOSING;
import static org.jdksse.Subscription.DEAD;
import static org.jdksse.Subscription.OPEN;

import java.util.concurrent.locks.LockSupport;

/**
 * How a {@link Subscription} ends: every transition of its state (OPEN → CLOSING → DEAD, as its
 * class docs list them), each made under the subscription's lock, and who hears of it. The
 * subscriber's thread is woken to write what is left or to stop; the owner is told of a
 * departure at most once, by the one transition that leaves OPEN; the writer is aborted when a
 * write must not go on.
 *
 * <p>The subscription's queue and its thread only read the state; these are its only writes, so
 * that the rules for leaving OPEN are in one place, apart from the per-event path. Any thread
 * may call any method (the subscriber's own thread calls {@link #failed}); none blocks, and the
 * lock is never held during I/O or while the owner is told.
 */
final class Ending {
    private Ending() {
    }

    /**
     * Drops the subscriber for this reason: discards its queue and ends its stream with a last
     * retry hint; aborts the stream instead if a write is in progress, since a write that is
     * still going while the queue overflowed is one the client is not reading.
     */
    static void drop(Subscription sub, Departure reason) {
        boolean writing;
        Thread idle;
        sub.lock.lock();
        try {
            if (sub.state != OPEN) {
                return;
            }
            writing = sub.writeStarted != 0;
            sub.state = writing ? DEAD : CLOSING;
            sub.pending.clear();
            sub.finalFrame = sub.policy.hintFrame();
            idle = sub.takeWaiter();
        } finally {
            sub.lock.unlock();
        }
        LockSupport.unpark(idle);
        sub.owner.departed(sub, reason);
        if (writing) {
            sub.writer.abort();
        }
    }

    /** Ends the stream after what is queued and a last retry hint: the graceful shutdown. */
    static void shutdown(Subscription sub) {
        Thread idle = null;
        sub.lock.lock();
        try {
            if (sub.state == OPEN) {
                sub.state = CLOSING;
                sub.finalFrame = sub.policy.hintFrame();
                idle = sub.takeWaiter();
            }
        } finally {
            sub.lock.unlock();
        }
        LockSupport.unpark(idle);
    }

    /** Ends the stream at once, unblocking a write in progress (which closes the connection). */
    static void abort(Subscription sub) {
        Thread idle;
        sub.lock.lock();
        try {
            sub.state = DEAD;
            idle = sub.takeWaiter();
        } finally {
            sub.lock.unlock();
        }
        LockSupport.unpark(idle);
        sub.writer.abort();
    }

    /** Counts the subscriber as stalled (if it was still open) and aborts its stream. */
    static void stalled(Subscription sub) {
        boolean wasOpen;
        sub.lock.lock();
        try {
            wasOpen = sub.state == OPEN;
        } finally {
            sub.lock.unlock();
        }
        if (wasOpen) {
            sub.owner.departed(sub, Departure.STALLED);
        }
        abort(sub);
    }

    /**
     * Ends the stream after a write failed: the client is gone. A failed heartbeat ({@code probe})
     * counts as a dead client found while nothing was published, a failed event write as a
     * failure. Called by the subscriber's own thread, which then stops.
     */
    static void failed(Subscription sub, boolean probe) {
        boolean wasOpen;
        sub.lock.lock();
        try {
            wasOpen = sub.state == OPEN;
            sub.state = DEAD;
        } finally {
            sub.lock.unlock();
        }
        if (wasOpen) {
            sub.owner.departed(sub, probe ? Departure.PRUNED : Departure.FAILED);
        }
    }
}
