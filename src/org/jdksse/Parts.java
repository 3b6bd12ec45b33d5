package org.jdksse;

import java.time.Duration;

/**
 * The parts a {@link Broadcaster} fronts, built from its builder's {@link Settings} in the order
 * they depend on each other (the fan-out exists, and the log's tail feeds it, before any
 * subscriber can join) and closed the other way round: the streams first, then the log.
 *
 * <p>Immutable once built; the parts themselves say which thread may call what.
 */
final class Parts {
    final EventLog log;
    final FanOut fanOut;
    final Admission admission;
    final Counters counters;
    final Streams streams;
    final Publishing publishing;

    /** Builds and wires the parts, and starts the log's tail. */
    Parts(Settings s) {
        SseOptions options = s.options;
        this.log = s.log != null ? s.log : EventLog.inMemory(1000, 4L << 20);
        this.admission = new Admission(s.maxSubscribers, new Cors(options.corsOrigins()));
        byte[] hint = SseEvent.retry(options.retry() != null ? options.retry() : Broadcaster.DEFAULT_RECONNECT).encode();
        Subscription.Policy policy = new Subscription.Policy(s.queueEvents, s.queueBytes, options.heartbeatFrame(), hint);
        this.fanOut = new FanOut();
        this.counters = new Counters(fanOut);
        fanOut.start(log.tail(fanOut));
        this.streams = new Streams(options, policy, s.onSubscribe, admission, new Handoff(log, fanOut), fanOut, counters);
        this.publishing = new Publishing(log, fanOut);
    }

    /**
     * Ends every stream within the grace period (see {@link Streams#close}), then closes the log:
     * the order {@link Broadcaster#close(Duration)} documents. Later calls do nothing.
     */
    void close(Duration grace) {
        if (streams.close(grace)) {
            log.close();
        }
    }
}
