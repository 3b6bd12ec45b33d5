package org.jdksse;

import java.time.Duration;

/**
 * The publishing side of a {@link Broadcaster}: appends updates to the log (through
 * {@link Flight}, for the recorder's event), refuses them once nothing would deliver them, and
 * keeps a {@code publishExcept} exclusion until the log's tail has handed the update back.
 * Any thread; it blocks only as long as the log's {@code append}.
 */
final class Publishing {
    /** How long {@code publishExcept} waits for its update to come back from a log's tail. */
    static final Duration EXCLUSION_KEPT = Duration.ofSeconds(30);

    private final EventLog log;
    private final FanOut fanOut;

    Publishing(EventLog log, FanOut fanOut) {
        this.log = log;
        this.fanOut = fanOut;
    }

    /** Appends the update and returns its id on the wire. */
    String publish(Update update) {
        refuseIfClosed();
        return Flight.append(log, update);
    }

    /** Appends the update, which every subscriber of its topics but one gets. */
    String publishExcept(Update update, long excludedSubscriberId) {
        refuseIfClosed();
        fanOut.exclude(update, excludedSubscriberId);
        try {
            return Flight.append(log, update);
        } finally {
            // Handed over already with the in-memory log. Another log's tail may still come, or
            // hand back another instance (Redis) that never matches: forget it later, not never.
            if (log instanceof MemoryLog) {
                fanOut.forget(update);
            } else {
                Watchdog.shared().after(EXCLUSION_KEPT, () -> fanOut.forget(update));
            }
        }
    }

    /**
     * Refuses an update that no subscriber anywhere would get: once closed, the broadcaster
     * delivers nothing, and an in-memory log goes with its process. (A shared log's other
     * readers, such as other hubs on one Redis stream, still deliver it.)
     */
    private void refuseIfClosed() {
        if (fanOut.isClosed() && log instanceof MemoryLog) {
            throw new IllegalStateException("the broadcaster is closed");
        }
    }
}
