package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdksse.testing.Heartbeats;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-request streams over real sockets. */
class SseStreamTest {
    private HttpServer server;

    private int serve(SseOptions options, SseStream.Producer producer) throws Exception {
        server = Sse.server(0);
        server.createContext("/s", Sse.handler(options, producer));
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void headersArriveBeforeAnyEvent() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int port = serve(SseOptions.defaults(), stream -> {
            release.await();
            stream.send("late");
        });
        try (RawClient client = RawClient.get(port, "/s")) {
            assertEquals(200, client.status());
            assertEquals("text/event-stream; charset=utf-8", client.header("Content-Type"));
            assertEquals("no-cache", client.header("Cache-Control"));
            assertEquals("no", client.header("X-Accel-Buffering"));
            assertEquals("chunked", client.header("Transfer-Encoding"));
            release.countDown();
            assertEquals("data: late\n\n", client.readToEnd());
        } finally {
            release.countDown();
        }
    }

    @Test
    void retryHintIsTheFirstFrame() throws Exception {
        int port = serve(SseOptions.defaults().withRetry(Duration.ofMillis(2500)), stream -> stream.send("x"));
        try (RawClient client = RawClient.get(port, "/s")) {
            assertEquals("retry: 2500\n\ndata: x\n\n", client.readToEnd());
        }
    }

    @Test
    void idleStreamGetsHeartbeatComments() throws Exception {
        int port = serve(SseOptions.defaults().withHeartbeat(Duration.ofMillis(50), "keep-alive"), SseStream::awaitClose);
        try (RawClient client = RawClient.get(port, "/s")) {
            assertTrue(client.readUntil(": keep-alive\n\n: keep-alive\n\n").startsWith(": keep-alive\n\n"));
        }
    }

    @Test
    void anIdleStreamGetsAHeartbeatEveryIntervalNotEveryIntervalAndAHalf() throws Exception {
        Duration heartbeat = Duration.ofSeconds(1);
        int port = serve(SseOptions.defaults().withHeartbeat(heartbeat, "hb"), SseStream::awaitClose);
        try (RawClient client = RawClient.get(port, "/s")) {
            Duration gap = Heartbeats.medianGap(client, "hb", 6);
            // The check runs every half interval; a heartbeat that had to wait for a whole
            // interval of silence came every interval and a half.
            assertTrue(gap.compareTo(heartbeat.multipliedBy(9).dividedBy(8)) < 0, "median gap " + gap);
        }
    }

    @Test
    void vanishedClientIsNoticedAtTheNextHeartbeatAndTheHandlerThreadEnds() throws Exception {
        AtomicInteger callbacks = new AtomicInteger();
        CountDownLatch closed = new CountDownLatch(1);
        CompletableFuture<Thread> handlerThread = new CompletableFuture<>();
        CompletableFuture<SseStream> opened = new CompletableFuture<>();
        int port = serve(SseOptions.defaults().withHeartbeat(Duration.ofMillis(100)), stream -> {
            handlerThread.complete(Thread.currentThread());
            stream.onClose(() -> {
                callbacks.incrementAndGet();
                closed.countDown();
            });
            opened.complete(stream);
            stream.awaitClose();
        });
        RawClient client = RawClient.get(port, "/s");
        SseStream stream = opened.get(5, TimeUnit.SECONDS);
        assertTrue(stream.isOpen());
        client.close();

        assertTrue(closed.await(5, TimeUnit.SECONDS), "the close callback should run once the heartbeat fails");
        assertFalse(stream.isOpen());
        Thread thread = handlerThread.get();
        thread.join(5000);
        assertFalse(thread.isAlive(), "the handler's virtual thread should end");
        assertTrue(thread.isVirtual());
        stream.close();
        stream.onClose(callbacks::incrementAndGet);
        assertEquals(2, callbacks.get(), "the first callback ran once; one added after closing runs at once");
    }

