package org.jdksse;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The broadcaster's side of the log's tail: matches each entry to the live subscribers, encodes
 * it once and offers it to each of them, never waiting for one.
 *
 * <p>Its lock orders everything that must not interleave with an entry's fan-out: the cursor
 * (the last entry handed over) moves, and a subscriber joins its topics, under it. So a
 * subscriber that joined at cursor C receives live exactly the entries after C, and its replay
 * is read up to C: no gap, no duplicate, whatever the log or the thread that calls
 * {@link #accept}. The tail calls {@link #accept} and {@link #lost}; any thread calls the rest.
 */
final class FanOut implements EventLog.Sink {
    /** Where a subscriber joined: the position of the last entry handed over, and its id on the wire. */
    record Cursor(String position, String id) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private final ConcurrentHashMap<String, Set<Subscription>> byTopic = new ConcurrentHashMap<>();
    /** Subscribers with a matcher, asked about every entry. */
    private final Set<Subscription> matching = ConcurrentHashMap.newKeySet();
    /** Updates published with {@code publishExcept}, to the subscriber they skip; found by identity. */
    private final Map<Update, Long> exclusions = Collections.synchronizedMap(new IdentityHashMap<>());
    private final AtomicInteger live = new AtomicInteger();
    private final LongAdder published = new LongAdder();
    private Cursor cursor;
    private boolean closed;

    /** Sets the cursor the tail started at, unless an entry came first. */
    void start(String position) {
        lock.lock();
        try {
            if (cursor == null) {
                cursor = new Cursor(position, position);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void accept(Entry entry) {
        Flight.FanOut event = new Flight.FanOut();
        event.begin();
        Update update = entry.update();
        Long skip = exclusions.isEmpty() ? null : exclusions.remove(update);
        long excluded = skip == null ? 0 : skip;
        byte[] frame = entry.frame();
        int offered;
        lock.lock();
        try {
            cursor = new Cursor(entry.position(), entry.id());
            published.increment();
            moved.signalAll();
            offered = closed ? 0 : offer(update, frame, excluded);
        } finally {
            lock.unlock();
        }
        if (event.shouldCommit()) {
            event.id = entry.id();
            event.topics = Flight.topics(update.topics());
            event.subscribers = offered;
            event.frameBytes = frame.length;
            event.commit();
        }
    }

    /** Offers the frame to every subscriber the update matches, once each; returns how many. Under the lock. */
    private int offer(Update update, byte[] frame, long excluded) {
        int offered = 0;
        if (update.topics().size() == 1 && matching.isEmpty() && !update.isPrivate()) {
            // The common case: one topic, no patterns; every subscriber of the topic wants it.
            Set<Subscription> subs = byTopic.get(update.topics().get(0));
            if (subs != null) {
                for (Subscription sub : subs) {
                    if (sub.id() != excluded) {
                        sub.offer(frame);
                        offered++;
                    }
                }
            }
            return offered;
        }
        // Several topics or patterns: a subscriber that matches twice still gets it once.
        Set<Subscription> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (String topic : update.topics()) {
            Set<Subscription> subs = byTopic.get(topic);
            if (subs != null) {
                for (Subscription sub : subs) {
                    offered += offer(sub, update, frame, excluded, seen);
                }
            }
        }
        for (Subscription sub : matching) {
            offered += offer(sub, update, frame, excluded, seen);
        }
        return offered;
    }

    private static int offer(Subscription sub, Update update, byte[] frame, long excluded, Set<Subscription> seen) {
        if (sub.id() != excluded && sub.interest().wants(update) && seen.add(sub)) {
            sub.offer(frame);
            return 1;
        }
        return 0;
    }

    /** Tells every live subscriber that entries were lost ({@code reset expired}); they follow live from here. */
    @Override
    public void lost(String position) {
        lock.lock();
        try {
            cursor = new Cursor(position, position);
            byte[] reset = resetFrame(position, EventLog.Gap.EXPIRED);
            Set<Subscription> all = Collections.newSetFromMap(new IdentityHashMap<>());
            byTopic.values().forEach(all::addAll);
            all.addAll(matching);
            all.forEach(sub -> sub.offer(reset));
            moved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Returns the frame of a {@code reset} event: the client reloads and then follows live events. */
    static byte[] resetFrame(String id, EventLog.Gap gap) {
        return new SseEvent(id, "reset", gap.label(), null, null).encode();
    }

    /** Skips the subscriber in the fan-out of this update, when it comes back from the log. */
    void exclude(Update update, long subscriberId) {
        exclusions.put(update, subscriberId);
    }

    /** Forgets an exclusion whose update never reached the log. */
    void forget(Update update) {
        exclusions.remove(update);
    }

    /**
     * Adds the subscriber to its topics and returns the cursor it joined at, or {@code null}
     * once the fan-out is closed.
     */
    Cursor join(Subscription sub) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            sub.markLive();
            Interest interest = sub.interest();
            for (String topic : interest.topics()) {
                byTopic.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(sub);
            }
            if (interest.matcher() != null) {
                matching.add(sub);
            }
            live.incrementAndGet();
            return cursor;
        } finally {
            lock.unlock();
        }
    }

    /** Removes the subscriber from its topics; idempotent. */
    void leave(Subscription sub) {
        lock.lock();
        try {
            boolean wasLive = false;
            for (String topic : sub.interest().topics()) {
                Set<Subscription> subs = byTopic.get(topic);
                if (subs != null && subs.remove(sub)) {
                    wasLive = true;
                    if (subs.isEmpty()) {
                        byTopic.remove(topic);
                    }
                }
            }
            wasLive |= matching.remove(sub);
            if (wasLive) {
                live.decrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the cursor has reached this position (a client that resumes from an entry this
     * process has not handed over yet, as on a hub whose tail lags another's).
     *
     * @return {@code true} if it did within the time
     */
    boolean awaitPast(String position, EventLog log, long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (log.compare(cursor.position(), position) < 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = moved.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops fanning out: later entries reach no one, later joins fail. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the cursor now. */
    Cursor cursor() {
        lock.lock();
        try {
            return cursor;
        } finally {
            lock.unlock();
        }
    }

    int live() {
        return live.get();
    }

    long published() {
        return published.sum();
    }

    /**
     * Returns the live subscribers per topic, topics without any left out. Subscribers with
     * private access are not counted: the topics a token lets someone follow (a user's inbox)
     * are not for whoever reads the statistics.
     */
    Map<String, Integer> perTopic() {
        Map<String, Integer> counts = new TreeMap<>();
        byTopic.forEach((topic, subs) -> {
            int n = 0;
            for (Subscription sub : subs) {
                if (sub.interest().privateAccess() == null) {
                    n++;
                }
            }
            if (n > 0) {
                counts.put(topic, n);
            }
        });
        return counts;
    }
}
