package org.jdksse;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of the process, for every timed check: heartbeats and stalled writes of
 * {@link SseStream}s and broadcaster subscriptions, and streams that must end at a deadline.
 *
 * <p>As in {@code java.net.http}'s client, one thread owns time, so that an idle stream costs
 * no thread and no timer of its own. Tasks run on that thread and must never block: a task that
 * must write hands the write to the stream's own thread or to a new virtual thread. A task that
 * throws is logged and, if periodic, keeps its schedule.
 */
final class Watchdog {
    private static final Watchdog SHARED = new Watchdog();

    private final ScheduledThreadPoolExecutor timer;

    private Watchdog() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "jdk-sse-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Returns the process's watchdog. */
    static Watchdog shared() {
        return SHARED;
    }

    /**
     * Runs the task every period, first after one period, until the returned handle is cancelled.
     *
     * @throws IllegalArgumentException if the period is not positive
     */
    ScheduledFuture<?> every(Duration period, Runnable task) {
        long nanos = period.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        return timer.scheduleAtFixedRate(guarded(task), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Runs the task once after the delay (at once if it is not positive), unless cancelled before.
     * A delay beyond what a long holds in nanoseconds (about 292 years, a token that expires in
     * 9999, say) saturates instead of throwing.
     */
    ScheduledFuture<?> after(Duration delay, Runnable task) {
        return timer.schedule(guarded(task), Math.max(0, TimeUnit.NANOSECONDS.convert(delay)), TimeUnit.NANOSECONDS);
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                ExchangeStream.LOG.log(Level.WARNING, "watchdog task failed", e);
            }
        };
    }
}