    @Test
    void vanishedClientIsNoticedByTheProducersWritesWithoutAnException() throws Exception {
        CompletableFuture<Integer> sentAfterClose = new CompletableFuture<>();
        CountDownLatch clientGone = new CountDownLatch(1);
        int port = serve(SseOptions.defaults().withHeartbeat(Duration.ZERO), stream -> {
            stream.send("first");
            clientGone.await();
            int sent = 0;
            while (stream.send("more") && sent < 1000) {
                sent++;
                Thread.sleep(5);
            }
            sentAfterClose.complete(sent);
        });
        try (RawClient client = RawClient.get(port, "/s")) {
            client.readUntil("first");
        }
        clientGone.countDown();
        int sent = sentAfterClose.get(10, TimeUnit.SECONDS);
        assertTrue(sent < 5, "a write to a closed socket fails within a couple of writes, sent " + sent);
    }

    @Test
    void sendOnAClosedStreamReturnsFalse() throws Exception {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        int port = serve(SseOptions.defaults(), stream -> {
            stream.close();
            stream.close();
            result.complete(stream.send("after close"));
        });
        try (RawClient client = RawClient.get(port, "/s")) {
            assertEquals("", client.readToEnd());
        }
        assertFalse(result.get(5, TimeUnit.SECONDS));
    }

    @Test
    void clientThatStopsReadingIsAbortedAfterTwoHeartbeats() throws Exception {
        CompletableFuture<Integer> sent = new CompletableFuture<>();
        String big = "x".repeat(64 * 1024);
        int port = serve(SseOptions.defaults().withHeartbeat(Duration.ofMillis(200)), stream -> {
            int n = 0;
            while (stream.send(big)) {
                n++;
            }
            sent.complete(n);
        });
        try (RawClient client = RawClient.get(port, "/s")) {
            int n = sent.get(15, TimeUnit.SECONDS);
            assertTrue(n > 0 && n < 1000, "the producer was released after the socket filled, sent " + n);
        }
    }

