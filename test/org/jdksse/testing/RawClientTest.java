package org.jdksse.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.jdksse.testing.WhatwgParser.Comment;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The raw client against the JDK's own server, which writes what each test's handler says. */
@Timeout(30)
class RawClientTest {
    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    /** Serves /chunks as flushed chunks that split a UTF-8 character, /fixed with a Content-Length, /cut cut short, /echo the request. */
    private int serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/chunks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            byte[] e = "é".getBytes(UTF_8);
            for (byte[] piece : new byte[][] {": hi\n\nid: 1\nda".getBytes(UTF_8), "ta: caf".getBytes(UTF_8), new byte[] {e[0]},
                    new byte[] {e[1]}, "\n\n".getBytes(UTF_8)}) {
                out.write(piece);
                out.flush();
            }
            if (exchange.getRequestURI().getQuery() != null) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // the server is stopping
                }
            }
            exchange.close();
        });
        server.createContext("/fixed", exchange -> {
            byte[] body = "fixed é".getBytes(UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/cut", exchange -> {
            exchange.sendResponseHeaders(200, 100); // promises more than it sends, then closes
            exchange.getResponseBody().write("partial".getBytes(UTF_8));
            exchange.getResponseBody().flush();
            exchange.getHttpContext().getServer().stop(0);
        });
        server.createContext("/echo", exchange -> {
            String seen = exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("X-Test") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            byte[] body = seen.getBytes(UTF_8);
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Test
    void chunkedBodyIsReadAsTextAcrossASplitCharacter() throws Exception {
        int port = serve();
        try (RawClient client = RawClient.get(port, "/chunks")) {
            assertEquals(200, client.status());
            assertEquals("chunked", client.header("transfer-encoding"));
            assertEquals(": hi\n\nid: 1\ndata: café\n\n", client.readToEnd());
        }
    }

    @Test
    void chunkedBodyIsReadAsAnEventStream() throws Exception {
        int port = serve();
        try (RawClient client = RawClient.get(port, "/chunks")) {
            assertEquals(new Comment("hi"), client.nextItem());
            assertEquals(new Event("message", "café", "1"), client.next());
            assertFalse(client.endedCleanly());
            assertThrows(EOFException.class, client::nextItem, "the response ended");
            assertTrue(client.endedCleanly(), "with its last chunk");
        }
    }

    @Test
    void aSilentStreamTimesOutAndEndsWithinSaysFalse() throws Exception {
        int port = serve();
        try (RawClient client = RawClient.get(port, "/chunks?hold")) {
            client.next();
            assertFalse(client.endsWithin(Duration.ofMillis(200)));
            assertThrows(SocketTimeoutException.class, client::next);
            release.countDown();
            assertTrue(client.endsWithin(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aCutConnectionEndsTheBodyButNotCleanly() throws Exception {
        int port = serve();
        try (RawClient client = RawClient.get(port, "/cut")) {
            assertEquals("partial", client.readToEnd());
            assertFalse(client.endedCleanly());
        }
    }

    @Test
    void exchangeSendsHeadersAndBodyAndReadsAFixedLengthAnswer() throws Exception {
        int port = serve();
        RawClient.Response echo = RawClient.exchange(port, "PUT", "/echo", "body é".getBytes(UTF_8), "X-Test: yes");
        assertEquals(201, echo.status());
        assertEquals("PUT yes body é", echo.body());
        assertEquals("fixed é", RawClient.exchange(port, "GET", "/fixed", null).body());
        RawClient.Response head = RawClient.exchange(port, "HEAD", "/fixed", null);
        assertEquals(200, head.status());
        assertEquals("", head.body(), "a HEAD answer has no body, whatever its Content-Length");
    }
}
