package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One subscription's queue and its OPEN → CLOSING → DEAD transitions, on a fake writer. */
class SubscriptionTest {
    private static final byte[] BEAT = ":\n\n".getBytes();
    private static final byte[] HINT = "retry: 2000\n\n".getBytes();

    private final List<String> departures = new ArrayList<>();
    private final List<Integer> deliveries = new ArrayList<>();
    private final List<Subscription> ended = new ArrayList<>();
    private final Subscription.Owner owner = new Subscription.Owner() {
        @Override
        public synchronized void departed(Subscription sub, Departure reason) {
            departures.add(reason.label);
        }

        @Override
        public synchronized void delivered(int events) {
            deliveries.add(events);
        }

        @Override
        public synchronized void ended(Subscription sub) {
            ended.add(sub);
        }
    };

    private Subscription subscription(FakeWriter writer, int queueEvents) {
        Subscription.Policy policy = new Subscription.Policy(queueEvents, 1 << 20, BEAT, HINT);
        return new Subscription(1, Interest.topics(Set.of("t")), policy, writer, owner);
    }

    private static byte[] frame(String data) {
        return ("data: " + data + "\n\n").getBytes();
    }

    private static Thread start(Subscription sub) {
        return Thread.ofVirtual().start(sub::run);
    }

    @Test
    void theHooksFramesTheResetAndTheReplayGoBeforeWhatQueuedLive() throws Exception {
        FakeWriter writer = new FakeWriter();
        Subscription sub = subscription(writer, 100);
        sub.offer(frame("hook"));
        sub.markLive();
        sub.offer(frame("live"));
        sub.release("event: reset\n\n".getBytes(), List.of(frame("replayed")));
        Thread thread = start(sub);
        assertEquals(List.of("event: reset\n\n", "data: hook\n\n", "data: replayed\n\n", "data: live\n\n"), writer.await(4));
        sub.shutdown();
        thread.join(5000);
        assertEquals("retry: 2000\n\n", writer.frames().get(4), "a graceful end writes the hint last");
        assertTrue(writer.finished.await(1, TimeUnit.SECONDS));
        assertEquals(List.of(), departures, "a shutdown is no departure");
    }

    @Test
    void aShutdownWhileTheReplayIsReadStillWritesTheReplayBeforeTheLiveFrames() throws Exception {
        FakeWriter writer = new FakeWriter();
        Subscription sub = subscription(writer, 100);
        sub.markLive();
        sub.offer(frame("live"));
        sub.shutdown(); // the broadcaster closes while the log reads the replay
        sub.release(null, List.of(frame("replayed")));
        Thread thread = start(sub);
        thread.join(5000);
        assertEquals(List.of("data: replayed\n\n", "data: live\n\n", "retry: 2000\n\n"), writer.frames(),
                "no live frame without the replay before it");
    }

    @Test
    void whatWasSentWhileAHandOffStartedOverIsWrittenAfterTheHooksFramesAndOnlyTheLiveFramesAreDiscarded()
            throws Exception {
        FakeWriter writer = new FakeWriter();
        Subscription sub = subscription(writer, 100);
        assertTrue(sub.send(SseEvent.of("hook")));
        sub.markLive();
        sub.offer(frame("live, comes again in the replay"));
        assertTrue(sub.send(SseEvent.of("sent while joined")));
        sub.discardLive(); // the client resumed from an entry not handed over yet: the hand-off starts over
        assertTrue(sub.send(SseEvent.of("sent while the tail caught up")));
        sub.markLive();
        sub.offer(frame("live"));
        sub.release(null, List.of(frame("replayed")));
        start(sub);
        assertEquals(List.of("data: hook\n\n", "data: sent while joined\n\n", "data: sent while the tail caught up\n\n",
                "data: replayed\n\n", "data: live\n\n"), writer.await(5), "every send that answered true");
        sub.abort();
    }

    @Test
    void whatQueuedWhileAWriteWasBlockedLeavesInOneBatch() throws Exception {
        FakeWriter writer = new FakeWriter();
        writer.blockWrites();
        Subscription sub = subscription(writer, 100);
        Thread thread = start(sub);
        sub.offer(frame("0"));
        assertTrue(writer.entered.await(5, TimeUnit.SECONDS));
        // The thread now waits inside the first write; these queue behind it.
        for (int i = 1; i <= 5; i++) {
            sub.offer(frame(Integer.toString(i)));
        }
        writer.allow(2);
        writer.await(6);
        assertEquals(List.of(1, 5), writer.batches(), "two writes for six frames");
        writer.allow(10);
        sub.shutdown();
        thread.join(5000);
        assertEquals(List.of(1, 5), deliveries, "counted per write, the hint not counted");
    }

