package org.jdksse.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits, with a deadline, for a condition that has no latch to wait on: another process's
 * counters, a server's statistics. It looks, sleeps a little (1 ms at first, doubling up to
 * 50 ms), and looks again; past the deadline it fails with what it saw last. Prefer a latch
 * wherever the code under test can count one down.
 */
public final class Await {
    /** The deadline the short form uses. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Await() {
    }

    /**
     * Takes one look; it may go over the network, and so throw.
     *
     * @param <T> the value's type
     */
    @FunctionalInterface
    public interface Look<T> {
        /**
         * Takes a look.
         *
         * @return the value seen
         * @throws Exception if looking fails: the wait fails with it at once
         */
        T get() throws Exception;
    }

    /**
     * Waits until the condition holds, at most {@link #TIMEOUT}.
     *
     * @param what      what is awaited, for the failure message
     * @param condition the condition, asked again after each pause
     * @throws AssertionError if it does not hold in time
     * @throws Exception      if a look fails, or the wait is interrupted
     */
    public static void until(String what, Look<Boolean> condition) throws Exception {
        value(what, TIMEOUT, condition, Boolean::booleanValue);
    }

    /**
     * Looks at a value until it satisfies the condition, and returns it.
     *
     * @param <T>       the value's type
     * @param what      what is awaited, for the failure message
     * @param timeout   the deadline
     * @param look      takes a fresh look at the value
     * @param condition what the value must satisfy
     * @return the first value that satisfies the condition
     * @throws AssertionError if none does in time; the message shows the last one
     * @throws Exception      if a look fails, or the wait is interrupted
     */
    public static <T> T value(String what, Duration timeout, Look<T> look, Predicate<? super T> condition)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 1;
        for (;;) {
            T value = look.get();
            if (condition.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what + "; last seen: " + value);
            }
            Thread.sleep(pauseMillis);
            pauseMillis = Math.min(50, pauseMillis * 2);
        }
    }
}
