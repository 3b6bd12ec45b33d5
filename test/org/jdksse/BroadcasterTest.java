package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdksse.testing.Await;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broadcaster over real sockets on 127.0.0.1, with {@link RawClient}s that read exactly what
 * the server wrote and dispatch events as a browser would. Every client announces itself with a
 * welcome event from the {@code onSubscribe} hook, so a test knows a subscriber is live without
 * sleeping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BroadcasterTest {
    private HttpServer server;
    private Broadcaster broadcaster;
    /** How long a client's read may block: above the default heartbeat interval and its check. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    private final List<AutoCloseable> clients = Collections.synchronizedList(new ArrayList<>());
    private final Map<RawClient, Long> subscriberIds = new ConcurrentHashMap<>();
    private ExecutorService threads;

    /** Starts a server with the broadcaster at /events; the hook welcomes each subscriber with its id. */
    private int serve(Broadcaster.Builder builder) throws IOException {
        Broadcaster[] self = new Broadcaster[1];
        broadcaster = builder.onSubscribe(sub -> self[0].send(sub.id(), SseEvent.of("welcome", Long.toString(sub.id()))))
                .build();
        self[0] = broadcaster;
        server = Sse.server(0);
        server.createContext("/events", broadcaster.handler());
        server.start();
        threads = Executors.newVirtualThreadPerTaskExecutor();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        try {
            synchronized (clients) {
                for (AutoCloseable client : clients) {
                    try {
                        client.close();
                    } catch (Exception ignored) {
                        // closing a test socket: nothing to do
                    }
                }
            }
            if (broadcaster != null) {
                broadcaster.close(Duration.ofSeconds(2));
            }
        } finally {
            if (server != null) {
                server.stop(0);
            }
            if (threads != null) {
                threads.shutdownNow();
            }
        }
    }

    private RawClient subscribe(int port, String query, String... headers) throws IOException {
        return open(port, "/events" + query, headers);
    }

    private RawClient open(int port, String target, String... headers) throws IOException {
        RawClient client = RawClient.get(port, target, headers);
        clients.add(client);
        return client.timeout(READ_TIMEOUT);
    }

    /**
     * Subscribes and reads the welcome event, keeping the client's subscriber id (see {@link
     * #subscriberId}). The options' retry hint, when it opens the stream, dispatches nothing.
     */
    private RawClient join(int port, String query, String... headers) throws IOException {
        RawClient client = subscribe(port, query, headers);
        assertEquals(200, client.status(), "status");
        Event welcome = client.next();
        assertEquals("welcome", welcome.type());
        subscriberIds.put(client, Long.parseLong(welcome.data()));
        return client;
    }

    private long subscriberId(RawClient client) {
        return subscriberIds.get(client);
    }

    /** Reads on to the stream's end: whether it ends with no further event. */
    private static boolean endsWithNoMoreEvents(RawClient client) throws IOException {
        try {
            client.next();
            return false;
        } catch (EOFException end) {
            return true;
        }
    }

    @Test
    void thousandSubscribersOnThreeTopicsReceiveEveryEventOfTheirTopicInOrderAndNoneOfTheOthers() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        int subscribers = 1000;
        int perTopic = 200;
        List<Future<List<Event>>> received = new ArrayList<>();
        CountDownLatch joined = new CountDownLatch(subscribers);
        for (int i = 0; i < subscribers; i++) {
            String topic = "t" + (i % 3);
            received.add(threads.submit(() -> {
                RawClient client = join(port, "?topic=" + topic);
                joined.countDown();
                List<Event> events = new ArrayList<>();
                for (Event e; !"end".equals((e = client.next()).type()); ) {
                    events.add(e);
                }
                return events;
            }));
        }
        assertTrue(joined.await(60, TimeUnit.SECONDS), "all subscribed");
        assertEquals(Map.of("t0", 334, "t1", 333, "t2", 333), broadcaster.stats().topics());
        Map<String, List<String>> ids = new HashMap<>();
        for (int k = 0; k < perTopic; k++) {
            for (int t = 0; t < 3; t++) {
                String id = broadcaster.publish("t" + t, SseEvent.of("t" + t + ":" + k));
                ids.computeIfAbsent("t" + t, x -> new ArrayList<>()).add(id);
            }
        }
        for (int t = 0; t < 3; t++) {
            broadcaster.publish("t" + t, SseEvent.of("end", ""));
        }
        for (int i = 0; i < subscribers; i++) {
            String topic = "t" + (i % 3);
            List<Event> events = received.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(perTopic, events.size(), "events of subscriber " + i);
            for (int k = 0; k < perTopic; k++) {
                assertEquals(topic + ":" + k, events.get(k).data());
                assertEquals(ids.get(topic).get(k), events.get(k).lastEventId());
            }
        }
        // Each subscriber got its welcome, its topic's events and the end marker.
        Await.value("delivered counted", Duration.ofSeconds(10), () -> broadcaster.stats().delivered(),
                n -> n == (long) subscribers * (perTopic + 2));
        Broadcaster.Stats stats = broadcaster.stats();
        assertEquals(3 * perTopic + 3, stats.published());
        assertEquals(Map.of("slow", 0L, "stalled", 0L, "failed", 0L), stats.dropped());
    }

    @Test
    void subscriberThatNeverReadsIsDroppedAtItsQueueBoundWhileItsNeighbourReceivesEverythingAndTheHeapStaysBounded()
            throws Exception {
        int port = serve(Broadcaster.builder().log(EventLog.inMemory(16, 4L << 20, 1)).queueEvents(64).queueBytes(256 * 1024));
        Socket stuck = stuckSubscriber(port);
        RawClient reader = join(port, "?topic=t");
        Await.value("both subscribed", Duration.ofSeconds(10), () -> broadcaster.stats().subscribers(), n -> n == 2);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedHeapAfterGc(memory);
        int events = 10_240;
        String payload = "x".repeat(4000);
        Semaphore readerProgress = new Semaphore(0);
        Future<Integer> readCount = threads.submit(() -> {
            int n = 0;
            for (Event e; !"end".equals((e = reader.next()).type()); n++) {
                if (!e.data().equals(n + payload)) {
                    return -n - 1;
                }
                readerProgress.release();
            }
            return n;
        });
        // Publish in rounds the reader keeps up with, so that only the stuck client falls behind.
        int round = 32;
        for (int sent = 0; sent < events; sent += round) {
            for (int k = sent; k < sent + round; k++) {
                broadcaster.publish("t", SseEvent.of(k + payload));
            }
            assertTrue(readerProgress.tryAcquire(round, 10, TimeUnit.SECONDS), "reader keeps up at " + sent);
        }
        broadcaster.publish("t", SseEvent.of("end", ""));
        assertEquals(events, readCount.get(30, TimeUnit.SECONDS), "events the reader received, in order");

        Broadcaster.Stats stats = broadcaster.stats();
        assertEquals(1L, stats.dropped().get("slow"), "dropped as slow");
        assertEquals(1, stats.subscribers());
        long after = usedHeapAfterGc(memory);
        System.out.printf("heap after GC: %d KiB before publishing, %d KiB after 41 MB to a stuck subscriber%n",
                before >> 10, after >> 10);
        // 41 MB went out; an unbounded queue for the stuck client would hold nearly all of it.
        assertTrue(after - before < 8 << 20, "heap grew by " + (after - before) + " bytes");

        // The stuck client's stream was ended: reading what the kernel holds reaches the end.
        assertConnectionEnds(stuck, "the dropped client's connection was left open");
    }

    @Test
    void subscriberDroppedWhileItsSocketStillTakesBytesGetsARetryHintAndItsStreamEnds() throws Exception {
        // The hook runs on the subscriber's thread before it writes anything, so sending from it
        // overflows the queue deterministically while no write is stuck.
        Broadcaster[] self = new Broadcaster[1];
        broadcaster = Broadcaster.builder().log(firstIdOne()).queueEvents(4).onSubscribe(sub -> {
            for (int k = 0; k < 5; k++) {
                self[0].send(sub.id(), SseEvent.of("burst " + k));
            }
        }).build();
        self[0] = broadcaster;
        server = Sse.server(0);
        server.createContext("/events", broadcaster.handler());
        server.start();
        threads = Executors.newVirtualThreadPerTaskExecutor();
        RawClient client = subscribe(server.getAddress().getPort(), "?topic=t");
        assertThrows(EOFException.class, client::next, "the queue is discarded: no event before the stream's end");
        assertEquals(Broadcaster.DEFAULT_RECONNECT.toMillis(), client.events().retry(), "only the retry hint is written");
        assertEquals(1, client.events().retries());
        assertTrue(client.endedCleanly(), "the stream ended as HTTP frames it");
        assertEquals(1L, broadcaster.stats().dropped().get("slow"));
        Await.value("subscriber removed", Duration.ofSeconds(5), () -> broadcaster.stats().subscribers(), n -> n == 0);
    }

    @Test
    void twoHundredVanishedClientsAreRemovedByTheHeartbeatsWithNothingPublished() throws Exception {
        Duration heartbeat = Duration.ofMillis(500);
        int port = serve(Broadcaster.builder().log(firstIdOne()).options(SseOptions.defaults().withHeartbeat(heartbeat)));
        List<RawClient> vanishing = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            vanishing.add(join(port, "?topic=t"));
        }
        assertEquals(200, broadcaster.stats().subscribers());
        long published = broadcaster.stats().published();
        long closedAt = System.nanoTime();
        for (RawClient client : vanishing) {
            client.close();
        }
        // A heartbeat goes to a stream silent for a whole interval (checked every quarter): the
        // first draws the reset, the second fails, within two and a half intervals; the second
        // and a half over that is for 200 writes and the scheduling of a loaded machine.
        Await.value("all vanished clients removed within two and a half heartbeat intervals and 1.5 s",
                heartbeat.multipliedBy(5).dividedBy(2).plusMillis(1500).minusNanos(System.nanoTime() - closedAt),
                () -> broadcaster.stats().subscribers(), n -> n == 0);
        System.out.printf("vanished clients removed %d ms after closing (heartbeat %d ms)%n",
                (System.nanoTime() - closedAt) / 1_000_000, heartbeat.toMillis());
        Broadcaster.Stats stats = broadcaster.stats();
        assertEquals(published, stats.published(), "nothing published");
        assertEquals(200, stats.pruned() + stats.dropped().get("failed"), "removed as dead");
        assertEquals(200, stats.pruned(), "found by heartbeats");
    }

    @Test
    void resumeReplaysExactlyTheEventsAfterTheIdThenLiveOnesWhileAPublisherRuns() throws Exception {
        int maxEvents = 1_000_000;
        int port = serve(Broadcaster.builder().log(EventLog.inMemory(2 * maxEvents, 1L << 30, 1))
                .queueEvents(2 * maxEvents).queueBytes(1L << 30));
        ChainedResume run = ChainedResume.start(broadcaster, threads, maxEvents);
        Await.value("publisher started", Duration.ofSeconds(10), run::published, n -> n > 1000);
        int perClient = 2000;
        List<Event> seen = run.read(after -> after == null ? join(port, "?topic=t")
                : join(port, "?topic=t", "Last-Event-ID: " + after), perClient, Duration.ofSeconds(10));
        run.assertEveryEventOnceInOrder(seen);
        assertTrue(seen.size() - perClient >= 10_000, "events after the resume: " + (seen.size() - perClient));
        Map<String, Long> dropped = broadcaster.stats().dropped();
        assertEquals(0L, dropped.get("slow"), "none dropped as slow");
        assertEquals(0L, dropped.get("stalled"), "none stalled");
        // Each client but the last hung up while events flowed: at most that many failed writes.
        assertTrue(dropped.get("failed") <= 6, dropped.toString());
    }

    @Test
    void resumeFromAnIdInTheHistoryReplaysTheEventsAfterItBeforeLiveOnes() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        for (int k = 1; k <= 5; k++) {
            broadcaster.publish("t", SseEvent.of("e" + k));
            broadcaster.publish("u", SseEvent.of("other" + k));
        }
        RawClient client = join(port, "?topic=t&lastEventId=3");
        broadcaster.publish("t", SseEvent.of("live"));
        assertEquals(new Event("message", "e3", "5"), client.next());
        assertEquals(new Event("message", "e4", "7"), client.next());
        assertEquals(new Event("message", "e5", "9"), client.next());
        assertEquals(new Event("message", "live", "11"), client.next());
    }

    @Test
    void expiredIdGetsResetFirstThenOnlyLiveEvents() throws Exception {
        Broadcaster.Builder builder = Broadcaster.builder().log(EventLog.inMemory(5, 4L << 20, 1));
        int port = serveWithoutWelcome(builder);
        for (int k = 1; k <= 10; k++) {
            broadcaster.publish("t", SseEvent.of("e" + k));
        }
        RawClient client = subscribe(port, "?topic=t", "Last-Event-ID: 4");
        Event reset = client.next();
        broadcaster.publish("t", SseEvent.of("live"));
        assertEquals(new Event("reset", "expired", "10"), reset);
        assertEquals(new Event("message", "live", "11"), client.next());
    }

    @Test
    void unknownIdsGetResetFirst() throws Exception {
        int port = serveWithoutWelcome(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish("t", SseEvent.of("e1"));
        broadcaster.publish("t", SseEvent.of("e2"));
        for (String unknown : List.of("abc", "3", "999999999999999999999", "-1", "+1", "1.0", "0x1")) {
            RawClient client = subscribe(port, "?topic=t", "Last-Event-ID: " + unknown);
            assertEquals(new Event("reset", "unknown", "2"), client.next(), "after " + unknown);
        }
        // The last id issued resumes with nothing to replay and no reset.
        RawClient upToDate = subscribe(port, "?topic=t", "Last-Event-ID: 2");
        broadcaster.publish("t", SseEvent.of("e3"));
        assertEquals(new Event("message", "e3", "3"), upToDate.next());
    }

    @Test
    void subscriberLimitAnswers503WithRetryAfterBeforeAnyStreamStarts() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).maxSubscribers(2)
                .options(SseOptions.defaults().withHeartbeat(Duration.ofMillis(100))));
        RawClient first = join(port, "");
        join(port, "");
        RawClient refused = subscribe(port, "");
        assertEquals(503, refused.status());
        assertEquals("5", refused.header("Retry-After"));
        assertTrue(refused.header("Content-Type").startsWith("text/plain"), refused.header("Content-Type"));
        assertEquals("too many subscribers\n", refused.readToEnd());
        assertEquals(2, broadcaster.stats().subscribers());
        assertEquals(1, broadcaster.rejected());

        // A slot frees once the server has found a subscriber gone.
        first.close();
        Await.value("a new subscriber admitted after one left", Duration.ofSeconds(5), () -> {
            try (RawClient again = RawClient.get(port, "/events")) {
                return again.status();
            }
        }, status -> status == 200);
    }

    @Test
    void closeWithFiveHundredOpenStreamsEndsEveryStreamWithinTheBound() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).options(SseOptions.defaults().withRetry(Duration.ofMillis(1500))));
        int streams = 500;
        List<Future<Boolean>> ends = new ArrayList<>();
        CountDownLatch joined = new CountDownLatch(streams);
        for (int i = 0; i < streams; i++) {
            ends.add(threads.submit(() -> {
                RawClient client = join(port, "?topic=t");
                joined.countDown();
                boolean sawData = "before close".equals(client.next().data());
                boolean ended = endsWithNoMoreEvents(client);
                // Two retry hints: the options' one that opened the stream, and the one at its end.
                boolean sawHint = client.events().retries() == 2 && client.events().retry() == 1500;
                return sawData && ended && sawHint && client.endedCleanly();
            }));
        }
        assertTrue(joined.await(60, TimeUnit.SECONDS), "all subscribed");
        broadcaster.publish("t", SseEvent.of("before close"));
        Duration grace = Duration.ofSeconds(3);
        long start = System.nanoTime();
        broadcaster.close(grace);
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < grace.toNanos() + TimeUnit.SECONDS.toNanos(2), "close took " + elapsed / 1_000_000 + " ms, over its grace and 2 s");
        int ended = 0;
        for (Future<Boolean> end : ends) {
            if (end.get(10, TimeUnit.SECONDS)) {
                ended++;
            }
        }
        assertEquals(streams, ended, "streams that got the event, the retry hint and a clean end");
        assertEquals(0, broadcaster.stats().subscribers());

        RawClient late = subscribe(port, "");
        assertEquals(503, late.status());
        assertEquals("5", late.header("Retry-After"));
    }

    @Test
    void closeAbortsAStreamStillStuckAtTheDeadline() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).queueEvents(100_000).queueBytes(1L << 30));
        Socket stuck = stuckSubscriber(port);
        RawClient reader = join(port, "?topic=t");
        Await.value("both subscribed", Duration.ofSeconds(10), () -> broadcaster.stats().subscribers(), n -> n == 2);
        String payload = "y".repeat(16 * 1024);
        AtomicInteger received = new AtomicInteger();
        Future<Integer> read = threads.submit(() -> {
            while (!endsWithNoMoreEvents(reader)) {
                received.incrementAndGet();
            }
            return received.get();
        });
        // Far more than the socket buffers hold, so the stuck client's write blocks.
        for (int k = 0; k < 1000; k++) {
            broadcaster.publish("t", SseEvent.of(payload));
        }
        // The reader keeps up at its own pace (a loaded machine is slow): only the stuck one matters.
        Await.value("the reader got every event", Duration.ofSeconds(60), received::get, n -> n == 1000);
        Duration grace = Duration.ofMillis(1500);
        long start = System.nanoTime();
        broadcaster.close(grace);
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < grace.toNanos() + TimeUnit.SECONDS.toNanos(2), "close took " + elapsed / 1_000_000 + " ms, over its grace and 2 s");
        assertEquals(1000, read.get(10, TimeUnit.SECONDS), "the reader got every event");
        assertEquals(Broadcaster.DEFAULT_RECONNECT.toMillis(), reader.events().retry(), "and the retry hint");
        assertEquals(1, reader.events().retries());
        assertEquals(1L, broadcaster.stats().dropped().get("stalled"));
        assertConnectionEnds(stuck, "the stuck client's connection was left open");
    }

    @Test
    void aWriteStuckForTwoHeartbeatIntervalsIsAbortedWithNothingMorePublished() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).queueEvents(100_000).queueBytes(1L << 30)
                .options(SseOptions.defaults().withHeartbeat(Duration.ofMillis(200))));
        stuckSubscriber(port);
        Await.value("subscribed", Duration.ofSeconds(10), () -> broadcaster.stats().subscribers(), n -> n == 1);
        String payload = "z".repeat(16 * 1024);
        for (int k = 0; k < 1000; k++) {
            broadcaster.publish("t", SseEvent.of(payload));
        }
        Await.value("stalled write aborted", Duration.ofSeconds(5), () -> broadcaster.stats().dropped().get("stalled"), n -> n == 1);
        // counted as it leaves: the count may come a moment before the subscriber is gone
        Await.value("the stalled subscriber gone", Duration.ofSeconds(5), () -> broadcaster.stats().subscribers(), n -> n == 0);
    }

    @Test
    void anUpdateOfTwoTopicsReachesASubscriberOfBothOnceAndPublishReturnsItsId() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        RawClient both = join(port, "?topic=a&topic=b");
        RawClient onlyB = join(port, "?topic=b");
        String id = broadcaster.publish(Update.of(List.of("a", "b"), SseEvent.of("news")));
        assertEquals("1", id);
        broadcaster.publish("b", SseEvent.of("marker"));
        assertEquals(new Event("message", "news", "1"), both.next());
        assertEquals(new Event("message", "marker", "2"), both.next(), "once, not once per topic");
        assertEquals(new Event("message", "news", "1"), onlyB.next());
        assertEquals("0", both.header("Last-Event-ID"), "the cursor when it joined: before the first id");
    }

    @Test
    void aServedInterestEndsAtItsExpiryWithAHintAndTheResponseNamesTheCursor() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish("t", SseEvent.of("before"));
        server.createContext("/short", exchange -> broadcaster.serve(exchange,
                Interest.topics(java.util.Set.of("t")).until(java.time.Instant.now().plusMillis(300))));
        RawClient client = open(port, "/short");
        assertEquals(200, client.status());
        assertEquals("1", client.header("Last-Event-ID"), "the id of the last entry handed over");
        assertEquals("welcome", client.next().type());
        assertThrows(EOFException.class, client::next);
        assertEquals(Broadcaster.DEFAULT_RECONNECT.toMillis(), client.events().retry(), "the retry hint at expiry");
        assertTrue(client.endedCleanly());
    }

    @Test
    void sendReachesOnlyTheNamedSubscriber() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        RawClient a = join(port, "?topic=t");
        RawClient b = join(port, "?topic=t");
        RawClient c = join(port, "?topic=u");
        assertTrue(broadcaster.send(subscriberId(b), SseEvent.of("direct", "for b")));
        assertFalse(broadcaster.send(424242, SseEvent.of("nobody")));
        broadcaster.publish("t", SseEvent.of("all t"));
        broadcaster.publish("u", SseEvent.of("all u"));
        assertEquals(new Event("message", "all t", "1"), a.next());
        assertEquals(new Event("direct", "for b", ""), b.next());
        assertEquals(new Event("message", "all t", "1"), b.next());
        assertEquals(new Event("message", "all u", "2"), c.next());
        assertEquals(2, broadcaster.stats().published(), "send is not a publish");
    }

    @Test
    void publishExceptReachesAllButOne() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        List<RawClient> room = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            room.add(join(port, "?topic=chat"));
        }
        RawClient sender = room.get(2);
        String id = broadcaster.publishExcept("chat", SseEvent.of("message", "hello"), subscriberId(sender));
        broadcaster.publish("chat", SseEvent.of("marker"));
        for (RawClient client : room) {
            if (client != sender) {
                assertEquals(new Event("message", "hello", id), client.next());
            }
            assertEquals("marker", client.next().data());
        }
    }

    @Test
    void onSubscribeEventArrivesFirstBeforeReplayAndLiveEvents() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish("t", SseEvent.of("old"));
        RawClient client = subscribe(port, "?topic=t", "Last-Event-ID: 0");
        broadcaster.publish("t", SseEvent.of("new"));
        Event first = client.next();
        assertEquals("welcome", first.type());
        assertEquals("", first.lastEventId(), "the welcome gets no id, so the client's last id stays as it was");
        assertEquals(new Event("message", "old", "1"), client.next());
        assertEquals(new Event("message", "new", "2"), client.next());
    }

    @Test
    void otherMethodsGet405AndAnInvalidTopicGets400() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        RawClient post = RawClient.send(port, "POST", "/events", new byte[0], "Connection: close");
        clients.add(post);
        assertEquals(405, post.status());
        assertEquals("GET, OPTIONS", post.header("Allow"));
        RawClient empty = subscribe(port, "?topic=");
        assertEquals(400, empty.status());
        assertEquals("topic must not be empty\n", empty.readToEnd());
        RawClient control = subscribe(port, "?topic=a%0Ab");
        assertEquals(400, control.status());
        assertEquals("topic must not contain control characters: \"a\\nb\"\n", control.readToEnd());
        RawClient tooLong = subscribe(port, "?topic=" + "t".repeat(Update.MAX_TOPIC_LENGTH + 1));
        assertEquals(400, tooLong.status());
        assertEquals(0, broadcaster.stats().subscribers());
    }

    @Test
    void corsOriginsMayReadTheStream() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).options(SseOptions.defaults().withCorsOrigins("https://a.example")));
        RawClient allowed = join(port, "", "Origin: https://a.example");
        assertEquals("https://a.example", allowed.header("Access-Control-Allow-Origin"));
        RawClient other = join(port, "", "Origin: https://b.example");
        assertNull(other.header("Access-Control-Allow-Origin"));
    }

    @Test
    void badArgumentsAreRejectedNamingTheField() {
        Broadcaster b = Broadcaster.create();
        try {
            assertMessage("topic", assertThrows(IllegalArgumentException.class, () -> b.publish("", SseEvent.of("x"))));
            assertThrows(NullPointerException.class, () -> b.publish(null, SseEvent.of("x")));
            assertThrows(NullPointerException.class, () -> b.publish("t", null));
            assertThrows(NullPointerException.class, () -> b.send(1, null));
            assertMessage("grace", assertThrows(IllegalArgumentException.class, () -> b.close(Duration.ofSeconds(-1))));
        } finally {
            b.close();
        }
        Broadcaster.Builder builder = Broadcaster.builder();
        assertMessage("maxEvents", assertThrows(IllegalArgumentException.class, () -> EventLog.inMemory(-1, 1)));
        assertMessage("maxBytes", assertThrows(IllegalArgumentException.class, () -> EventLog.inMemory(1, -1)));
        assertMessage("queueEvents", assertThrows(IllegalArgumentException.class, () -> builder.queueEvents(0)));
        assertMessage("queueBytes", assertThrows(IllegalArgumentException.class, () -> builder.queueBytes(0)));
        assertMessage("maxSubscribers", assertThrows(IllegalArgumentException.class, () -> builder.maxSubscribers(0)));
        assertThrows(NullPointerException.class, () -> builder.options(null));
        assertThrows(NullPointerException.class, () -> builder.onSubscribe(null));
        assertThrows(NullPointerException.class, () -> builder.log(null));
        assertMessage("firstId", assertThrows(IllegalArgumentException.class, () -> EventLog.inMemory(1, 1, 0)));
    }

    @Test
    @Timeout(20)
    void aClientThatHasItsHeadersGetsEveryEventPublishedAfterThem() throws Exception {
        // A slow hook widens the window between accepting the request and going live: the
        // headers must not reach the client before the subscriber is in its topics.
        int port = serveWithoutWelcome(Broadcaster.builder().log(firstIdOne()).onSubscribe(sub -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        RawClient client = subscribe(port, "?topic=t");
        assertEquals(200, client.status());
        broadcaster.publish("t", SseEvent.of("right after the headers"));
        assertEquals(new Event("message", "right after the headers", "1"), client.next());
    }

    @Test
    void idsKeepIncreasingAcrossRestartsSoAnOldRunsIdGetsReset() throws Exception {
        Broadcaster earlier = Broadcaster.create();
        String earlierId;
        try {
            earlier.publish("t", SseEvent.of("a"));
            earlierId = earlier.publish("t", SseEvent.of("b"));
        } finally {
            earlier.close();
        }
        Thread.sleep(1);
        int port = serveWithoutWelcome(Broadcaster.builder());
        String first = broadcaster.publish("t", SseEvent.of("new run"));
        assertTrue(Long.parseLong(first) > Long.parseLong(earlierId), first + " should be above the earlier run's " + earlierId);
        RawClient client = subscribe(port, "?topic=t", "Last-Event-ID: " + earlierId);
        assertEquals(new Event("reset", "expired", first), client.next());
    }

    @Test
    void publishAssignsIncreasingIdsAcrossTopicsAndCountsWithNoSubscribers() {
        Broadcaster b = Broadcaster.builder().log(firstIdOne()).build();
        try {
            assertEquals("1", b.publish("a", SseEvent.of("1")));
            assertEquals("2", b.publish("b", SseEvent.builder().id("mine").data("2").build()));
            assertEquals("3", b.publish(SseEvent.of("3")));
            assertEquals(3, b.stats().published());
            assertEquals(0, b.stats().delivered());
        } finally {
            b.close();
        }
    }

    @Test
    void closeIsIdempotentAndPublishingAfterItReachesNoOne() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        RawClient client = join(port, "?topic=t");
        broadcaster.close(Duration.ofSeconds(2));
        broadcaster.close(Duration.ofSeconds(2));
        broadcaster.close();
        assertEquals("1", broadcaster.publish("t", SseEvent.of("after")));
        assertThrows(EOFException.class, client::next, "nothing published after close reaches the client");
        assertEquals(Broadcaster.DEFAULT_RECONNECT.toMillis(), client.events().retry());
        assertTrue(client.endedCleanly());
    }

    @Test
    void defaultSubscriberLimitIsTheDescriptorLimitMinusHeadroom() {
        var os = (com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        assertEquals(os.getMaxFileDescriptorCount() - Admission.DESCRIPTOR_HEADROOM, Admission.defaultMaxSubscribers());
    }

    /** A client that asks for topic t's stream with a small receive buffer, then never reads a byte. */
    private Socket stuckSubscriber(int port) throws IOException {
        Socket stuck = new Socket();
        clients.add(stuck);
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new InetSocketAddress("127.0.0.1", port));
        stuck.getOutputStream().write("GET /events?topic=t HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return stuck;
    }

    /** Reads what the kernel holds for a stuck client: the server must have ended its connection. */
    private static void assertConnectionEnds(Socket stuck, String leftOpen) throws IOException {
        stuck.setSoTimeout(10_000);
        try (stuck; InputStream in = stuck.getInputStream()) {
            byte[] buffer = new byte[65536];
            while (in.read(buffer) >= 0) {
                // drain
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(leftOpen, e);
        } catch (IOException reset) {
            // A connection reset also ends it: the server aborted the stuck write.
        }
    }

    /** An in-memory log whose ids start at 1, so that tests can name them. */
    private static EventLog firstIdOne() {
        return EventLog.inMemory(1000, 4L << 20, 1);
    }

    private int serveWithoutWelcome(Broadcaster.Builder builder) throws IOException {
        broadcaster = builder.build();
        server = Sse.server(0);
        server.createContext("/events", broadcaster.handler());
        server.start();
        threads = Executors.newVirtualThreadPerTaskExecutor();
        return server.getAddress().getPort();
    }

    private static void assertMessage(String field, IllegalArgumentException e) {
        assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
