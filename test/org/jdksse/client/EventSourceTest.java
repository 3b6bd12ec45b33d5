package org.jdksse.client;

import static org.jdksse.testing.ScriptedServer.redirect;
import static org.jdksse.testing.ScriptedServer.status;
import static org.jdksse.testing.ScriptedServer.stream;
import static org.jdksse.testing.ScriptedServer.streamThenDrop;
import static org.jdksse.testing.ScriptedServer.streamThenHang;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdksse.testing.ListenerRecorder;
import org.jdksse.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a scripted JDK HttpServer that writes exact bytes with pauses. */
@Timeout(30) // a client that fails to reconnect or to stop would otherwise hang the build
class EventSourceTest {

    private static final Duration PAUSE = Duration.ofMillis(30);

    /** A fast-retrying source; tests that measure the retry set their own. The client's other tests use it too. */
    static EventSource.Builder source(ScriptedServer server) {
        return EventSource.builder(server.uri("/events")).retry(Duration.ofMillis(10));
    }

    /** Pulls every event until the source stops, each as {@code type:data#id}. */
    static List<String> drain(EventSource source) throws IOException {
        List<String> seen = new ArrayList<>();
        for (MessageEvent e; (e = source.next()) != null; ) {
            seen.add(e.type() + ":" + e.data() + "#" + e.lastEventId());
        }
        return seen;
    }

