package org.jdksse.client;

import static org.jdksse.client.EventSourceTest.drain;
import static org.jdksse.client.EventSourceTest.source;
import static org.jdksse.testing.ScriptedServer.silent;
import static org.jdksse.testing.ScriptedServer.status;
import static org.jdksse.testing.ScriptedServer.stream;
import static org.jdksse.testing.ScriptedServer.streamThenHang;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jdksse.testing.ListenerRecorder;
import org.jdksse.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rules of one attempt, and its timeouts and limit against real servers; EventSourceTest drives whole sources. */
@Timeout(30)
class ConnectionTest {

    @Test
    void contentTypeMatchesWithParametersAndAnyCase() {
        assertTrue(Connection.isEventStream("text/event-stream"));
        assertTrue(Connection.isEventStream("Text/Event-Stream ; charset=utf-8"));
        assertFalse(Connection.isEventStream("text/plain; x=text/event-stream"));
    }

    @Test
    void lastEventIdIsSentOnlyWhenTheHeaderCanCarryItAsItIs() {
        assertTrue(Connection.canSend("1795244182530297"));
        assertTrue(Connection.canSend("a b\t~"));
        assertFalse(Connection.canSend("é"), "HttpClient would send ?");
        assertFalse(Connection.canSend("a\u007fb"));
        assertFalse(Connection.canSend("a\u0001b"));
    }

