package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jdksse.BroadcasterTest.Client;
import org.jdksse.BroadcasterTest.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replay-then-live hand-off, written once against {@link EventLog}, run against two logs:
 * the in-memory one (whose tail is the publisher's own thread) and {@link SlowLog} (appends on
 * another thread, a tail that lags in random batches, slow reads). Both must give every client
 * every event once, in order, across chained resumes while a publisher runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HandoffTest {
    private HttpServer server;
    private Broadcaster broadcaster;
    private final List<Client> clients = new ArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private static EventLog log(String kind, int keep) {
        return kind.equals("memory") ? EventLog.inMemory(keep, 1L << 30, 1) : new SlowLog(keep);
    }

    private int serve(EventLog log) throws IOException {
        broadcaster = Broadcaster.builder().log(log).queueEvents(1 << 20).queueBytes(1L << 30).build();
        server = Sse.server(0);
        server.createContext("/events", broadcaster.handler());
        server.start();
        return server.getAddress().getPort();
    }

    private Client subscribe(int port, String query, String... headers) throws IOException {
        Client client = Client.get(port, "/events" + query, headers);
        clients.add(client);
        assertEquals(200, client.status, "status");
        return client;
    }

    @AfterEach
    void stop() {
        clients.forEach(Client::close);
        if (broadcaster != null) {
            broadcaster.close(java.time.Duration.ofSeconds(2));
        }
        if (server != null) {
            server.stop(0);
        }
        threads.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "slow"})
    void chainedResumesWhileAPublisherRunsSeeEveryEventOnceInOrder(String kind) throws Exception {
        int port = serve(log(kind, 1_000_000));
        int max = 200_000;
        AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(max);
        AtomicInteger published = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> publisher = threads.submit(() -> {
            // Events of another topic interleave, so the ids of t have gaps the replay must skip.
            for (int k = 0; k < max && !stop.get(); k++) {
                ids.set(k, broadcaster.publish("t", SseEvent.of(Integer.toString(k))));
                published.set(k + 1);
                if (k % 3 == 0) {
                    broadcaster.publish("u", SseEvent.of("other " + k));
                }
                if (k % 16 == 0) {
                    Thread.yield();
                }
            }
            return null;
        });
        List<Event> seen = new ArrayList<>();
        Client first = subscribe(port, "?topic=t");
        while (seen.size() < 500) {
            seen.add(first.next());
        }
        first.close();
        for (int resume = 0; resume < 6; resume++) {
            String after = seen.get(seen.size() - 1).id();
            Client next = subscribe(port, "?topic=t", "Last-Event-ID: " + after);
            for (int n = 0; n < 500; n++) {
                seen.add(next.next());
            }
            assertFalse(publisher.isDone(), "publisher still running during resume " + resume);
            if (resume == 5) {
                stop.set(true);
                publisher.get(20, TimeUnit.SECONDS);
                String last = Integer.toString(published.get() - 1);
                for (Event e = next.next(); ; e = next.next()) {
                    seen.add(e);
                    if (e.data().equals(last)) {
                        break;
                    }
                }
            }
            next.close();
        }
        int start = Integer.parseInt(seen.get(0).data());
        for (int i = 0; i < seen.size(); i++) {
            Event e = seen.get(i);
            assertEquals(Integer.toString(start + i), e.data(), "event " + i + " (no gap, no duplicate)");
            assertEquals(ids.get(start + i), e.id(), "id of event " + i);
        }
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
            Client client = subscribe(port, "?topic=t", "Last-Event-ID: " + unknown);
            assertEquals(new Event(second, "reset", "unknown"), client.next(), "after " + unknown);
            assertEquals(second, client.header("Last-Event-ID"), "the cursor's id in the response header");
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
        Client client = subscribe(port, "?topic=t", "Last-Event-ID: " + third);
        Event reset = client.next();
        String live = broadcaster.publish("t", SseEvent.of("live"));
        assertEquals(new Event(last, "reset", "expired"), reset);
        assertEquals(new Event(live, null, "live"), client.next());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "slow"})
    void aClientResumingFromAnEntryTheTailHasNotHandedOverYetGetsNeitherItNorAReset(String kind) throws Exception {
        int port = serve(log(kind, 100));
        for (int round = 0; round < 20; round++) {
            String seen = broadcaster.publish("t", SseEvent.of("seen elsewhere " + round));
            // The client saw it on another process (or a fast tail): this one may not have it yet.
            Client client = subscribe(port, "?topic=t", "Last-Event-ID: " + seen);
            String next = broadcaster.publish("t", SseEvent.of("next " + round));
            assertEquals(new Event(next, null, "next " + round), client.next(), "round " + round);
            client.close();
        }
    }

    /** Waits until the broadcaster's tail has handed over this id (the slow log's lags). */
    private void awaitDelivered(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!broadcaster.lastId().equals(id)) {
            assertTrue(System.nanoTime() < deadline, "tail reached " + id);
            Thread.sleep(2);
        }
    }
}
