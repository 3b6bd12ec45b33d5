package org.jdksse.redis;

import java.util.concurrent.atomic.AtomicLong;
import org.jdksse.EventLog;

/**
 * What the log knows of Redis now: reachable or why not, the reader's lag, how often it
 * reconnected. Written by the reader and by callers of commands, read by {@code status()};
 * lock-free, each field on its own (a status may mix two moments, which is fine for a gauge).
 */
final class Health {
    private volatile String reason;
    private volatile long lag;
    private final AtomicLong reconnects = new AtomicLong();

    Health(String initialReason) {
        this.reason = initialReason;
    }

    void up() {
        if (reason != null) {
            reason = null;
        }
    }

    void down(String why) {
        reason = why;
    }

    void lag(long entries) {
        lag = Math.max(0, entries);
    }

    void reconnected() {
        reconnects.incrementAndGet();
    }

    EventLog.Status status() {
        String why = reason;
        return new EventLog.Status(why == null, why, lag, reconnects.get());
    }
}