    @Test
    void readTimeoutReconnectsASilentConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(streamThenHang("id: 1\ndata: a\n\n"), stream("data: b\n\n"));
             EventSource source = source(server).readTimeout(Duration.ofMillis(300)).build()) {
            assertEquals(List.of("message:a#1", "message:b#1"), drain(source));
            assertEquals("1", server.requests().get(1).header("Last-Event-ID"));
        }
    }

    @Test
    void heartbeatsKeepAConnectionWithReadTimeoutOpen() throws Exception {
        List<Object> steps = new ArrayList<>();
        // 2 s of comments 100 ms apart: twice the read timeout, each gap a tenth of it
        for (int i = 0; i < 20; i++) {
            steps.add(Duration.ofMillis(100));
            steps.add(":\n");
        }
        steps.add("data: after heartbeats\n\n");
        try (ScriptedServer server = ScriptedServer.start(stream(steps.toArray()));
             EventSource source = source(server).readTimeout(Duration.ofSeconds(1)).build()) {
            assertEquals(List.of("message:after heartbeats#"), drain(source));
            assertEquals(2, server.requests().size(), "one stream, then the 204");
        }
    }

    @Test
    void connectTimeoutCountsAsAFailedAttempt() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(silent(), stream("data: second try\n\n"));
             EventSource source = source(server).connectTimeout(Duration.ofMillis(300)).build()) {
            assertEquals(List.of("message:second try#"), drain(source));
        }
    }

    @Test
    void theConnectTimeoutDoesNotCutAStreamThatOutlivesIt() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream("id: 1\ndata: a\n\n", Duration.ofMillis(1000), "data: b\n\n"));
             EventSource source = source(server).connectTimeout(Duration.ofMillis(300)).build()) {
            assertEquals(List.of("message:a#1", "message:b#1"), drain(source));
            assertEquals(2, server.requests().size(), "one stream, then the 204");
        }
    }

    @Test
    void aListenerSlowerThanTheReadTimeoutIsNotTakenForASilentServer() throws Exception {
        List<Object> steps = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        // 3 s of events 100 ms apart: the server is never silent for a tenth of the read timeout.
        for (int i = 1; i <= 30; i++) {
            steps.add("id: " + i + "\ndata: " + i + "\n\n");
            steps.add(Duration.ofMillis(100));
            expected.add("event message:" + i + "#" + i);
        }
        ListenerRecorder recorder = new ListenerRecorder();
        EventSource.Listener slowAtFirst = recorder.andThen((source, event) -> {
            if (event.data().equals("1")) {
                // The slow work itself: half as long again as the read timeout.
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try (ScriptedServer server = ScriptedServer.start(stream(steps.toArray()))) {
            EventSource source = source(server).readTimeout(Duration.ofSeconds(1)).start(slowAtFirst);
            try {
                List<String> calls = recorder.awaitClosed();
                List<String> want = new ArrayList<>(List.of("open"));
                want.addAll(expected);
                want.addAll(List.of("error closed=false the server ended the stream", "closed"));
                assertEquals(want, calls, "every event on one connection, and no timeout");
                assertEquals(2, server.requests().size(), "one stream, then the 204");
            } finally {
                source.close();
            }
        }
    }

    @Test
    void anEndlessLineOrEndlessDataFailsTheConnectionWithinTheLimitAndTheNextOneWorks() throws Exception {
        AtomicLong lineWritten = new AtomicLong();
        AtomicLong dataWritten = new AtomicLong();
        ListenerRecorder recorder = new ListenerRecorder();
        try (ScriptedServer server = ScriptedServer.start(
                endless("retry: 10\nid: 1\ndata: before\n\ndata: ", "x".repeat(1024), lineWritten),
                endless("", "data: " + "x".repeat(500) + "\n", dataWritten),
                stream("data: after\n\n"))) {
            EventSource source = source(server).maxEventSize(1024).start(recorder);
            try {
                List<String> calls = recorder.awaitClosed();
                String tooLarge = "error closed=false event larger than 1024 bytes from " + server.uri("/events");
                assertEquals(List.of("open", "event message:before#1", tooLarge, "open", tooLarge,
                        "open", "event message:after#1", "error closed=false the server ended the stream", "closed"), calls);
                assertEquals("1", server.requests().get(2).header("Last-Event-ID"), "the next connection resumes");
            } finally {
                source.close();
            }
            // The client stopped reading at the limit: the server could write only what the sockets buffer.
            server.awaitFinished(2);
            assertTrue(lineWritten.get() < ENDLESS / 4, "the endless line was read to " + lineWritten.get() + " bytes");
            assertTrue(dataWritten.get() < ENDLESS / 4, "the endless data was read to " + dataWritten.get() + " bytes");
        }
    }

    /** How much an endless script writes at most: far more than the sockets between it and the client buffer. */
    private static final long ENDLESS = 64L << 20;

    /** Answers an event stream that writes {@code head}, then {@code repeated} until the client goes or {@link #ENDLESS} bytes. */
    private static ScriptedServer.Script endless(String head, String repeated, AtomicLong written) {
        return (exchange, server) -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            byte[] chunk = repeated.repeat(64).getBytes(StandardCharsets.UTF_8);
            // The head in the same write as the first excess, so that one read may hold both.
            byte[] first = (head + repeated.repeat(64)).getBytes(StandardCharsets.UTF_8);
            for (byte[] next = first; written.get() < ENDLESS; next = chunk) {
                out.write(next);
                out.flush();
                written.addAndGet(next.length);
            }
        };
    }

    @Test
    void noMessageOfAFailedConnectHoldsTheUrlsPasswordOrToken() throws Exception {
        // A port nobody listens on: the attempts fail, and the listener hears of each.
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ListenerRecorder recorder = new ListenerRecorder();
        try (EventSource source = EventSource.builder(withSecrets("http://127.0.0.1:" + closed + "/e")).retry(Duration.ofMillis(10)).start(recorder)) {
            assertSafe(recorder.awaitErrors(2).get(1).getMessage());
            assertSafe(recorder.threads().get(0).getName());
        }
        // A server that answers 401: a refusal, which names the URL.
        try (ScriptedServer server = ScriptedServer.start(status(401, "text/plain", "bad token\n"));
             EventSource source = EventSource.builder(withSecrets(server.uri("/e").toString())).build()) {
            IOException e = assertThrows(IOException.class, source::next);
            assertTrue(e.getMessage().startsWith("HTTP 401 from http://***@127.0.0.1:"), e.getMessage());
            assertSafe(e.getMessage());
        }
        // A silent server, a read timeout, and a URL the builder refuses also name it.
        try (ScriptedServer server = ScriptedServer.start(streamThenHang("retry: 10\n\n"));
             EventSource source = EventSource.builder(withSecrets(server.uri("/e").toString())).readTimeout(Duration.ofMillis(200)).start(recorder = new ListenerRecorder())) {
            assertSafe(recorder.awaitErrors(1).get(0).getMessage());
        }
        assertSafe(assertThrows(IllegalArgumentException.class, () -> EventSource.builder(withSecrets("ftp://h/e"))).getMessage());
        assertSafe(assertThrows(IllegalArgumentException.class, () -> EventSource.builder(withSecrets("http://h:99999/e"))).getMessage());
    }

    /** Returns the URL with a password in its user info and a Mercure token in its query. */
    private static URI withSecrets(String url) {
        return URI.create(url.replace("//", "//user:pw@") + "?topic=a&authorization=SECRET");
    }

    private static void assertSafe(String message) {
        assertFalse(message.contains("SECRET") || message.contains("pw"), message);
    }
}
