package org.jdksse;

import java.util.List;
import java.util.Set;

/**
 * The recent events of a {@link Broadcaster}, bounded by count and by encoded bytes, for resume.
 *
 * <p>A ring of parallel arrays rather than a deque of records: ids increase, so the first event
 * after a resume id is found by binary search, and the arrays grow only as events arrive.
 * Not thread-safe: the broadcaster calls it under its publish lock.
 */
final class History {
    private final int maxEvents;
    private final long maxBytes;
    private long[] ids = new long[0];
    private String[] topics = new String[0];
    private byte[][] frames = new byte[0][];
    private int first;
    private int size;
    private long bytes;
    /** The highest id evicted so far: a resume from below it would miss events. */
    private long prunedThrough;

    History(int maxEvents, long maxBytes) {
        this(maxEvents, maxBytes, 0);
    }

    /** Creates a history whose first id will be above {@code before}: a resume from below it gets no replay. */
    History(int maxEvents, long maxBytes, long before) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.prunedThrough = before;
    }

    /** Appends an event whose id is higher than any before, then evicts the oldest past either bound. */
    void add(long id, String topic, byte[] frame) {
        if (size == ids.length) {
            grow();
        }
        int at = index(size);
        ids[at] = id;
        topics[at] = topic;
        frames[at] = frame;
        size++;
        bytes += frame.length;
        while (size > 0 && (size > maxEvents || bytes > maxBytes)) {
            prunedThrough = ids[first];
            bytes -= frames[first].length;
            topics[first] = null;
            frames[first] = null;
            first = (first + 1) % ids.length;
            size--;
        }
    }

    /** Returns the highest id evicted, or the id before the first one if none was. */
    long prunedThrough() {
        return prunedThrough;
    }

    /** Returns the number of events held. */
    int size() {
        return size;
    }

    /** Returns the number of encoded bytes held. */
    long bytes() {
        return bytes;
    }

    /** Appends to {@code out} the frames of these topics with ids above {@code after}, oldest first. */
    void after(long after, Set<String> wanted, List<byte[]> out) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ids[index(mid)] <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < size; i++) {
            int at = index(i);
            if (wanted.contains(topics[at])) {
                out.add(frames[at]);
            }
        }
    }

    private int index(int i) {
        return (first + i) % ids.length;
    }

    /** Doubles the ring up to one slot past the bound (an event is added before the oldest leaves). */
    private void grow() {
        int capacity = (int) Math.min((long) maxEvents + 1, Math.max(16L, 2L * ids.length));
        long[] newIds = new long[capacity];
        String[] newTopics = new String[capacity];
        byte[][] newFrames = new byte[capacity][];
        for (int i = 0; i < size; i++) {
            int at = index(i);
            newIds[i] = ids[at];
            newTopics[i] = topics[at];
            newFrames[i] = frames[at];
        }
        ids = newIds;
        topics = newTopics;
        frames = newFrames;
        first = 0;
    }
}
