package org.jdksse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The in-memory {@link EventLog}: a ring of recent entries bounded by count and encoded bytes,
 * whose positions are increasing decimal numbers. Its tail is the appending thread itself: each
 * entry goes to the sink under the log's lock, so the sink sees log order and a publisher's
 * {@code append} returns once its entry is fanned out.
 *
 * <p>A ring of parallel arrays rather than a deque of records: positions increase, so the first
 * entry after a resume id is found by binary search, and the arrays grow only as entries arrive.
 */
final class MemoryLog implements EventLog {
    private final int maxEvents;
    private final long maxBytes;
    private final long firstPosition;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private long[] positions = new long[0];
    private Entry[] entries = new Entry[0];
    private int first;
    private int size;
    private long bytes;
    private long last;
    /** The highest position evicted so far, or the one before the first: a resume from below it would miss entries. */
    private long prunedThrough;
    /** Publishers' own ids of the entries held, to their positions. */
    private final Map<String, Long> ownIds = new HashMap<>();
    private Sink sink;

    private MemoryLog(int maxEvents, long maxBytes, long firstPosition) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.firstPosition = firstPosition;
        this.last = firstPosition - 1;
        this.prunedThrough = last;
    }

    /**
     * Creates a log whose first position is {@code firstPosition}, or the clock in microseconds
     * since the epoch when it is 0 or less.
     */
    static MemoryLog create(int maxEvents, long maxBytes, long firstPosition) {
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents must not be negative: " + maxEvents);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        long first = firstPosition > 0 ? firstPosition : ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        return new MemoryLog(maxEvents, maxBytes, first);
    }

    @Override
    public String append(Update update) {
        lock.lock();
        try {
            String own = update.ownId();
            if (own != null && ownIds.containsKey(own)) {
                throw new DuplicateIdException(own);
            }
            if (own != null && isPosition(own)) {
                throw new IllegalArgumentException("id must not be a number this log gives its own entries ("
                        + firstPosition + " and up): a resume from " + own + " could not tell the two apart");
            }
            long position = ++last;
            Entry entry = Entry.of(Long.toString(position), update);
            add(position, entry);
            if (sink != null) {
                sink.accept(entry);
            }
            return entry.id();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Replay readAfter(String after, String upTo, Predicate<Update> wanted) {
        long limit = parse(upTo);
        lock.lock();
        try {
            long from;
            if (after == null) {
                from = prunedThrough;
            } else {
                Long own = ownIds.get(after);
                if (own != null) {
                    // A resume from a private entry's own id must not tell a reader that may not
                    // see the entry that it exists: to that reader the id is unknown.
                    Update update = entries[index(firstAfter(own - 1))].update();
                    if (update.isPrivate() && !wanted.test(update)) {
                        return Replay.gap(Gap.UNKNOWN);
                    }
                }
                from = own != null ? own : parse(after);
                if (from < 0 || from > last) {
                    return Replay.gap(Gap.UNKNOWN);
                }
                if (from < prunedThrough) {
                    return Replay.gap(Gap.EXPIRED);
                }
                if (from > limit) {
                    return Replay.ahead(Long.toString(from));
                }
            }
            List<Entry> out = new ArrayList<>();
            for (int i = firstAfter(from); i < size && positions[index(i)] <= limit; i++) {
                Entry entry = entries[index(i)];
                if (wanted.test(entry.update())) {
                    out.add(entry);
                }
            }
            return Replay.of(out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String tail(Sink sink) {
        lock.lock();
        try {
            if (this.sink != null) {
                throw new IllegalStateException("the log already has a tail");
            }
            this.sink = sink;
            return Long.toString(last);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int compare(String a, String b) {
        return Long.compare(parse(a), parse(b));
    }

    @Override
    public Status status() {
        return Status.UP;
    }

    /** Detaches the tail; appends still succeed (a publisher racing a shutdown gets its id) and reach no one. */
    @Override
    public void close() {
        lock.lock();
        try {
            sink = null;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the number of entries held; for tests. */
    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the encoded bytes held; for tests. */
    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Says whether an id is spelled as this log spells a position it has issued or will issue. */
    private boolean isPosition(String id) {
        long n = parse(id);
        return n >= firstPosition && id.equals(Long.toString(n));
    }

    /** Returns a position as issued (decimal digits only), or -1 for anything this log never wrote. */
    static long parse(String id) {
        if (id.isEmpty() || id.length() > 18) {
            return -1;
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(id);
    }

    /** Appends an entry whose position is higher than any before, then evicts the oldest past either bound. */
    private void add(long position, Entry entry) {
        if (size == positions.length) {
            grow();
        }
        int at = index(size);
        positions[at] = position;
        entries[at] = entry;
        size++;
        bytes += entry.frame().length;
        if (entry.update().ownId() != null) {
            ownIds.put(entry.update().ownId(), position);
        }
        while (size > 0 && (size > maxEvents || bytes > maxBytes)) {
            Entry gone = entries[first];
            prunedThrough = positions[first];
            bytes -= gone.frame().length;
            if (gone.update().ownId() != null) {
                ownIds.remove(gone.update().ownId());
            }
            entries[first] = null;
            first = (first + 1) % positions.length;
            size--;
        }
    }

    /** Returns the ring offset of the first entry with a position above {@code after}. */
    private int firstAfter(long after) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (positions[index(mid)] <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int index(int i) {
        return (first + i) % positions.length;
    }

    /** Doubles the ring up to one slot past the bound (an entry is added before the oldest leaves). */
    private void grow() {
        int capacity = (int) Math.min((long) maxEvents + 1, Math.max(16L, 2L * positions.length));
        long[] newPositions = new long[capacity];
        Entry[] newEntries = new Entry[capacity];
        for (int i = 0; i < size; i++) {
            newPositions[i] = positions[index(i)];
            newEntries[i] = entries[index(i)];
        }
        positions = newPositions;
        entries = newEntries;
        first = 0;
    }
}