    @Test
    void oneLargeEventReachesAClientThatReadsItSlowlyButSteadilyForLongerThanTwoHeartbeats() throws Exception {
        // 16 MB, of which the socket buffers take about 3 MB at once: the send lasts at least 4 s
        // at the reader's 3 MB/s, against a 2 s stall bound. The writer sees progress about every
        // 1 MB the reader takes: a loaded machine may slow the reader six-fold before a 2 s gap.
        String payload = "z".repeat(16 << 20);
        CompletableFuture<Long> sendNanos = new CompletableFuture<>();
        CompletableFuture<Boolean> endSent = new CompletableFuture<>();
        int port = serve(SseOptions.defaults().withHeartbeat(Duration.ofSeconds(1)), stream -> {
            long start = System.nanoTime();
            boolean sent = stream.send(payload);
            sendNanos.complete(sent ? System.nanoTime() - start : -1);
            endSent.complete(stream.send(SseEvent.of("end", "")));
        });
        try (SteadyReader slow = SteadyReader.get(port, "/s")) {
            assertEquals(1, slow.count("event: end\n", 1),
                    "the event after the large one; cut off after " + slow.bytes() + " bytes: " + slow.ended());
        }
        long nanos = sendNanos.get(10, TimeUnit.SECONDS);
        assertTrue(nanos > TimeUnit.SECONDS.toNanos(2),
                "the large send went on for longer than two intervals: " + nanos / 1_000_000 + " ms");
        assertTrue(endSent.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aClientThatStopsReadingPartWayThroughOneLargeEventIsAborted() throws Exception {
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        int port = serve(SseOptions.defaults().withHeartbeat(Duration.ofMillis(500)),
                stream -> sent.complete(stream.send("z".repeat(16 << 20))));
        try (SteadyReader stuck = SteadyReader.get(port, "/s")) {
            assertTrue(stuck.readAtLeast(1 << 20) >= 1 << 20, "read a part before stopping");
            // The write would wait for the reader for ever; the 1 s stall bound ends it.
            assertFalse(sent.get(15, TimeUnit.SECONDS), "the send to the stopped client failed");
            assertTrue(stuck.awaitEnd(10_000), "the stopped client's connection was left open");
        }
    }

    @Test
    void lastEventIdHeaderIsDecodedAsUtf8() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        int port = serve(SseOptions.defaults(), stream -> seen.complete(stream.lastEventId()));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes("GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: ".getBytes(StandardCharsets.US_ASCII));
        head.writeBytes(new byte[] {(byte) 0xE2, (byte) 0x80, (byte) 0xA6});
        try (RawClient client = RawClient.request(port, head.toByteArray(), new byte[0])) {
            assertEquals("\u2026", seen.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void lastEventIdFallsBackToTheQueryParameter() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        int port = serve(SseOptions.defaults(), stream -> seen.complete(stream.lastEventId()));
        try (RawClient client = RawClient.get(port, "/s?lastEventId=%E2%80%A6+7")) {
            assertEquals("\u2026 7", seen.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void missingLastEventIdIsEmpty() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        int port = serve(SseOptions.defaults(), stream -> seen.complete(stream.lastEventId()));
        try (RawClient client = RawClient.get(port, "/s")) {
            assertEquals("", seen.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void postIsRefusedWith405() throws Exception {
        int port = serve(SseOptions.defaults(), stream -> stream.send("never"));
        try (RawClient client = RawClient.send(port, "POST", "/s", new byte[0])) {
            assertEquals(405, client.status());
            assertEquals("GET, OPTIONS", client.header("Allow"));
            assertEquals("use GET to subscribe\n", client.readToEnd());
        }
    }

    @Test
    void allowedOriginMayReadTheStream() throws Exception {
        int port = serve(SseOptions.defaults().withCorsOrigins("https://a.example"), stream -> stream.send("x"));
        try (RawClient client = RawClient.get(port, "/s", "Origin: https://a.example")) {
            assertEquals("https://a.example", client.header("Access-Control-Allow-Origin"));
            assertEquals("Origin", client.header("Vary"));
        }
    }

    @Test
    void anOriginNamedExactlyMaySendCredentialsAndReadTheLastEventIdHeader() throws Exception {
        int port = serve(SseOptions.defaults().withCorsOrigins("https://a.example", "*"), stream -> stream.send("x"));
        try (RawClient client = RawClient.get(port, "/s", "Origin: https://a.example")) {
            assertEquals("true", client.header("Access-Control-Allow-Credentials"));
            assertEquals("Last-Event-ID", client.header("Access-Control-Expose-Headers"));
        }
    }

    @Test
    void anOriginLetInByTheWildcardAloneMayNotSendCredentials() throws Exception {
        int port = serve(SseOptions.defaults().withCorsOrigins("*"), stream -> stream.send("x"));
        try (RawClient client = RawClient.get(port, "/s", "Origin: https://any.example")) {
            assertEquals("https://any.example", client.header("Access-Control-Allow-Origin"));
            assertNull(client.header("Access-Control-Allow-Credentials"));
        }
    }

    @Test
    void otherOriginsGetNoCorsHeaders() throws Exception {
        int port = serve(SseOptions.defaults().withCorsOrigins("https://a.example"), stream -> stream.send("x"));
        try (RawClient client = RawClient.get(port, "/s", "Origin: https://evil.example")) {
            assertNull(client.header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void preflightFromAnAllowedOriginIsAnswered() throws Exception {
        int port = serve(SseOptions.defaults().withCorsOrigins("https://a.example"), stream -> stream.send("x"));
        try (RawClient client = RawClient.send(port, "OPTIONS", "/s", null, "Origin: https://a.example",
                "Access-Control-Request-Method: GET", "Access-Control-Request-Headers: last-event-id")) {
            assertEquals(204, client.status());
            assertEquals("https://a.example", client.header("Access-Control-Allow-Origin"));
            assertEquals("true", client.header("Access-Control-Allow-Credentials"));
            assertTrue(client.header("Access-Control-Allow-Headers").contains("Last-Event-ID"));
        }
    }

    @Test
    void withoutCorsOriginsAPreflightGetsNoPermission() throws Exception {
        int port = serve(SseOptions.defaults(), stream -> stream.send("x"));
        try (RawClient client = RawClient.send(port, "OPTIONS", "/s", null, "Origin: https://a.example",
                "Access-Control-Request-Method: GET")) {
            assertEquals(405, client.status());
            assertNull(client.header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void failingProducerEndsItsStreamAndTheServerGoesOn() throws Exception {
        int port = serve(SseOptions.defaults(), stream -> {
            stream.send("before");
            throw new IllegalStateException("producer bug");
        });
        try (RawClient client = RawClient.get(port, "/s")) {
            assertEquals("data: before\n\n", client.readToEnd());
        }
        try (RawClient again = RawClient.get(port, "/s")) {
            assertEquals(200, again.status());
        }
    }
}