    @Test
    void noWakeUpIsLostWhileProducersRaceTheThreadParkingAndWaking() throws Exception {
        FakeWriter writer = new FakeWriter();
        Subscription sub = subscription(writer, 1_000_000);
        Thread thread = start(sub);
        int producers = 4;
        int each = 5_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            String name = "p" + p + ":";
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    sub.offer(frame(name + i));
                    if (i % 100 == 0) {
                        Thread.yield(); // let the subscriber's thread drain, park and be woken again
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        List<String> got = writer.await(producers * each);
        for (int p = 0; p < producers; p++) {
            String name = "data: p" + p + ":";
            List<String> mine = got.stream().filter(f -> f.startsWith(name)).toList();
            assertEquals(each, mine.size(), "every frame of producer " + p);
            for (int i = 0; i < each; i++) {
                assertEquals(name + i + "\n\n", mine.get(i), "producer " + p + "'s order");
            }
        }
        assertTrue(writer.batches().size() > 1, "the thread parked and was woken more than once");
        sub.shutdown();
        thread.join(5000);
        assertFalse(thread.isAlive());
    }

    @Test
    void aFullQueueDropsTheSubscriberAsSlowWithAHintAndNothingMoreIsQueued() throws Exception {
        FakeWriter writer = new FakeWriter();
        Subscription sub = subscription(writer, 3);
        for (int i = 0; i < 3; i++) {
            assertTrue(sub.offer(frame(Integer.toString(i))));
        }
        assertFalse(sub.offer(frame("one too many")), "CLOSING: the queue is discarded");
        assertFalse(sub.offer(frame("later")));
        assertEquals(List.of("slow"), departures);
        Thread thread = start(sub);
        thread.join(5000);
        assertEquals(List.of("retry: 2000\n\n"), writer.frames(), "only the hint: the queue was discarded");
        assertEquals(List.of(sub), ended);
    }

    @Test
    void aDropWhileAWriteIsStuckAbortsTheStream() throws Exception {
        FakeWriter writer = new FakeWriter();
        writer.blockWrites();
        Subscription sub = subscription(writer, 2);
        Thread thread = start(sub);
        sub.offer(frame("stuck"));
        assertTrue(writer.entered.await(5, TimeUnit.SECONDS));
        assertTrue(sub.offer(frame("a")));
        assertTrue(sub.offer(frame("b")));
        assertFalse(sub.offer(frame("c")), "over the bound while the write is stuck");
        assertTrue(writer.aborted.await(5, TimeUnit.SECONDS), "DEAD: the stuck write is aborted");
        thread.join(5000);
        assertEquals(List.of("slow"), departures);
    }

    @Test
    void aFailedEventWriteIsAFailureAndAFailedHeartbeatAPrune() throws Exception {
        FakeWriter writer = new FakeWriter();
        Subscription sub = subscription(writer, 10);
        Thread thread = start(sub);
        sub.check(System.nanoTime() + TimeUnit.SECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(100));
        assertEquals(List.of(":\n\n"), writer.await(1), "a silent stream gets a heartbeat");
        writer.fail();
        // The first write may still be finishing (it is "in progress" until write() returns), and
        // a check skips a stream that is writing: check again, as the watchdog would.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.isAlive()) {
            assertTrue(System.nanoTime() < deadline, "the failed heartbeat ends the stream");
            sub.check(System.nanoTime() + TimeUnit.SECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(100));
            thread.join(10);
        }
        assertEquals(List.of("pruned"), departures);
        assertEquals(List.of(), deliveries, "heartbeats are not deliveries");

        FakeWriter other = new FakeWriter();
        other.fail();
        departures.clear();
        Subscription second = subscription(other, 10);
        Thread t2 = start(second);
        second.offer(frame("x"));
        t2.join(5000);
        assertEquals(List.of("failed"), departures);
    }

    @Test
    void aWriteStuckLongerThanTheStallLimitIsAbortedOnceAndCounted() throws Exception {
        FakeWriter writer = new FakeWriter();
        writer.blockWrites();
        Subscription sub = subscription(writer, 10);
        Thread thread = start(sub);
        sub.offer(frame("x"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (writer.aborted.getCount() > 0) {
            assertTrue(System.nanoTime() < deadline, "aborted");
            sub.check(System.nanoTime() + TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
            Thread.sleep(1);
        }
        thread.join(5000);
        assertEquals(List.of("stalled"), departures);
        assertTrue(sub.awaitDone(0));
    }
}
