package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jdksse.testing.Await;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replay-then-live hand-off, written once against {@link EventLog}, run against two logs:
 * the in-memory one (whose tail is the publisher's own thread) and {@link SlowLog} (appends on
 * another thread, a tail that lags in random batches, slow reads). Both must give every client
 * every event once, in order, across chained resumes while a publisher runs.
 */
class HandoffTest extends BroadcasterFixture {
    private static EventLog log(String kind, int keep) {
        return kind.equals("memory") ? EventLog.inMemory(keep, 1L << 30, 1) : new SlowLog(keep);
    }

    private int serve(EventLog log) throws IOException {
        return serveWithoutWelcome(Broadcaster.builder().log(log).queueEvents(1 << 20).queueBytes(1L << 30));
    }

    /** Subscribes and checks that the stream opened. */
    private RawClient stream(int port, String query, String... headers) throws IOException {
        RawClient client = subscribe(port, query, headers);
        assertEquals(200, client.status(), "status");
        return client;
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "slow"})
    void chainedResumesWhileAPublisherRunsSeeEveryEventOnceInOrder(String kind) throws Exception {
        int port = serve(log(kind, 1_000_000));
        ChainedResume run = ChainedResume.start(broadcaster, threads, 200_000);
        List<Event> seen = run.read(after -> after == null ? stream(port, "?topic=t")
                : stream(port, "?topic=t", "Last-Event-ID: " + after), 500, Duration.ofSeconds(20));
        run.assertEveryEventOnceInOrder(seen);
        assertEquals(0L, broadcaster.stats().dropped().get("slow"), "none dropped as slow");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "slow"})
    void idsTheLogNeverIssuedGetResetUnknownThenLiveEvents(String kind) throws Exception {
        int port = serve(log(kind, 100));
        broadcaster.publish("t", SseEvent.of("e1"));
        String second = broadcaster.publish("t", SseEvent.of("e2"));
        awaitDelivered(second);
        for (String unknown : List.of("abc", "3", "99999999999999999999", "-1", "1.0")) {
            RawClient client = stream(port, "?topic=t", "Last-Event-ID: " + unknown);
            assertEquals(new Event("reset", "unknown", second), client.next(), "after " + unknown);
            assertEquals("earliest", client.header("Last-Event-ID"), "no event precedes: Mercure's reserved id");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "slow"})
    void anIdOlderThanTheLogKeepsGetsResetExpiredThenOnlyLiveEvents(String kind) throws Exception {
        int port = serve(log(kind, 5));
        String third = null;
        String last = null;
        for (int k = 1; k <= 10; k++) {
            last = broadcaster.publish("t", SseEvent.of("e" + k));
            third = k == 3 ? last : third;
        }
        awaitDelivered(last);
        RawClient client = stream(port, "?topic=t", "Last-Event-ID: " + third);
        Event reset = client.next();
        String live = broadcaster.publish("t", SseEvent.of("live"));
        assertEquals(new Event("reset", "expired", last), reset);
        assertEquals(new Event("message", "live", live), client.next());
        assertEquals(last, client.header("Last-Event-ID"), "the reset's id precedes the live events");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "slow"})
    void theResponseNamesTheEventBeforeTheFirstOneSentAndEarliestReplaysEverythingKept(String kind) throws Exception {
        int port = serve(log(kind, 100));
        String first = broadcaster.publish("t", SseEvent.of("e1"));
        String second = broadcaster.publish("t", SseEvent.of("e2"));
        awaitDelivered(second);
        RawClient resumed = stream(port, "?topic=t", "Last-Event-ID: " + first);
        assertEquals(first, resumed.header("Last-Event-ID"), "the id it resumes after");
        assertEquals(new Event("message", "e2", second), resumed.next());
        server.createContext("/all", exchange -> broadcaster.serve(exchange, Interest.topics(java.util.Set.of("t")).fromEarliest()));
        RawClient all = RawClient.get(port, "/all");
        clients.add(all);
        assertEquals("earliest", all.header("Last-Event-ID"), "everything kept was asked for");
        assertEquals(new Event("message", "e1", first), all.next());
        assertEquals(new Event("message", "e2", second), all.next());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "slow"})
    void aClientResumingFromAnEntryTheTailHasNotHandedOverYetGetsNeitherItNorAReset(String kind) throws Exception {
        int port = serve(log(kind, 100));
        for (int round = 0; round < 20; round++) {
            String seen = broadcaster.publish("t", SseEvent.of("seen elsewhere " + round));
            // The client saw it on another process (or a fast tail): this one may not have it yet.
            RawClient client = stream(port, "?topic=t", "Last-Event-ID: " + seen);
            String next = broadcaster.publish("t", SseEvent.of("next " + round));
            assertEquals(new Event("message", "next " + round, next), client.next(), "round " + round);
            client.close();
        }
    }

    @Test
    void anEventSentToAClientWhileItWaitsForTheTailToCatchUpWithItsIdIsWrittenAfterItsWelcome() throws Exception {
        LaggingTail log = new LaggingTail();
        int port = serve(Broadcaster.builder().log(log));
        log.hold();
        String seen = broadcaster.publish("t", SseEvent.of("seen elsewhere"));
        Future<RawClient> resuming = threads.submit(() -> subscribe(port, "?topic=t", "Last-Event-ID: " + seen));
        assertTrue(log.readAhead.await(10, TimeUnit.SECONDS), "the resume found its id ahead of the tail");
        // The subscriber's hand-off starts over once the tail hands over the entry (subscriber 1: the only one).
        assertTrue(broadcaster.send(1, SseEvent.of("direct", "sent meanwhile")), "queued");
        log.release();
        RawClient client = resuming.get(10, TimeUnit.SECONDS);
        String next = broadcaster.publish("t", SseEvent.of("next"));
        assertEquals(new Event("welcome", "1", ""), client.next());
        assertEquals(new Event("direct", "sent meanwhile", ""), client.next());
        assertEquals(new Event("message", "next", next), client.next());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "slow"})
    void publishExceptSkipsTheSenderWhenTheTailHandsBackTheSameUpdate(String kind) throws Exception {
        int port = serve(log(kind, 100));
        RawClient sender = stream(port, "?topic=t");       // subscriber 1
        RawClient listener = stream(port, "?topic=t");     // subscriber 2
        Await.until("both live", () -> broadcaster.stats().subscribers() == 2);
        String mine = broadcaster.publishExcept("t", SseEvent.of("mine"), 1);
        String marker = broadcaster.publish("t", SseEvent.of("marker"));
        assertEquals(new Event("message", "marker", marker), sender.next(), "the sender skips its own");
        assertEquals(new Event("message", "mine", mine), listener.next());
        assertEquals(new Event("message", "marker", marker), listener.next());
    }

    /**
     * An in-memory log whose tail holds entries back while told to, as a process's tail lags
     * another's: a client that saw an entry elsewhere resumes from it "ahead" of this fan-out.
     */
    private static final class LaggingTail implements EventLog {
        private final EventLog log = EventLog.inMemory(100, 1L << 20, 1);
        private final ReentrantLock lock = new ReentrantLock();
        /** Counted down when a read finds its id ahead of the fan-out's cursor. */
        final CountDownLatch readAhead = new CountDownLatch(1);
        // Guarded by lock.
        private final List<Entry> held = new ArrayList<>();
        private boolean holding;
        private Sink sink;

        void hold() {
            lock.lock();
            try {
                holding = true;
            } finally {
                lock.unlock();
            }
        }

        /** Hands over what was held, then lets entries through again. */
        void release() {
            lock.lock();
            try {
                held.forEach(sink::accept);
                held.clear();
                holding = false;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String append(Update update) {
            return log.append(update);
        }

        @Override
        public Replay readAfter(String after, String upTo, Predicate<Update> wanted) {
            Replay replay = log.readAfter(after, upTo, wanted);
            if (replay.ahead() != null) {
                readAhead.countDown();
            }
            return replay;
        }

        @Override
        public String tail(Sink sink) {
            this.sink = sink;
            return log.tail(new Sink() {
                @Override
                public void accept(Entry entry) {
                    lock.lock();
                    try {
                        if (holding) {
                            held.add(entry);
                        } else {
                            sink.accept(entry);
                        }
                    } finally {
                        lock.unlock();
                    }
                }

                @Override
                public void lost(String position) {
                    sink.lost(position);
                }
            });
        }

        @Override
        public int compare(String a, String b) {
            return log.compare(a, b);
        }

        @Override
        public Status status() {
            return log.status();
        }

        @Override
        public void close() {
            log.close();
        }
    }

    /** Waits until the broadcaster's tail has handed over this id (the slow log's lags). */
    private void awaitDelivered(String id) throws Exception {
        Await.value("tail reached " + id, Duration.ofSeconds(10), broadcaster::lastId, id::equals);
    }
}
