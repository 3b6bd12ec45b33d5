package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdksse.testing.Await;
import org.jdksse.testing.FakeExchange;
import org.jdksse.testing.Heartbeats;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.Test;

/**
 * The broadcaster over real sockets at its bounds: slow, stuck and vanished subscribers, the
 * subscriber limit, and close ({@link BroadcasterFixture}).
 */
class BroadcasterLimitsTest extends BroadcasterFixture {
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
    void anIdleSubscriberGetsAHeartbeatEveryIntervalNotEveryIntervalAndAQuarter() throws Exception {
        Duration heartbeat = Duration.ofSeconds(1);
        int port = serve(Broadcaster.builder().log(firstIdOne()).options(SseOptions.defaults().withHeartbeat(heartbeat, "hb")));
        try (RawClient client = join(port, "?topic=t")) {
            Duration gap = Heartbeats.medianGap(client, "hb", 6);
            // The watchdog looks every quarter interval; a heartbeat that had to wait for a whole
            // interval of silence came every interval and a quarter.
            assertTrue(gap.compareTo(heartbeat.multipliedBy(9).dividedBy(8)) < 0, "median gap " + gap);
        }
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
    void aSubscriberRefusedAtCloseWhoseClientIsGoneIsNeitherWaitedForNorCountedAsStalled() throws Exception {
        CountDownLatch inHook = new CountDownLatch(1);
        broadcaster = Broadcaster.builder().log(firstIdOne()).queueEvents(100_000).onSubscribe(sub -> {
            inHook.countDown();
            try {
                // send() answers false once close has taken its list of subscribers (this one
                // in it) and shut them down; then this one goes on to join and is refused.
                Await.until("close shut the subscriber down", () -> !sub.send(SseEvent.of("probe")));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).build();
        FakeExchange gone = new FakeExchange("GET", "/events?topic=t", "127.0.0.1", "").clientGone();
        Duration grace = Duration.ofSeconds(5);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> serving = pool.submit(() -> {
                broadcaster.serve(gone, Interest.topics(Set.of("t")));
                return null;
            });
            assertTrue(inHook.await(10, TimeUnit.SECONDS), "the subscriber reached its hook");
            Future<?> closing = pool.submit(() -> broadcaster.close(grace));
            ExecutionException refused = assertThrows(ExecutionException.class, () -> serving.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, refused.getCause(), "the 503 could not be written");
            closing.get(grace.toSeconds() + 10, TimeUnit.SECONDS);
        }
        assertEquals(503, gone.status());
        assertEquals(0L, broadcaster.stats().dropped().get("stalled"), "a subscriber that never streamed did not stall");
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
    void aReplayThatTakesLongerThanTwoHeartbeatsReachesAClientThatKeepsReading() throws Exception {
        int port = serveWithoutWelcome(Broadcaster.builder().log(EventLog.inMemory(1000, 64L << 20, 1))
                .options(SseOptions.defaults().withHeartbeat(Duration.ofSeconds(1))));
        String payload = "z".repeat(32 * 1024);
        // About 16 MB, one batch, of which the socket buffers take about 3 MB at once: the write
        // lasts at least 4 s at the reader's 3 MB/s, against a 2 s stall bound (see SteadyReader).
        int events = 500;
        for (int k = 0; k < events; k++) {
            broadcaster.publish("t", SseEvent.of(payload));
        }
        int ids;
        try (SteadyReader slow = SteadyReader.get(port, "/events?topic=t", "Last-Event-ID: 1")) {
            ids = slow.count("id: ", events - 1);
        }
        assertEquals(events - 1, ids, "ids after 1 received; dropped " + broadcaster.stats().dropped());
        assertEquals(0L, broadcaster.stats().dropped().get("stalled"));
    }

    @Test
    void oneEventThatTakesLongerThanTwoHeartbeatsToWriteReachesAClientThatKeepsReading() throws Exception {
        int port = serveWithoutWelcome(largeEvents());
        try (SteadyReader slow = SteadyReader.get(port, "/events?topic=t")) {
            Await.value("subscribed", Duration.ofSeconds(10), () -> broadcaster.stats().subscribers(), n -> n == 1);
            // 16 MB in one frame, of which the socket buffers take about 3 MB at once: its write
            // lasts at least 4 s at the reader's 3 MB/s, against a 2 s stall bound (see SteadyReader).
            broadcaster.publish("t", SseEvent.of("z".repeat(16 << 20)));
            broadcaster.publish("t", SseEvent.of("end", ""));
            assertEquals(1, slow.count("event: end\n", 1), "the event after the large one; read "
                    + slow.bytes() + " bytes, dropped " + broadcaster.stats().dropped());
        }
        assertEquals(0L, broadcaster.stats().dropped().get("stalled"));
    }

    @Test
    void aClientThatStopsReadingPartWayThroughOneLargeEventIsAbortedAsStalled() throws Exception {
        int port = serveWithoutWelcome(largeEvents());
        try (SteadyReader stuck = SteadyReader.get(port, "/events?topic=t")) {
            Await.value("subscribed", Duration.ofSeconds(10), () -> broadcaster.stats().subscribers(), n -> n == 1);
            broadcaster.publish("t", SseEvent.of("z".repeat(16 << 20)));
            assertTrue(stuck.readAtLeast(1 << 20) >= 1 << 20, "read a part before stopping");
            // The write would wait for the reader for ever; the 2 s stall bound ends it.
            Await.value("the stopped client's write aborted", Duration.ofSeconds(15),
                    () -> broadcaster.stats().dropped().get("stalled"), n -> n == 1);
            assertTrue(stuck.awaitEnd(10_000), "the stopped client's connection was left open");
        }
    }

    @Test
    void closeIsIdempotentAndPublishingAfterItIsRefusedNotAcknowledged() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        RawClient client = join(port, "?topic=t");
        broadcaster.close(Duration.ofSeconds(2));
        broadcaster.close(Duration.ofSeconds(2));
        broadcaster.close(Duration.ofSeconds(Long.MAX_VALUE)); // saturates, as a wait for every stream
        // An id would acknowledge an update that no one gets: the in-memory log ends with this process.
        var refused = assertThrows(IllegalStateException.class, () -> broadcaster.publish("t", SseEvent.of("after")));
        assertEquals("the broadcaster is closed", refused.getMessage());
        assertThrows(EOFException.class, client::next, "nothing published after close reaches the client");
        assertEquals(Broadcaster.DEFAULT_RECONNECT.toMillis(), client.events().retry());
        assertTrue(client.endedCleanly());
    }

    @Test
    void defaultSubscriberLimitIsTheDescriptorLimitMinusHeadroom() {
        var os = (com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        assertEquals(os.getMaxFileDescriptorCount() - Admission.DESCRIPTOR_HEADROOM, Admission.defaultMaxSubscribers());
    }

    /** A broadcaster for one 16 MB event: a 1 s heartbeat (a 2 s stall bound), and room for it in the log and queue. */
    private static Broadcaster.Builder largeEvents() {
        return Broadcaster.builder().log(EventLog.inMemory(16, 64L << 20, 1)).queueBytes(64L << 20)
                .options(SseOptions.defaults().withHeartbeat(Duration.ofSeconds(1)));
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
