package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jdksse.testing.FakeExchange;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The front door's helpers over real sockets. */
class SseTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Echoes a body of at most 8 bytes as an event stream answering the POST. */
    private int serveEcho() throws Exception {
        server = Sse.server(0);
        server.createContext("/echo", exchange -> {
            String text = Sse.readText(exchange, 8);
            if (text != null) {
                Sse.stream(exchange, SseOptions.defaults(), stream -> stream.send(text));
            }
        });
        server.createContext("/page", exchange -> Sse.respond(exchange, 200, "text/html; charset=utf-8", "<p>caf\u00e9</p>"));
        server.start();
        return server.getAddress().getPort();
    }

    private static RawClient post(int port, byte[] body) throws java.io.IOException {
        return RawClient.send(port, "POST", "/echo", body);
    }

    @Test
    void onlyLoopbackNamesCountAsNamingLoopbackInHost() throws Exception {
        for (String host : List.of("localhost", "LocalHost:8080", "app.localhost:3000", "127.0.0.1", "127.1.2.3:9",
                "[::1]:8080", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]:80")) {
            assertTrue(Sse.hostIsLoopback(new FakeExchange("POST", "/", "127.0.0.1", "").header("Host", host)), host);
        }
        for (String host : List.of("rebind.attacker.example", "127.0.0.1.attacker.example:80", "localhost.attacker.example",
                "10.0.0.1:8080", "[2001:db8::1]", "128.0.0.1", "")) {
            assertTrue(!Sse.hostIsLoopback(new FakeExchange("POST", "/", "127.0.0.1", "").header("Host", host)), host);
        }
        assertTrue(Sse.hostIsLoopback(new FakeExchange("POST", "/", "127.0.0.1", "")), "HTTP/1.0 sends no Host");
    }

    @Test
    void aBodyThatDeclaresMoreThanItSendsHoldsNoMoreHeapThanItSent() throws Exception {
        // One such request per connection: the declared size must not be what the reader reserves.
        FakeExchange exchange = new FakeExchange("POST", "/", "127.0.0.1", "x").header("Content-Length", "1000000");
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Sse.readText(exchange, 8); // loads and links the reader first
        exchange = new FakeExchange("POST", "/", "127.0.0.1", "x").header("Content-Length", "1000000");
        long before = threads.getCurrentThreadAllocatedBytes();
        String text = Sse.readText(exchange, 2_000_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals("x", text);
        assertTrue(allocated < 100_000, allocated + " bytes allocated for a 1-byte body declared as 1,000,000");
    }

    @Test
    void streamAnswersAPostWithEvents() throws Exception {
        int port = serveEcho();
        try (RawClient client = post(port, "h\u00e9llo".getBytes(StandardCharsets.UTF_8))) {
            assertEquals(200, client.status());
            assertEquals("text/event-stream; charset=utf-8", client.header("Content-Type"));
            assertEquals("data: h\u00e9llo\n\n", client.readToEnd());
        }
    }

    @Test
    void bodyOverTheLimitGets413() throws Exception {
        int port = serveEcho();
        try (RawClient client = post(port, "123456789".getBytes(StandardCharsets.UTF_8))) {
            assertEquals(413, client.status());
            assertEquals("the body is over 8 bytes\n", client.readToEnd());
        }
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() throws Exception {
        int port = serveEcho();
        try (RawClient client = post(port, "12345678".getBytes(StandardCharsets.UTF_8))) {
            assertEquals(200, client.status());
        }
    }

    @Test
    void bodyThatIsNotUtf8Gets400() throws Exception {
        int port = serveEcho();
        try (RawClient client = post(port, new byte[] {'a', (byte) 0xC3, 'b'})) {
            assertEquals(400, client.status());
            assertEquals("the body is not valid UTF-8\n", client.readToEnd());
        }
    }

    @Test
    void respondSendsTextWithItsContentType() throws Exception {
        int port = serveEcho();
        try (RawClient client = RawClient.get(port, "/page")) {
            assertEquals("text/html; charset=utf-8", client.header("Content-Type"));
            assertEquals("<p>caf\u00e9</p>", client.readToEnd());
        }
    }

    @Test
    void respondToHeadSendsHeadersOnly() throws Exception {
        int port = serveEcho();
        try (RawClient client = RawClient.send(port, "HEAD", "/page", null)) {
            assertEquals(200, client.status());
            assertTrue(client.header("Content-Type").startsWith("text/html"));
        }
    }

    @Test
    void queryIsDecodedAsUtf8InOrder() {
        Map<String, List<String>> query = Sse.query(URI.create("/e?topic=a&topic=b%20c&x&caf%C3%A9=%E2%80%A6"));
        assertEquals(List.of("a", "b c"), query.get("topic"));
        assertEquals(List.of(""), query.get("x"));
        assertEquals(List.of("\u2026"), query.get("caf\u00e9"));
        assertEquals(List.of("topic", "x", "caf\u00e9"), List.copyOf(query.keySet()));
    }

    @Test
    void serverListensOnLoopbackWithVirtualThreads() throws Exception {
        server = Sse.server(0);
        assertTrue(server.getAddress().getAddress().isLoopbackAddress());
        var seen = new java.util.concurrent.CompletableFuture<Boolean>();
        server.createContext("/t", exchange -> {
            seen.complete(Thread.currentThread().isVirtual());
            Sse.respond(exchange, 200, "ok");
        });
        server.start();
        try (RawClient client = RawClient.get(server.getAddress().getPort(), "/t")) {
            assertEquals(200, client.status());
        }
        assertTrue(seen.get());
    }
}
