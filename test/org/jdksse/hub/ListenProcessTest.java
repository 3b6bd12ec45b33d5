package org.jdksse.hub;

import static org.jdksse.testing.ScriptedServer.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdksse.testing.Await;
import org.jdksse.testing.JavaProcess;
import org.jdksse.testing.Json;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.ScriptedServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code listen} command as users run it, {@code java -jar build/jdk-sse.jar listen URL}, against a scripted server and the hub's jar. */
@Tag("process")
@Timeout(90)
class ListenProcessTest {
    private static final Duration LINE = Duration.ofSeconds(30);

    @Test
    void jarFlushesEachLineAndExitsZeroOnNoContent() throws Exception {
        CountDownLatch firstLineRead = new CountDownLatch(1);
        // The first stream stays open until the test has read the first line, which proves the flush.
        ScriptedServer.Script holdingFirst = (exchange, server) -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write("retry: 10\nid: 1\ndata: first\n\n".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            firstLineRead.await(30, TimeUnit.SECONDS);
        };
        try (ScriptedServer server = ScriptedServer.start(holdingFirst, stream("id: 2\ndata: second\n\n"));
             JavaProcess listen = JavaProcess.jar("listen", server.uri("/events").toString())) {
            assertEquals("{\"type\":\"message\",\"data\":\"first\",\"id\":\"1\"}", listen.nextLine(LINE));
            assertTrue(listen.isAlive());
            firstLineRead.countDown();
            assertEquals("{\"type\":\"message\",\"data\":\"second\",\"id\":\"2\"}", listen.nextLine(LINE));
            assertNull(listen.nextLine(LINE));
            assertTrue(listen.waitFor(LINE));
            assertEquals(0, listen.exitValue(), listen.stderr());
            assertEquals("1", server.requests().get(1).header("Last-Event-ID"));
            assertEquals("2", server.requests().get(2).header("Last-Event-ID"));
        }
    }

    @Test
    void listensToTheHubAndResumesWithLastEventId() throws Exception {
        try (JavaProcess hub = JavaProcess.jar("--port", "0")) {
            int port = hub.port();
            String url = hub.uri("/events?topic=news").toString();
            try (JavaProcess live = JavaProcess.jar("listen", url)) {
                // Another process's counter has no latch to wait on: poll it.
                Await.value("1 subscriber", LINE, () -> Json.object(RawClient.exchange(port, "GET", "/stats", null).body()),
                        stats -> stats.get("subscribers").equals(1L));
                String first = publish(port, "topic=news", "application/x-www-form-urlencoded", "data=hello+world&event=greet");
                String second = publish(port, "topic=news", "text/plain; charset=utf-8", "raw é \"quoted\"\nline two");
                publish(port, "topic=other", "application/x-www-form-urlencoded", "data=not+for+us");
                assertEquals("{\"type\":\"greet\",\"data\":\"hello world\",\"id\":\"" + first + "\"}", live.nextLine(LINE));
                assertEquals("{\"type\":\"message\",\"data\":\"raw é \\\"quoted\\\"\\nline two\",\"id\":\"" + second + "\"}",
                        live.nextLine(LINE));

                // Resuming after the first event replays the second; an id the hub never issued gets a reset first.
                try (JavaProcess resumed = JavaProcess.jar("listen", url, "--last-event-id", first);
                     JavaProcess unknown = JavaProcess.jar("listen", url, "--last-event-id", "999999")) {
                    assertTrue(resumed.nextLine(LINE).contains("\"id\":\"" + second + "\""), resumed.stdout());
                    assertTrue(unknown.nextLine(LINE).startsWith("{\"type\":\"reset\","), unknown.stdout());
                }
            }
        }
    }

    private static String publish(int port, String query, String contentType, String body) throws Exception {
        RawClient.Response answer = RawClient.exchange(port, "POST", "/events?" + query, body.getBytes(StandardCharsets.UTF_8),
                "Content-Type: " + contentType);
        assertEquals(200, answer.status(), answer.body());
        return answer.body().strip();
    }
}
