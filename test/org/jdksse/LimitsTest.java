package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limits every server from {@link Sse#server} answers itself. (The JDK's own knobs are read
 * once per process, so what they do is tested on the hub in a child process: HubLimitsTest.)
 */
class LimitsTest {
    private HttpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = Sse.server(0);
        server.createContext("/ok", exchange -> Sse.respond(exchange, 200, "ok"));
        server.createContext("/text", exchange -> {
            String text = Sse.readText(exchange, 16);
            if (text != null) {
                Sse.respond(exchange, 200, text);
            }
        });
        server.createContext("/stream", Sse.handler(stream -> stream.send("first")));
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private RawClient get(String target, String headers) throws Exception {
        return RawClient.request(port, ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1" + headers)
                .getBytes(StandardCharsets.ISO_8859_1), new byte[0]);
    }

    @Test
    void aRequestLineOver8KiBGets414AndTheConnectionCloses() throws Exception {
        try (RawClient client = get("/ok?x=" + "a".repeat(Limits.REQUEST_LINE_BYTES), "")) {
            assertEquals(414, client.status());
            assertEquals("close", client.header("Connection"));
            assertEquals("the request line is over 8192 bytes\n", client.readToEnd());
        }
    }

    @Test
    void aRequestLineJustUnderTheLimitIsServed() throws Exception {
        String target = "/ok?x=" + "a".repeat(Limits.REQUEST_LINE_BYTES - 40);
        try (RawClient client = get(target, "")) {
            assertEquals(200, client.status());
        }
    }

    @Test
    void over100HeaderFieldsGet431() throws Exception {
        try (RawClient client = get("/ok", "\r\nX-A: b".repeat(Limits.HEADER_FIELDS))) {
            assertEquals(431, client.status(), "100 fields and Host");
            assertEquals("over 100 header fields\n", client.readToEnd());
        }
        try (RawClient client = get("/ok", "\r\nX-A: b".repeat(Limits.HEADER_FIELDS - 1))) {
            assertEquals(200, client.status(), "100 fields with Host");
        }
    }

    @Test
    void headerFieldsOver32KiBGet431() throws Exception {
        try (RawClient client = get("/ok", "\r\nX-Big: " + "a".repeat(Limits.HEADER_BYTES))) {
            assertEquals(431, client.status());
            assertEquals("the header fields are over 32768 bytes\n", client.readToEnd());
        }
        try (RawClient client = get("/ok", "\r\nCookie: " + "a".repeat(16 * 1024))) {
            assertEquals(200, client.status(), "a 16 KiB cookie is fine");
        }
    }

    @Test
    void aBodyOverTheLimitGets413AndConnectionClose() throws Exception {
        byte[] head = "POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 17".getBytes(StandardCharsets.US_ASCII);
        try (RawClient client = RawClient.request(port, head, "a".repeat(17).getBytes(StandardCharsets.US_ASCII))) {
            assertEquals(413, client.status());
            assertEquals("close", client.header("Connection"));
            assertEquals("the body is over 16 bytes\n", client.readToEnd());
        }
    }

    @Test
    void aChunkedBodyOverTheLimitGets413() throws Exception {
        byte[] head = "POST /text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked".getBytes(StandardCharsets.US_ASCII);
        byte[] body = "11\r\naaaaaaaaaaaaaaaaa\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (RawClient client = RawClient.request(port, head, body)) {
            assertEquals(413, client.status());
        }
    }

    @Test
    void aMalformedQueryGets400FromAStreamHandlerInsteadOfBeingIgnored() throws Exception {
        try (RawClient client = get("/stream?lastEventId=%FF", "")) {
            assertEquals(400, client.status());
            assertEquals("the query parameter \"lastEventId\" is not validly percent-encoded UTF-8\n", client.readToEnd());
        }
        try (RawClient client = get("/stream?lastEventId=5", "")) {
            assertEquals(200, client.status());
        }
    }

    @Test
    void anErrorReasonIsKeptToOneShortLine() throws Exception {
        server.createContext("/long", exchange -> Sse.respond(exchange, 400, "bad\r\nvalue " + "x".repeat(300)));
        try (RawClient client = get("/long", "")) {
            String body = client.readToEnd();
            assertTrue(body.startsWith("bad\\r\\nvalue xxx"), body);
            assertEquals(List.of(body.strip()), body.lines().toList(), "one line");
            assertEquals(204, body.length(), "200 characters, an ellipsis and the newline");
        }
    }

    @Test
    void theSubscriberLimitStaysBelowTheConnectionCapWhichStaysBelowTheDescriptorLimit() {
        long descriptors = Limits.descriptorLimit();
        int cap = Limits.defaultMaxConnections();
        assertTrue(cap < descriptors, cap + " < " + descriptors);
        String before = System.getProperty(Limits.MAX_CONNECTIONS);
        try {
            System.setProperty(Limits.MAX_CONNECTIONS, "1000");
            assertEquals(1000, Sse.maxConnections());
            assertEquals(750, Limits.defaultMaxSubscribers());
            System.setProperty(Limits.MAX_CONNECTIONS, "300");
            assertEquals(150, Limits.defaultMaxSubscribers(), "half the cap when the headroom would leave less");
            System.setProperty(Limits.MAX_CONNECTIONS, "0");
            assertEquals(0, Sse.maxConnections(), "turned off by the user");
        } finally {
            if (before == null) {
                System.clearProperty(Limits.MAX_CONNECTIONS);
            } else {
                System.setProperty(Limits.MAX_CONNECTIONS, before);
            }
        }
    }

    @Test
    void defaultsNeverOverrideWhatTheUserSet() {
        String before = System.getProperty(Limits.MAX_REQUEST_TIME);
        try {
            System.setProperty(Limits.MAX_REQUEST_TIME, "42");
            Limits.applyDefaults();
            assertEquals("42", System.getProperty(Limits.MAX_REQUEST_TIME));
            assertEquals(42, Limits.requestSeconds());
            assertEquals(null, System.getProperty(Limits.MAX_RESPONSE_TIME), "never set: it would end every stream");
        } finally {
            if (before == null) {
                System.clearProperty(Limits.MAX_REQUEST_TIME);
            } else {
                System.setProperty(Limits.MAX_REQUEST_TIME, before);
            }
        }
    }
}
