package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jdksse.testing.Await;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;
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

    /** Waits until the broadcaster's tail has handed over this id (the slow log's lags). */
    private void awaitDelivered(String id) throws Exception {
        Await.value("tail reached " + id, Duration.ofSeconds(10), broadcaster::lastId, id::equals);
    }
}
