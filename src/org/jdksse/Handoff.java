package org.jdksse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The atomic "replay, then live" hand-off, written once against {@link EventLog}, so that every
 * log gets it: join the topics at the fan-out's cursor C (live entries after C queue up, nothing
 * is written), read the log's entries after the client's id up to C, then release the replay
 * ahead of what queued. Every entry is in the replay or arrives live, never both, never neither.
 *
 * <p>Called by a subscriber's own thread; blocks while the log is read, or while this process's
 * tail catches up with an entry the client saw elsewhere (at most {@link #AHEAD_WAIT_NANOS}).
 */
final class Handoff {
    /** How long a subscriber resuming from an entry this process has not yet handed over waits for it. */
    static final long AHEAD_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final EventLog log;
    private final FanOut fanOut;

    Handoff(EventLog log, FanOut fanOut) {
        this.log = log;
        this.fanOut = fanOut;
    }

    /**
     * Joins the subscriber to its topics at the fan-out's cursor and hands it its reset or
     * replay, read up to that cursor while live entries queue behind it.
     *
     * @return the id of the event before the first one the subscriber gets, for its
     *         {@code Last-Event-ID} response header (Mercure's rule): the id it resumes after, or
     *         {@code earliest} for an unknown id or a request for everything, else the cursor's
     *         position (which resumes as its entry's id does); {@code null} if the broadcaster
     *         is closing
     * @throws java.io.UncheckedIOException if the log cannot be read now; the subscriber has
     *         then left its topics
     */
    String goLive(Subscription sub) {
        Interest interest = sub.interest();
        boolean resume = interest.earliest() || !interest.lastEventId().isEmpty();
        String after = interest.earliest() ? null : interest.lastEventId();
        while (true) {
            FanOut.Cursor at = fanOut.join(sub);
            if (at == null) {
                return null;
            }
            EventLog.Replay replay;
            try {
                replay = resume ? log.readAfter(after, at.position(), interest::wants) : EventLog.Replay.of(List.of());
            } catch (RuntimeException e) {
                fanOut.leave(sub);
                throw e;
            }
            if (replay.ahead() != null) {
                // The client saw an entry this process has not handed over yet: wait for the tail.
                fanOut.leave(sub);
                sub.discardLive();
                if (awaitPast(replay.ahead())) {
                    continue;
                }
                at = fanOut.join(sub);
                if (at == null) {
                    return null;
                }
                replay = EventLog.Replay.gap(EventLog.Gap.UNKNOWN);
            }
            // The cursor goes out as a position, never as the id its entry's publisher chose: that
            // entry may be private, and its id (often the resource's IRI) would tell of it.
            byte[] reset = replay.gap() == null ? null : FanOut.resetFrame(at.position(), replay.gap());
            List<byte[]> frames = new ArrayList<>(replay.entries().size());
            replay.entries().forEach(entry -> frames.add(entry.frame()));
            sub.release(reset, frames);
            if (interest.earliest() || replay.gap() == EventLog.Gap.UNKNOWN) {
                return "earliest";
            }
            return resume && replay.gap() == null ? after : at.position();
        }
    }

    private boolean awaitPast(String position) {
        try {
            return fanOut.awaitPast(position, log, AHEAD_WAIT_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
