package org.jdksse;

import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a broadcaster's subscriptions report: counts deliveries and departures, logs a
 * departure, and takes a departed subscriber out of its topics at once. Lock-free: any thread.
 */
final class Counters implements Subscription.Owner {
    private final FanOut fanOut;
    private final LongAdder delivered = new LongAdder();
    private final EnumMap<Departure, LongAdder> departures = new EnumMap<>(Departure.class);

    Counters(FanOut fanOut) {
        this.fanOut = fanOut;
        for (Departure reason : Departure.values()) {
            departures.put(reason, new LongAdder());
        }
    }

    @Override
    public void departed(Subscription sub, Departure reason) {
        departures.get(reason).increment();
        Flight.dropped(sub, reason);
        fanOut.leave(sub);
        Broadcaster.LOG.log(reason == Departure.SLOW || reason == Departure.STALLED ? Level.INFO : Level.DEBUG,
                "subscriber {0} removed: {1}", sub.id(), reason.label);
    }

    @Override
    public void delivered(int events) {
        delivered.add(events);
    }

    @Override
    public void ended(Subscription sub) {
        fanOut.leave(sub);
    }

    /** Counts a stream aborted at the shutdown deadline. */
    void stalledAtShutdown() {
        departures.get(Departure.STALLED).increment();
    }

    /** Returns the counters now, with the log's health. */
    Broadcaster.Stats stats(EventLog.Status log) {
        Map<String, Long> dropped = new TreeMap<>();
        for (Departure reason : List.of(Departure.SLOW, Departure.STALLED, Departure.FAILED)) {
            dropped.put(reason.label, departures.get(reason).sum());
        }
        return new Broadcaster.Stats(fanOut.live(), fanOut.perTopic(), fanOut.published(), delivered.sum(), dropped,
                departures.get(Departure.PRUNED).sum(), log);
    }
}
