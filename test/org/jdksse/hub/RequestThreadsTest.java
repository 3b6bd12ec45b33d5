package org.jdksse.hub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdksse.testing.Await;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub's request threads: platform threads while one is idle, virtual threads beyond, and never a stream. */
@Timeout(60)
class RequestThreadsTest {
    /** Runs a task on the executor and returns whether it ran on a virtual thread. */
    private static boolean ranVirtual(RequestThreads threads) throws Exception {
        CompletableFuture<Boolean> virtual = new CompletableFuture<>();
        threads.execute(() -> virtual.complete(Thread.currentThread().isVirtual()));
        return virtual.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anIdleThreadTakesTheRequest() throws Exception {
        RequestThreads threads = new RequestThreads();
        try {
            assertFalse(ranVirtual(threads));
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void whileAllAreBusyRequestsRunOnVirtualThreads() throws Exception {
        RequestThreads threads = new RequestThreads();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(4);
        try {
            for (int i = 0; i < 4; i++) { // as four clients that are slow to send their requests would
                threads.execute(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertEquals(4, threads.busy());
            assertTrue(ranVirtual(threads), "the fifth request runs at once, on a virtual thread");
        } finally {
            release.countDown();
            threads.shutdown();
        }
    }

    @Test
    void afterShutdownRequestsStillRun() throws Exception {
        RequestThreads threads = new RequestThreads();
        threads.shutdown();
        assertTrue(ranVirtual(threads));
    }

    @Test
    void streamsLeaveTheRequestThreads() throws Exception {
        Hub hub = Hub.start(HubOptions.parse(new String[] {"--port", "0"}, Map.of()));
        List<RawClient> streams = new ArrayList<>();
        try {
            int port = hub.address().getPort();
            for (int i = 0; i < 3; i++) { // six streams, more than there are request threads
                streams.add(RawClient.get(port, "/events?topic=t"));
                streams.add(RawClient.get(port, "/.well-known/mercure?topic=t"));
            }
            Await.until("six subscribers", () -> hub.broadcaster().stats().subscribers() == 6);
            Await.until("no request thread held", () -> hub.requestThreads().busy() == 0);
            RawClient.Response published = RawClient.exchange(port, "POST", "/events", "topic=t&data=both".getBytes(UTF_8),
                    "Content-Type: application/x-www-form-urlencoded");
            assertEquals(200, published.status(), published.body());
            for (RawClient stream : streams) {
                assertEquals(200, stream.status());
                assertEquals("both", stream.next().data());
            }
        } finally {
            for (RawClient stream : streams) {
                stream.close();
            }
            hub.stop();
        }
    }
}