    @Test
    void eventsArriveInOrderAndTheRequestAsksForAnEventStream() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("data: one\n\n", PAUSE, "event: tick\nid: 7\ndata: two\n\n"));
             EventSource source = source(server).header("Authorization", "Bearer xyz").build()) {
            assertEquals(List.of("message:one#", "tick:two#7"), drain(source));
            ScriptedServer.Request first = server.requests().get(0);
            assertEquals("text/event-stream", first.header("Accept"));
            assertEquals("no-cache", first.header("Cache-Control"));
            assertEquals("Bearer xyz", first.header("Authorization"));
            assertNull(first.header("Last-Event-ID"));
            assertEquals("7", source.lastEventId());
        }
    }

    @Test
    void forEachLoopEndsWhenTheServerAnswersNoContent() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("data: a\n\ndata: b\n\n"));
             EventSource source = source(server).build()) {
            List<String> data = new ArrayList<>();
            for (MessageEvent e : source) {
                data.add(e.data());
            }
            assertEquals(List.of("a", "b"), data);
            assertTrue(source.isClosed());
        }
    }

    @Test
    void reconnectsWithLastEventIdAfterTheConnectionDropsAndAfterACleanEnd() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(
                streamThenDrop("id: 1\ndata: a\n\n", PAUSE, "id: 2\ndata: b\n\n", PAUSE, "id: 3\ndata: never dispatched\n"),
                stream("data: c\n\n", "id: 4\ndata: d\n\n"));
             EventSource source = source(server).build()) {
            assertEquals(List.of("message:a#1", "message:b#2", "message:c#2", "message:d#4"), drain(source));
            List<ScriptedServer.Request> requests = server.requests();
            assertEquals(3, requests.size(), "drop, clean end, then 204");
            assertNull(requests.get(0).header("Last-Event-ID"));
            assertEquals("2", requests.get(1).header("Last-Event-ID"));
            assertEquals("4", requests.get(2).header("Last-Event-ID"));
        }
    }

    @Test
    void emptyIdStopsSendingLastEventId() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("id: 1\ndata: a\n\nid\ndata: b\n\n"));
             EventSource source = source(server).build()) {
            drain(source);
            assertNull(server.requests().get(1).header("Last-Event-ID"));
        }
    }

    @Test
    void lastEventIdFromTheBuilderIsSentOnTheFirstConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("data: a\n\n"));
             EventSource source = source(server).lastEventId("41").build()) {
            assertEquals(List.of("message:a#41"), drain(source));
            assertEquals("41", server.requests().get(0).header("Last-Event-ID"));
            assertEquals("41", server.requests().get(1).header("Last-Event-ID"));
        }
    }

    @Test
    void idThatIsNotAsciiIsNotSentRatherThanSentMangled() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("id: é\ndata: a\n\n"));
             EventSource source = source(server).build()) {
            assertEquals(List.of("message:a#é"), drain(source));
            assertNull(server.requests().get(1).header("Last-Event-ID"));
        }
    }

    @Test
    void serverRetryIsHonoured() throws Exception {
        // The builder's 20 s would fail the 10 s wait for the second request; the server asks for 300 ms.
        try (ScriptedServer server = ScriptedServer.start(stream("retry: 300\ndata: a\n\n"), streamThenHang());
             EventSource source = EventSource.builder(server.uri("/")).retry(Duration.ofSeconds(20)).build()) {
            CompletableFuture<MessageEvent> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    source.next();
                    return source.next();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long first = server.awaitRequest(1).nanoTime();
            long second = server.awaitRequest(2).nanoTime();
            long waited = TimeUnit.NANOSECONDS.toMillis(second - first);
            assertTrue(waited >= 300, "reconnected after " + waited + " ms, before the server's retry");
            source.close();
            assertNull(reader.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void noContentStopsForGood() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(status(204, null, ""));
             EventSource source = source(server).build()) {
            assertNull(source.next());
            assertTrue(source.isClosed());
            assertNull(source.next());
            assertEquals(1, server.requests().size());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 404, 503, 401})
    void errorStatusFailsWithoutRetrying(int code) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(status(code, "text/plain", "nope\n"), stream("data: never\n\n"));
             EventSource source = source(server).build()) {
            IOException e = assertThrows(IOException.class, source::next);
            assertTrue(e.getMessage().contains("HTTP " + code), e.getMessage());
            assertTrue(source.isClosed());
            assertNull(source.next());
            assertEquals(1, server.requests().size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json", "text/event-streams", ""})
    void wrongContentTypeFailsWithoutRetrying(String type) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(status(200, type.isEmpty() ? null : type, "data: x\n\n"), stream("data: never\n\n"));
             EventSource source = source(server).build()) {
            IOException e = assertThrows(IOException.class, source::next);
            assertTrue(e.getMessage().contains("is not text/event-stream"), e.getMessage());
            assertNull(source.next());
            assertEquals(1, server.requests().size());
        }
    }

    @Test
    void movedPermanentlyAndTemporaryRedirectAreFollowed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(
                redirect(301, "/b"), redirect(307, "/c?x=1"), stream("data: here\n\n"));
             EventSource source = EventSource.builder(server.uri("/a")).retry(Duration.ofMillis(10)).build()) {
            assertEquals(List.of("message:here#"), drain(source));
            List<String> paths = server.requests().stream().map(ScriptedServer.Request::path).toList();
            // The reconnect goes to the original URL, as a browser's does.
            assertEquals(List.of("/a", "/b", "/c?x=1", "/a"), paths);
        }
    }

    @Test
    void theCallersHttpClientSendsEveryRequestWithItsOwnPolicy() throws Exception {
        // A client that does not follow redirects: the 301 is then the answer, and a final one.
        try (HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
             ScriptedServer server = ScriptedServer.start(redirect(301, "/b"), stream("data: never\n\n"));
             EventSource source = source(server).httpClient(client).build()) {
            IOException e = assertThrows(IOException.class, source::next);
            assertEquals("HTTP 301 from " + server.uri("/events"), e.getMessage());
            assertEquals(1, server.requests().size());
        }
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ScriptedServer server = ScriptedServer.start(stream("data: a\n\n"));
             EventSource source = source(server).httpClient(client).build()) {
            assertEquals(List.of("message:a#"), drain(source));
        }
        assertThrows(NullPointerException.class, () -> EventSource.builder(URI.create("http://127.0.0.1:1/")).httpClient(null));
    }

    @Test
    void refusedConnectionsAreRetriedAndReportedToTheListener() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ListenerRecorder recorder = new ListenerRecorder();
        EventSource source = EventSource.builder(URI.create("http://127.0.0.1:" + port + "/"))
                .retry(Duration.ofMillis(5)).maxRetry(Duration.ofMillis(50))
                .start(recorder);
        List<String> calls;
        try {
            assertTrue(recorder.awaitErrors(3).size() >= 3);
            calls = recorder.calls();
        } finally {
            source.close();
        }
        // Each refusal is reported while the source is still open: it retries.
        assertTrue(calls.stream().limit(3).allMatch(call -> call.startsWith("error closed=false ")), calls.toString());
    }

    @Test
    void closeUnblocksANextWaitingForData() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(streamThenHang(":\n"));
             EventSource source = source(server).build()) {
            CompletableFuture<MessageEvent> reader = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    reader.complete(source.next());
                } catch (Throwable e) {
                    reader.completeExceptionally(e);
                }
            });
            server.awaitRequest(1);
            source.close();
            assertNull(reader.get(10, TimeUnit.SECONDS));
            assertTrue(source.isClosed());
        }
    }

    @Test
    void closeUnblocksANextWaitingToReconnect() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("retry: 600000\n\n"));
             EventSource source = source(server).build()) {
            CompletableFuture<MessageEvent> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return source.next();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            server.awaitRequest(1);
            source.close();
            assertNull(reader.get(10, TimeUnit.SECONDS));
            assertEquals(1, server.requests().size());
        }
    }

    @Test
    void interruptingNextClosesTheSource() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(streamThenHang(":\n"));
             EventSource source = source(server).build()) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    source.next();
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            server.awaitRequest(1);
            reader.interrupt();
            assertInstanceOf(InterruptedIOException.class, outcome.get(10, TimeUnit.SECONDS));
            assertTrue(source.isClosed());
        }
    }

    @Test
    void listenerCallsRunInOrderOnOneVirtualThread() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("data: a\n\n", PAUSE, "data: b\n\n"), status(204, null, ""))) {
            ListenerRecorder recorder = new ListenerRecorder();
            EventSource source = source(server).start(recorder);
            try {
                List<String> calls = recorder.awaitClosed();
                assertEquals(List.of("open", "event message:a#", "event message:b#"), calls.subList(0, 3), calls.toString());
                assertTrue(calls.get(3).startsWith("error closed=false "), calls.toString());
                assertEquals(List.of("closed"), calls.subList(4, calls.size()), calls.toString());
                List<Thread> threads = recorder.threads();
                assertEquals(1, threads.stream().distinct().count());
                assertTrue(threads.get(0).isVirtual());
                assertFalse(threads.contains(Thread.currentThread()));
                assertThrows(IllegalStateException.class, source::next);
            } finally {
                source.close();
            }
        }
    }

    @Test
    void listenerHearsAFatalErrorThenClosed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(status(500, "text/plain", "boom"))) {
            ListenerRecorder recorder = new ListenerRecorder();
            EventSource source = source(server).start(recorder);
            try {
                List<String> calls = recorder.awaitClosed();
                assertEquals(2, calls.size(), calls.toString());
                assertTrue(calls.get(0).startsWith("error closed=true HTTP 500"), calls.toString());
                assertEquals("closed", calls.get(1));
            } finally {
                source.close();
            }
        }
    }

    @Test
    void nothingIsCalledAfterCloseReturns() throws Exception {
        StringBuilder endless = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            endless.append("data: ").append(i).append("\n\n");
        }
        List<Object> steps = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            steps.add(endless.toString());
            steps.add(Duration.ofMillis(5));
        }
        try (ScriptedServer server = ScriptedServer.start(stream(steps.toArray()))) {
            ListenerRecorder recorder = new ListenerRecorder();
            EventSource source = source(server).start(recorder);
            recorder.awaitEvents(50);
            source.close();
            int returned = recorder.calls().size();
            // Give a stray callback every chance: wait until the server's script has seen the connection go.
            server.awaitFinished(1);
            source.close();
            List<String> calls = recorder.calls();
            assertEquals(List.of(), calls.subList(returned, calls.size()), "calls after close returned");
            assertFalse(calls.contains("closed"), "a close by the caller is not reported to the listener");
            assertEquals(1, server.requests().size());
        }
    }

    @Test
    void closeFromInsideTheListenerStopsDeliveryAtOnce() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("data: 1\n\ndata: 2\n\ndata: 3\n\n"))) {
            List<String> calls = new CopyOnWriteArrayList<>();
            CountDownLatch first = new CountDownLatch(1);
            EventSource source = source(server).start(new EventSource.Listener() {
                @Override
                public void onEvent(EventSource s, MessageEvent event) {
                    calls.add(event.data());
                    s.close();
                    first.countDown();
                }

                @Override
                public void onClosed(EventSource s) {
                    calls.add("closed");
                }
            });
            assertTrue(first.await(10, TimeUnit.SECONDS));
            source.close(); // returns only once no callback is running
            assertEquals(List.of("1"), calls);
            assertTrue(source.isClosed());
        }
    }

    @Test
    void builderRejectsBadSettingsNamingTheField() {
        URI ok = URI.create("http://127.0.0.1:1/");
        assertMessage("uri", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(URI.create("ftp://h/x"))));
        assertMessage("uri", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(URI.create("/relative"))));
        assertMessage("uri port", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(URI.create("http://127.0.0.1:99999/e"))));
        assertMessage("uri port", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(URI.create("https://h:0/"))));
        assertMessage("retry", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).retry(Duration.ofMillis(-1))));
        assertMessage("maxRetry", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).maxRetry(Duration.ofMillis(-1))));
        assertMessage("connectTimeout", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).connectTimeout(Duration.ZERO)));
        assertMessage("readTimeout", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).readTimeout(Duration.ofSeconds(-1))));
        assertMessage("maxEventSize", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).maxEventSize(0)));
        assertMessage("maxEventSize", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).maxEventSize((1 << 30) + 1)));
        assertMessage("lastEventId", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).lastEventId("a\nb")));
        assertMessage("lastEventId", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).lastEventId("a\0b")));
        assertMessage("header", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).header("Bad Name", "v")));
        assertMessage("header", assertThrows(IllegalArgumentException.class, () -> EventSource.builder(ok).header("X-Ok", "line\nbreak")));
        assertThrows(NullPointerException.class, () -> EventSource.builder(null));
        assertThrows(NullPointerException.class, () -> EventSource.builder(ok).start(null));
    }

    private static void assertMessage(String field, IllegalArgumentException e) {
        assertTrue(e.getMessage().contains(field), "message should name " + field + ": " + e.getMessage());
    }
}
