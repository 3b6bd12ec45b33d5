package org.jdksse.hub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdksse.testing.Await;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub's request threads: a virtual thread while the carriers are free, a platform thread when they
 * are busy, and never for the life of a stream.
 */
@Timeout(60)
class RequestThreadsTest {
    private final RequestThreads threads = new RequestThreads();
    private final Queue<Runnable> graceOver = new ConcurrentLinkedQueue<>();
    /**
     * Runs each request's grace check only when the test calls {@link #graceIsOver}: on a loaded
     * machine, submitting a few requests can take longer than the 5 ms grace.
     */
    private final RequestThreads held = new RequestThreads(graceOver::add);
    private final List<Thread> spinners = new ArrayList<>();
    private volatile boolean spin;

    @AfterEach
    void stop() throws InterruptedException {
        release();
        threads.shutdown();
        held.shutdown();
    }

    /** Runs the grace checks of every request submitted to {@link #held} so far. */
    private void graceIsOver() {
        for (Runnable check; (check = graceOver.poll()) != null; ) {
            check.run();
        }
    }

    /** Keeps every carrier of the virtual threads busy, as a long fan-out does, until {@link #release}. */
    private void occupyCarriers() throws InterruptedException {
        String property = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        int carriers = property != null ? Integer.parseInt(property) : Runtime.getRuntime().availableProcessors();
        spin = true;
        CountDownLatch running = new CountDownLatch(carriers);
        for (int i = 0; i < carriers; i++) {
            spinners.add(Thread.ofVirtual().start(() -> {
                running.countDown();
                while (spin) {
                    Thread.onSpinWait(); // never parks, so the carrier stays taken
                }
            }));
        }
        assertTrue(running.await(10, TimeUnit.SECONDS));
    }

    private void release() throws InterruptedException {
        spin = false;
        for (Thread spinner : spinners) {
            spinner.join();
        }
        spinners.clear();
    }

    /** Runs a task on the executor and returns whether it ran on a virtual thread. */
    private Future<Boolean> whereItRuns() {
        return whereItRuns(threads);
    }

    private static Future<Boolean> whereItRuns(RequestThreads executor) {
        CompletableFuture<Boolean> virtual = new CompletableFuture<>();
        executor.execute(() -> virtual.complete(Thread.currentThread().isVirtual()));
        return virtual;
    }

    @Test
    void freeCarriersRunTheRequest() throws Exception {
        assertTrue(whereItRuns().get(10, TimeUnit.SECONDS));
        assertEquals(0, threads.takenOver());
    }

    @Test
    void busyCarriersHandTheRequestToAPlatformThread() throws Exception {
        occupyCarriers();
        assertFalse(whereItRuns().get(10, TimeUnit.SECONDS), "ran on a platform thread while the carriers were busy");
        assertEquals(1, threads.takenOver());
    }

    @Test
    void manyWaitingRequestsWaitForTheCarriers() throws Exception {
        occupyCarriers();
        List<Future<Boolean>> storm = new ArrayList<>();
        for (int i = 0; i <= 2 * RequestThreads.THREADS; i++) { // as a storm of connecting subscribers
            storm.add(whereItRuns(held));
        }
        assertEquals(storm.size(), graceOver.size(), "every request's grace check is held");
        graceIsOver();
        Thread.sleep(4 * RequestThreads.GRACE_MILLIS); // time for a wrongly taken-over request to run
        release();
        for (Future<Boolean> request : storm) {
            assertTrue(request.get(10, TimeUnit.SECONDS), "ran on its virtual thread");
        }
        assertEquals(0, held.takenOver());
    }

    @Test
    void fewWaitingRequestsAreTakenOverWhenTheGraceIsOver() throws Exception {
        occupyCarriers();
        List<Future<Boolean>> few = new ArrayList<>();
        for (int i = 0; i < RequestThreads.THREADS; i++) {
            few.add(whereItRuns(held));
        }
        graceIsOver();
        for (Future<Boolean> request : few) {
            assertFalse(request.get(10, TimeUnit.SECONDS), "ran on a platform thread");
        }
        assertEquals(RequestThreads.THREADS, held.takenOver());
    }

    @Test
    void whenThePlatformThreadsAreBusyTooRequestsWaitForTheCarriers() throws Exception {
        occupyCarriers();
        CountDownLatch blocked = new CountDownLatch(4);
        CountDownLatch unblock = new CountDownLatch(1);
        for (int i = 0; i < 4; i++) { // as four clients that are slow to send their requests would
            threads.execute(() -> {
                blocked.countDown();
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        assertEquals(4, threads.busy());
        Future<Boolean> fifth = whereItRuns();
        Thread.sleep(4 * RequestThreads.GRACE_MILLIS);
        assertFalse(fifth.isDone(), "no thread was free to run it");
        release();
        assertTrue(fifth.get(10, TimeUnit.SECONDS), "it ran on its virtual thread once a carrier was free");
        unblock.countDown();
    }

    @Test
    void streamsDoNotStayOnPlatformThreads() throws Exception {
        Hub hub = Hub.start(HubOptions.parse(new String[] {"--port", "0"}, Map.of()));
        List<RawClient> streams = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            int port = hub.address().getPort();
            occupyCarriers();
            RequestThreads requestThreads = hub.requestThreads();
            List<Future<RawClient>> opening = new ArrayList<>();
            for (int i = 0; i < 6; i++) { // one at a time: a platform thread takes over while few wait
                String target = i % 2 == 0 ? "/events?topic=t" : "/.well-known/mercure?topic=t";
                opening.add(clients.submit(() -> RawClient.get(port, target)));
                long taken = i + 1;
                Await.value("requests taken over", Duration.ofSeconds(10), requestThreads::takenOver, n -> n == taken);
            }
            // Six streams, more than there are platform threads, and none holds one.
            Await.value("platform threads busy", Duration.ofSeconds(10), requestThreads::busy, n -> n == 0);
            release();
            for (Future<RawClient> stream : opening) {
                streams.add(stream.get(10, TimeUnit.SECONDS));
            }
            Await.until("six subscribers", () -> hub.broadcaster().stats().subscribers() == 6);
            RawClient.Response published = RawClient.exchange(port, "POST", "/events", "topic=t&data=both".getBytes(UTF_8),
                    "Content-Type: application/x-www-form-urlencoded");
            assertEquals(200, published.status(), published.body());
            for (RawClient stream : streams) {
                assertEquals(200, stream.status());
                assertEquals("both", stream.next().data());
            }
        } finally {
            release();
            clients.shutdownNow();
            for (RawClient stream : streams) {
                stream.close();
            }
            hub.stop();
        }
    }
}
