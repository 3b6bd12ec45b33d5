package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;

/**
 * The resume run that {@link BroadcasterTest} and {@link HandoffTest} both make: a publisher that
 * publishes to topic {@code t} nearly all the time (events of {@code u} interleave, so the ids of
 * {@code t} have gaps the replay must skip), and a chain of clients each resuming after the last id
 * its predecessor saw, so that every hand-off from replay to live happens while the publisher runs.
 * Each test keeps its own bounds and its own checks of the broadcaster's counters.
 */
final class ChainedResume {
    /** How many clients resume after the first. */
    static final int RESUMES = 6;

    /** Opens a stream of topic {@code t}, positioned before its first event. */
    @FunctionalInterface
    interface Subscriber {
        /**
         * Subscribes.
         *
         * @param lastEventId the id to resume after, or null for a fresh client
         * @return the client, its welcome (if any) read
         * @throws IOException if the request fails
         */
        RawClient open(String lastEventId) throws IOException;
    }

    private final AtomicReferenceArray<String> ids;
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Future<?> publisher;

    private ChainedResume(Broadcaster broadcaster, ExecutorService threads, int maxEvents) {
        ids = new AtomicReferenceArray<>(maxEvents);
        publisher = threads.submit(() -> {
            for (int k = 0; k < maxEvents && !stop.get(); k++) {
                ids.set(k, broadcaster.publish("t", SseEvent.of(Integer.toString(k))));
                published.set(k + 1);
                if (k % 3 == 0) {
                    broadcaster.publish("u", SseEvent.of("other " + k));
                }
                if (k % 16 == 0) {
                    // Publishing nearly all the time, so that any window in the hand-off meets a
                    // publish, while leaving the readers some of the two cores.
                    Thread.yield();
                }
            }
            return null;
        });
    }

    /**
     * Starts the publisher: event {@code k} of topic {@code t} has the data {@code k}.
     *
     * @param broadcaster the broadcaster to publish to
     * @param threads     runs the publisher
     * @param maxEvents   where the publisher stops if the chain has not stopped it first
     * @return the running publisher
     */
    static ChainedResume start(Broadcaster broadcaster, ExecutorService threads, int maxEvents) {
        return new ChainedResume(broadcaster, threads, maxEvents);
    }

    /**
     * Returns how many events of {@code t} have been published so far.
     *
     * @return the count
     */
    int published() {
        return published.get();
    }

    /**
     * Reads {@code perClient} events with a fresh client, then {@code perClient} with each of
     * {@link #RESUMES} clients that resume in turn (the publisher must still run during each); the
     * last one stops the publisher and reads on to its last event.
     *
     * @param subscriber opens each client
     * @param perClient  how many events each client reads before it hangs up
     * @param stopBound  how long the publisher may take to stop
     * @return every event the chain saw, in order
     * @throws Exception if a read fails, or the publisher does
     */
    List<Event> read(Subscriber subscriber, int perClient, Duration stopBound) throws Exception {
        List<Event> seen = new ArrayList<>();
        try (RawClient first = subscriber.open(null)) {
            while (seen.size() < perClient) {
                seen.add(first.next());
            }
        }
        for (int resume = 0; resume < RESUMES; resume++) {
            String after = seen.getLast().lastEventId();
            try (RawClient next = subscriber.open(after)) {
                for (int n = 0; n < perClient; n++) {
                    seen.add(next.next());
                }
                assertFalse(publisher.isDone(), "publisher still running during resume " + resume);
                if (resume == RESUMES - 1) {
                    stop.set(true);
                    publisher.get(stopBound.toMillis(), TimeUnit.MILLISECONDS);
                    String last = Integer.toString(published.get() - 1);
                    for (Event e = next.next(); ; e = next.next()) {
                        seen.add(e);
                        if (e.data().equals(last)) {
                            break;
                        }
                    }
                }
            }
        }
        return seen;
    }

    /**
     * Asserts that the chain saw consecutive events, no gap and no duplicate, each with the id its
     * publish returned.
     *
     * @param seen what {@link #read} returned
     */
    void assertEveryEventOnceInOrder(List<Event> seen) {
        int start = Integer.parseInt(seen.get(0).data());
        for (int i = 0; i < seen.size(); i++) {
            Event e = seen.get(i);
            assertEquals(Integer.toString(start + i), e.data(), "event " + i + " (no gap, no duplicate)");
            assertEquals(ids.get(start + i), e.lastEventId(), "id of event " + i);
        }
    }
}
