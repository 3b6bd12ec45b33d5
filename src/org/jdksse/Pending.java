package org.jdksse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The frames one {@link Subscription} has yet to write, in the order they go out: first the
 * backlog (a reset, what the hook sent before the subscriber went live, the replay), then the live
 * queue, bounded in events and bytes.
 *
 * <p>Not thread-safe: the subscription calls every method under its lock, except
 * {@link #recycle}, which only the subscriber's own thread calls, as it is the only caller of
 * {@link #take}.
 */
final class Pending {
    private final int maxEvents;
    private final long maxBytes;
    /** Created by the first frame: an idle subscriber holds none. */
    private ArrayDeque<byte[]> queue;
    private long queuedBytes;
    /** The queue last written, kept by the subscriber's own thread for reuse: no copy per batch. */
    private ArrayDeque<byte[]> spare;
    /** What the hook sent before the subscriber went live. */
    private List<byte[]> head = List.of();
    /** Frames to write before the queue: a reset, the hook's frames, the replay. */
    private List<byte[]> backlog;
    /** From {@link #markLive} to {@link #putAhead}: the hand-off may still discard the live queue. */
    private boolean joining;
    /** What {@link #addSent} queued while joining: the discard keeps it, as it will not come again. */
    private List<byte[]> sent;

    Pending(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues a live frame unless it would pass a bound; a single frame larger than the byte bound
     * still passes an empty queue.
     *
     * @return {@code false} if the frame did not fit
     */
    boolean add(byte[] frame) {
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        if (!queue.isEmpty() && (queue.size() >= maxEvents || queuedBytes + frame.length > maxBytes)) {
            return false;
        }
        queue.add(frame);
        queuedBytes += frame.length;
        return true;
    }

    /**
     * Queues a frame sent to this subscriber alone, as {@link #add} does; kept if the hand-off
     * then discards the live queue.
     *
     * @return {@code false} if the frame did not fit
     */
    boolean addSent(byte[] frame) {
        if (!add(frame)) {
            return false;
        }
        if (joining) {
            if (sent == null) {
                sent = new ArrayList<>(2);
            }
            sent.add(frame);
        }
        return true;
    }

    /**
     * Sets aside what was queued so far (what the hook sent, and what was sent while a hand-off
     * that starts over waited), after what an earlier call set aside, so that live frames queue
     * after it.
     */
    void markLive() {
        joining = true;
        if (queue != null && !queue.isEmpty()) {
            List<byte[]> first = new ArrayList<>(head.size() + queue.size());
            first.addAll(head);
            first.addAll(queue);
            head = first;
            clearQueue();
        }
    }

    /** Throws away the live frames queued since {@link #markLive}, keeping what was sent meanwhile. */
    void discardLive() {
        if (queue != null) {
            clearQueue();
            if (sent != null) {
                sent.forEach(this::add);
                sent = null;
            }
        }
    }

    /**
     * Puts the reset (if any), the hook's frames and the replay ahead of the live queue.
     *
     * @return {@code true} if that backlog is not empty
     */
    boolean putAhead(byte[] reset, List<byte[]> replay) {
        List<byte[]> first = new ArrayList<>(head.size() + replay.size() + 1);
        if (reset != null) {
            first.add(reset);
        }
        first.addAll(head);
        first.addAll(replay);
        head = List.of();
        joining = false;
        sent = null;
        if (first.isEmpty()) {
            return false;
        }
        backlog = first;
        return true;
    }

    /** Discards everything not yet written. */
    void clear() {
        queue = null;
        queuedBytes = 0;
        backlog = null;
        sent = null;
    }

    /** Returns {@code true} when nothing waits to be written. */
    boolean isEmpty() {
        return backlog == null && (queue == null || queue.isEmpty());
    }

    /** Takes the next batch to write: the backlog, else the whole queue; null when empty. */
    Collection<byte[]> take() {
        if (backlog != null) {
            List<byte[]> batch = backlog;
            backlog = null;
            return batch;
        }
        if (queue == null || queue.isEmpty()) {
            return null;
        }
        ArrayDeque<byte[]> batch = queue;
        queue = spare != null ? spare : new ArrayDeque<>(4);
        spare = null;
        queuedBytes = 0;
        return batch;
    }

    /** Keeps a written queue for the next {@link #take}; called by the subscriber's thread. */
    void recycle(Collection<byte[]> written) {
        if (written instanceof ArrayDeque<byte[]> drained) {
            drained.clear();
            spare = drained;
        }
    }

    private void clearQueue() {
        queue.clear();
        queuedBytes = 0;
    }
}
