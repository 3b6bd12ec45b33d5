package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broadcaster over real sockets on 127.0.0.1, with raw HTTP/1.1 clients that read exactly
 * what the server wrote. Every client announces itself with a welcome event from the
 * {@code onSubscribe} hook, so a test knows a subscriber is live without sleeping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BroadcasterTest {
    private HttpServer server;
    private Broadcaster broadcaster;
    private final List<Client> clients = Collections.synchronizedList(new ArrayList<>());
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
                for (Client client : clients) {
                    client.close();
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

    private Client subscribe(int port, String query, String... headers) throws IOException {
        Client client = Client.get(port, "/events" + query, headers);
        clients.add(client);
        return client;
    }

    /** Subscribes and reads the welcome event, returning the client with its subscriber id. */
    private Client join(int port, String query, String... headers) throws IOException {
        Client client = subscribe(port, query, headers);
        assertEquals(200, client.status, "status");
        Event welcome = client.next();
        if (welcome != null && welcome.retry() != null && welcome.data() == null) {
            welcome = client.next();    // the options' retry hint opens the stream
        }
        assertNotNull(welcome, "welcome");
        assertEquals("welcome", welcome.type());
        client.subscriberId = Long.parseLong(welcome.data());
        return client;
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
                Client client = join(port, "?topic=" + topic);
                joined.countDown();
                List<Event> events = new ArrayList<>();
                for (Event e; (e = client.next()) != null && !"end".equals(e.type()); ) {
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
                assertEquals(ids.get(topic).get(k), events.get(k).id());
            }
        }
        // Each subscriber got its welcome, its topic's events and the end marker.
        awaitCondition(() -> broadcaster.stats().delivered() == (long) subscribers * (perTopic + 2), Duration.ofSeconds(10),
                "delivered counted");
        Broadcaster.Stats stats = broadcaster.stats();
        assertEquals(3 * perTopic + 3, stats.published());
        assertEquals(Map.of("slow", 0L, "stalled", 0L, "failed", 0L), stats.dropped());
    }

    @Test
    void subscriberThatNeverReadsIsDroppedAtItsQueueBoundWhileItsNeighbourReceivesEverythingAndTheHeapStaysBounded()
            throws Exception {
        int port = serve(Broadcaster.builder().log(EventLog.inMemory(16, 4L << 20, 1)).queueEvents(64).queueBytes(256 * 1024));
        // A client that asks for the stream and then never reads a byte.
        Socket stuck = new Socket();
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new InetSocketAddress("127.0.0.1", port));
        stuck.getOutputStream().write("GET /events?topic=t HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Client reader = join(port, "?topic=t");
        awaitCondition(() -> broadcaster.stats().subscribers() == 2, Duration.ofSeconds(10), "both subscribed");

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedHeapAfterGc(memory);
        int events = 10_240;
        String payload = "x".repeat(4000);
        Semaphore readerProgress = new Semaphore(0);
        Future<Integer> readCount = threads.submit(() -> {
            int n = 0;
            for (Event e; (e = reader.next()) != null && !"end".equals(e.type()); n++) {
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
        stuck.setSoTimeout(10_000);
        try (stuck; InputStream in = stuck.getInputStream()) {
            byte[] buffer = new byte[65536];
            while (in.read(buffer) >= 0) {
                // drain
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the dropped client's connection was left open", e);
        } catch (IOException reset) {
            // A connection reset also ends it: the server aborted the stuck write.
        }
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
        Client client = subscribe(server.getAddress().getPort(), "?topic=t");
        Event hint = client.next();
        assertEquals(new Event(null, null, null, Broadcaster.DEFAULT_RECONNECT.toMillis()), hint,
                "the queue is discarded and only the retry hint is written");
        assertNull(client.next());
        assertTrue(client.endedCleanly(), "the stream ended as HTTP frames it");
        assertEquals(1L, broadcaster.stats().dropped().get("slow"));
        awaitCondition(() -> broadcaster.stats().subscribers() == 0, Duration.ofSeconds(5), "subscriber removed");
    }

    @Test
    void twoHundredVanishedClientsAreRemovedWithinThreeHeartbeatIntervalsWithNothingPublished() throws Exception {
        Duration heartbeat = Duration.ofMillis(500);
        int port = serve(Broadcaster.builder().log(firstIdOne()).options(SseOptions.defaults().withHeartbeat(heartbeat)));
        List<Client> vanishing = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            vanishing.add(join(port, "?topic=t"));
        }
        assertEquals(200, broadcaster.stats().subscribers());
        long published = broadcaster.stats().published();
        long closedAt = System.nanoTime();
        for (Client client : vanishing) {
            client.socket.close();
        }
        // A heartbeat goes to a stream silent for a whole interval (checked every quarter): the
        // first draws the reset, the second fails, within two and a half intervals.
        awaitCondition(() -> broadcaster.stats().subscribers() == 0, heartbeat.multipliedBy(3).minusNanos(System.nanoTime() - closedAt),
                "all vanished clients removed within three heartbeat intervals");
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
        AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(maxEvents);
        AtomicInteger published = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> publisher = threads.submit(() -> {
            // Events of another topic interleave, so ids of t have gaps that the replay must skip.
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
        awaitCondition(() -> published.get() > 1000, Duration.ofSeconds(10), "publisher started");

        // A fresh client, then a chain of clients each resuming after the last id its predecessor
        // saw: every hand-off from replay to live happens while the publisher runs.
        List<Event> seen = new ArrayList<>();
        try (Client first = join(port, "?topic=t")) {
            while (seen.size() < 2000) {
                seen.add(first.next());
            }
        }
        int firstCount = seen.size();
        for (int resume = 0; resume < 6; resume++) {
            String after = seen.get(seen.size() - 1).id();
            try (Client next = join(port, "?topic=t", "Last-Event-ID: " + after)) {
                for (int n = 0; n < 2000; n++) {
                    seen.add(next.next());
                }
                assertFalse(publisher.isDone(), "publisher still running during resume " + resume);
                if (resume == 5) {
                    stop.set(true);
                    publisher.get(10, TimeUnit.SECONDS);
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
        int start = Integer.parseInt(seen.get(0).data());
        for (int i = 0; i < seen.size(); i++) {
            Event e = seen.get(i);
            assertEquals(Integer.toString(start + i), e.data(), "event " + i + " (no gap, no duplicate)");
            assertEquals(ids.get(start + i), e.id(), "id of event " + i);
        }
        assertTrue(seen.size() - firstCount >= 10_000, "events after the resume: " + (seen.size() - firstCount));
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
        Client client = join(port, "?topic=t&lastEventId=3");
        broadcaster.publish("t", SseEvent.of("live"));
        assertEquals(new Event("5", null, "e3"), client.next());
        assertEquals(new Event("7", null, "e4"), client.next());
        assertEquals(new Event("9", null, "e5"), client.next());
        assertEquals(new Event("11", null, "live"), client.next());
    }

    @Test
    void expiredIdGetsResetFirstThenOnlyLiveEvents() throws Exception {
        Broadcaster.Builder builder = Broadcaster.builder().log(EventLog.inMemory(5, 4L << 20, 1));
        int port = serveWithoutWelcome(builder);
        for (int k = 1; k <= 10; k++) {
            broadcaster.publish("t", SseEvent.of("e" + k));
        }
        Client client = subscribe(port, "?topic=t", "Last-Event-ID: 4");
        Event reset = client.next();
        broadcaster.publish("t", SseEvent.of("live"));
        assertEquals(new Event("10", "reset", "expired"), reset);
        assertEquals(new Event("11", null, "live"), client.next());
    }

    @Test
    void unknownIdsGetResetFirst() throws Exception {
        int port = serveWithoutWelcome(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish("t", SseEvent.of("e1"));
        broadcaster.publish("t", SseEvent.of("e2"));
        for (String unknown : List.of("abc", "3", "999999999999999999999", "-1", "+1", "1.0", "0x1")) {
            Client client = subscribe(port, "?topic=t", "Last-Event-ID: " + unknown);
            assertEquals(new Event("2", "reset", "unknown"), client.next(), "after " + unknown);
        }
        // The last id issued resumes with nothing to replay and no reset.
        Client upToDate = subscribe(port, "?topic=t", "Last-Event-ID: 2");
        broadcaster.publish("t", SseEvent.of("e3"));
        assertEquals(new Event("3", null, "e3"), upToDate.next());
    }

    @Test
    void subscriberLimitAnswers503WithRetryAfterBeforeAnyStreamStarts() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).maxSubscribers(2)
                .options(SseOptions.defaults().withHeartbeat(Duration.ofMillis(100))));
        Client first = join(port, "");
        join(port, "");
        Client refused = subscribe(port, "");
        assertEquals(503, refused.status);
        assertEquals("5", refused.header("Retry-After"));
        assertTrue(refused.header("Content-Type").startsWith("text/plain"), refused.header("Content-Type"));
        assertEquals("too many subscribers\n", refused.readBody());
        assertEquals(2, broadcaster.stats().subscribers());
        assertEquals(1, broadcaster.rejected());

        // A slot frees once the server has found a subscriber gone.
        first.socket.close();
        awaitCondition(() -> {
            try (Client again = Client.get(port, "/events")) {
                return again.status == 200;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(5), "a new subscriber admitted after one left");
    }

    @Test
    void closeWithFiveHundredOpenStreamsEndsEveryStreamWithinTheBound() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).options(SseOptions.defaults().withRetry(Duration.ofMillis(1500))));
        int streams = 500;
        List<Future<Boolean>> ends = new ArrayList<>();
        CountDownLatch joined = new CountDownLatch(streams);
        for (int i = 0; i < streams; i++) {
            ends.add(threads.submit(() -> {
                Client client = join(port, "?topic=t");
                joined.countDown();
                Event e = client.next();
                boolean sawData = e != null && "before close".equals(e.data());
                Event hint = client.next();
                boolean sawHint = hint != null && Long.valueOf(1500).equals(hint.retry()) && hint.data() == null;
                return sawData && sawHint && client.next() == null && client.endedCleanly();
            }));
        }
        assertTrue(joined.await(60, TimeUnit.SECONDS), "all subscribed");
        broadcaster.publish("t", SseEvent.of("before close"));
        Duration grace = Duration.ofSeconds(3);
        long start = System.nanoTime();
        broadcaster.close(grace);
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < grace.toNanos() + TimeUnit.MILLISECONDS.toNanos(500), "close took " + elapsed / 1_000_000 + " ms");
        int ended = 0;
        for (Future<Boolean> end : ends) {
            if (end.get(10, TimeUnit.SECONDS)) {
                ended++;
            }
        }
        assertEquals(streams, ended, "streams that got the event, the retry hint and a clean end");
        assertEquals(0, broadcaster.stats().subscribers());

        Client late = subscribe(port, "");
        assertEquals(503, late.status);
        assertEquals("5", late.header("Retry-After"));
    }

    @Test
    void closeAbortsAStreamStillStuckAtTheDeadline() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).queueEvents(100_000).queueBytes(1L << 30));
        Socket stuck = new Socket();
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new InetSocketAddress("127.0.0.1", port));
        stuck.getOutputStream().write("GET /events?topic=t HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Client reader = join(port, "?topic=t");
        awaitCondition(() -> broadcaster.stats().subscribers() == 2, Duration.ofSeconds(10), "both subscribed");
        String payload = "y".repeat(16 * 1024);
        Future<Integer> read = threads.submit(() -> {
            int n = 0;
            while (reader.next() != null) {
                n++;
            }
            return n;
        });
        // Far more than the socket buffers hold, so the stuck client's write blocks.
        for (int k = 0; k < 1000; k++) {
            broadcaster.publish("t", SseEvent.of(payload));
        }
        Duration grace = Duration.ofMillis(1500);
        long start = System.nanoTime();
        broadcaster.close(grace);
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < grace.toNanos() + TimeUnit.MILLISECONDS.toNanos(500), "close took " + elapsed / 1_000_000 + " ms");
        assertEquals(1001, read.get(10, TimeUnit.SECONDS), "the reader got every event and the retry hint");
        assertEquals(1L, broadcaster.stats().dropped().get("stalled"));
        stuck.setSoTimeout(10_000);
        try (stuck; InputStream in = stuck.getInputStream()) {
            byte[] buffer = new byte[65536];
            while (in.read(buffer) >= 0) {
                // drain what the kernel held
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the stuck client's connection was left open", e);
        } catch (IOException reset) {
            // Reset by the abort: also an end.
        }
    }

    @Test
    void aWriteStuckForTwoHeartbeatIntervalsIsAbortedWithNothingMorePublished() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).queueEvents(100_000).queueBytes(1L << 30)
                .options(SseOptions.defaults().withHeartbeat(Duration.ofMillis(200))));
        Socket stuck = new Socket();
        clients.add(new Client(stuck));
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new InetSocketAddress("127.0.0.1", port));
        stuck.getOutputStream().write("GET /events?topic=t HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        awaitCondition(() -> broadcaster.stats().subscribers() == 1, Duration.ofSeconds(10), "subscribed");
        String payload = "z".repeat(16 * 1024);
        for (int k = 0; k < 1000; k++) {
            broadcaster.publish("t", SseEvent.of(payload));
        }
        awaitCondition(() -> broadcaster.stats().dropped().get("stalled") == 1, Duration.ofSeconds(5), "stalled write aborted");
        assertEquals(0, broadcaster.stats().subscribers());
    }

    @Test
    void sendReachesOnlyTheNamedSubscriber() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        Client a = join(port, "?topic=t");
        Client b = join(port, "?topic=t");
        Client c = join(port, "?topic=u");
        assertTrue(broadcaster.send(b.subscriberId, SseEvent.of("direct", "for b")));
        assertFalse(broadcaster.send(424242, SseEvent.of("nobody")));
        broadcaster.publish("t", SseEvent.of("all t"));
        broadcaster.publish("u", SseEvent.of("all u"));
        assertEquals(new Event("1", null, "all t"), a.next());
        assertEquals(new Event(null, "direct", "for b"), b.next());
        assertEquals(new Event("1", null, "all t"), b.next());
        assertEquals(new Event("2", null, "all u"), c.next());
        assertEquals(2, broadcaster.stats().published(), "send is not a publish");
    }

    @Test
    void publishExceptReachesAllButOne() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        List<Client> room = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            room.add(join(port, "?topic=chat"));
        }
        Client sender = room.get(2);
        String id = broadcaster.publishExcept("chat", SseEvent.of("message", "hello"), sender.subscriberId);
        broadcaster.publish("chat", SseEvent.of("marker"));
        for (Client client : room) {
            if (client != sender) {
                assertEquals(new Event(id, "message", "hello"), client.next());
            }
            assertEquals("marker", client.next().data());
        }
    }

    @Test
    void onSubscribeEventArrivesFirstBeforeReplayAndLiveEvents() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish("t", SseEvent.of("old"));
        Client client = subscribe(port, "?topic=t", "Last-Event-ID: 0");
        broadcaster.publish("t", SseEvent.of("new"));
        Event first = client.next();
        assertEquals("welcome", first.type());
        assertNull(first.id(), "the welcome gets no id, so the client's last id stays as it was");
        assertEquals(new Event("1", null, "old"), client.next());
        assertEquals(new Event("2", null, "new"), client.next());
    }

    @Test
    void otherMethodsGet405AndAnInvalidTopicGets400() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        Client post = Client.request(port, "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n");
        clients.add(post);
        assertEquals(405, post.status);
        assertEquals("GET, OPTIONS", post.header("Allow"));
        Client empty = subscribe(port, "?topic=");
        assertEquals(400, empty.status);
        assertEquals("topic must not be empty\n", empty.readBody());
        Client control = subscribe(port, "?topic=a%0Ab");
        assertEquals(400, control.status);
        assertEquals("topic must not contain control characters: \"a\\nb\"\n", control.readBody());
        Client tooLong = subscribe(port, "?topic=" + "t".repeat(Update.MAX_TOPIC_LENGTH + 1));
        assertEquals(400, tooLong.status);
        assertEquals(0, broadcaster.stats().subscribers());
    }

    @Test
    void corsOriginsMayReadTheStream() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).options(SseOptions.defaults().withCorsOrigins("https://a.example")));
        Client allowed = join(port, "", "Origin: https://a.example");
        assertEquals("https://a.example", allowed.header("Access-Control-Allow-Origin"));
        Client other = join(port, "", "Origin: https://b.example");
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
        Client client = subscribe(port, "?topic=t");
        assertEquals(200, client.status);
        broadcaster.publish("t", SseEvent.of("right after the headers"));
        assertEquals(new Event("1", null, "right after the headers", null), client.next());
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
        Client client = subscribe(port, "?topic=t", "Last-Event-ID: " + earlierId);
        assertEquals(new Event(first, "reset", "expired", null), client.next());
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
        Client client = join(port, "?topic=t");
        broadcaster.close(Duration.ofSeconds(2));
        broadcaster.close(Duration.ofSeconds(2));
        broadcaster.close();
        assertEquals("1", broadcaster.publish("t", SseEvent.of("after")));
        Event hint = client.next();
        assertEquals(Long.valueOf(Broadcaster.DEFAULT_RECONNECT.toMillis()), hint.retry());
        assertNull(client.next());
        assertTrue(client.endedCleanly());
    }

    @Test
    void defaultSubscriberLimitIsTheDescriptorLimitMinusHeadroom() {
        var os = (com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        assertEquals(os.getMaxFileDescriptorCount() - Admission.DESCRIPTOR_HEADROOM, Admission.defaultMaxSubscribers());
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

    /**
     * Waits for a condition that no event signals (the server's own bookkeeping), checking every
     * few milliseconds, and fails at the deadline.
     */
    private static void awaitCondition(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** One dispatched event as a client sees it; {@code retry} is set for a retry-only frame. */
    record Event(String id, String type, String data, Long retry) {
        Event(String id, String type, String data) {
            this(id, type, data, null);
        }
    }

    /**
     * A raw HTTP/1.1 subscriber: sends the request with {@code Connection: close}, reads the
     * status and headers, then decodes the chunked body into events, skipping comments.
     */
    static final class Client implements AutoCloseable {
        final Socket socket;
        private InputStream in;
        int status;
        long subscriberId;
        private final Map<String, String> headers = new HashMap<>();
        private InputStream body;
        private boolean chunked;
        private long remaining;
        private boolean ended;
        private boolean firstChunk = true;

        Client(Socket socket) {
            this.socket = socket;
        }

        static Client get(int port, String target, String... headers) throws IOException {
            StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            return request(port, head.toString());
        }

        static Client request(int port, String head) throws IOException {
            Socket socket = new Socket();
            Client client = new Client(socket);
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                out.write((head + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                client.in = new BufferedInputStream(socket.getInputStream(), 4096);
                client.readHead();
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
            return client;
        }

        private void readHead() throws IOException {
            String statusLine = rawLine();
            if (statusLine == null) {
                throw new IOException("no response");
            }
            status = Integer.parseInt(statusLine.split(" ")[1]);
            for (String line; (line = rawLine()) != null && !line.isEmpty(); ) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            chunked = "chunked".equalsIgnoreCase(header("Transfer-Encoding"));
            if (!chunked) {
                String length = header("Content-Length");
                remaining = length == null ? Long.MAX_VALUE : Long.parseLong(length);
            }
            body = new InputStream() {
                @Override
                public int read() throws IOException {
                    return bodyByte();
                }
            };
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        private int bodyByte() throws IOException {
            if (ended) {
                return -1;
            }
            if (chunked && remaining == 0) {
                if (!firstChunk) {
                    rawLine();
                }
                firstChunk = false;
                String size = rawLine();
                if (size == null) {
                    return -1;
                }
                remaining = Long.parseLong(size.trim(), 16);
                if (remaining == 0) {
                    rawLine();
                    ended = true;
                    return -1;
                }
            }
            if (!chunked && remaining == 0) {
                ended = true;
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        /** Returns whether the body ended as HTTP frames it (the last chunk), not by a cut connection. */
        boolean endedCleanly() {
            return ended;
        }

        String readBody() throws IOException {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }

        /** Returns the next event, or null when the stream ends; comment-only blocks are skipped. */
        Event next() throws IOException {
            String id = null;
            String type = null;
            StringBuilder data = null;
            Long retry = null;
            while (true) {
                String line = bodyLine();
                if (line == null) {
                    return null;
                }
                if (line.isEmpty()) {
                    if (id != null || type != null || data != null || retry != null) {
                        return new Event(id, type, data == null ? null : data.toString(), retry);
                    }
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> type = value;
                    case "retry" -> retry = Long.parseLong(value);
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> throw new IOException("unexpected field: " + line);
                }
            }
        }

        private String bodyLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            for (int b; (b = body.read()) != '\n'; ) {
                if (b < 0) {
                    return null;
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        private String rawLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    return line.isEmpty() ? null : line.toString();
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a test socket: nothing to do
            }
        }
    }
}
