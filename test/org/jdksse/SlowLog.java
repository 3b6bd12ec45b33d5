package org.jdksse;

import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A second {@link EventLog}, written for tests and deliberately slow: appends happen on a thread
 * of their own after a random pause, its tail hands entries over in random batches after random
 * pauses (so the fan-out's cursor lags the log's end), and reads pause too. A hand-off that read
 * past the caller's cursor, or relied on the in-memory log's inline tail, would show a duplicate
 * or a gap against it.
 */
final class SlowLog implements EventLog {
    private final int keep;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final ExecutorService appender = Executors.newSingleThreadExecutor();
    // Guarded by lock.
    private final ArrayDeque<Entry> kept = new ArrayDeque<>();
    private final ArrayDeque<Entry> untailed = new ArrayDeque<>();
    private long last;
    private long trimmedThrough;
    private boolean closed;
    private Thread tail;

    SlowLog(int keep) {
        this.keep = keep;
    }

    private static void pause(long maxMicros) {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMicros * 1000 + 1));
    }

    @Override
    public String append(Update update) {
        try {
            return appender.submit(() -> {
                pause(200);
                lock.lock();
                try {
                    Entry entry = Entry.of(Long.toString(++last), update);
                    kept.addLast(entry);
                    untailed.addLast(entry);
                    while (kept.size() > keep) {
                        trimmedThrough = Long.parseLong(kept.removeFirst().position());
                    }
                    appended.signalAll();
                    return entry.id();
                } finally {
                    lock.unlock();
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted"));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Replay readAfter(String after, String upTo, Predicate<Update> wanted) {
        pause(2000);
        long limit = Long.parseLong(upTo);
        lock.lock();
        try {
            long from = after == null ? trimmedThrough : MemoryLog.parse(after);
            if (from < 0 || from > last) {
                return Replay.gap(Gap.UNKNOWN);
            }
            if (from < trimmedThrough) {
                return Replay.gap(Gap.EXPIRED);
            }
            if (from > limit) {
                return Replay.ahead(Long.toString(from));
            }
            List<Entry> out = new ArrayList<>();
            for (Entry entry : kept) {
                long p = Long.parseLong(entry.position());
                if (p > from && p <= limit && wanted.test(entry.update())) {
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
            untailed.clear();
            tail = Thread.ofPlatform().daemon().name("slow-log-tail").start(() -> {
                while (true) {
                    List<Entry> batch = new ArrayList<>();
                    lock.lock();
                    try {
                        while (untailed.isEmpty() && !closed) {
                            appended.awaitUninterruptibly();
                        }
                        if (closed) {
                            return;
                        }
                        int n = 1 + ThreadLocalRandom.current().nextInt(untailed.size());
                        for (int i = 0; i < n; i++) {
                            batch.add(untailed.removeFirst());
                        }
                    } finally {
                        lock.unlock();
                    }
                    pause(1000);
                    batch.forEach(sink::accept);
                }
            });
            return Long.toString(last);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int compare(String a, String b) {
        return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }

    @Override
    public Status status() {
        return Status.UP;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        appender.shutdown();
    }
}
