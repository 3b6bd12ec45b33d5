package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdksse.testing.Await;
import org.jdksse.testing.JavaProcess;
import org.jdksse.testing.Json;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The JDK's limits as the hub sets them: in a child process, since the JDK reads them once per
 * process. Each limit's answer, and that none cuts a stream or a slow but legitimate reader.
 */
@Tag("process")
class HubLimitsTest {
    private JavaProcess hub;
    private int port;

    private void start(String... args) throws Exception {
        hub = JavaProcess.jar(args);
        port = hub.port();
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    private Socket raw(String head) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The hub's open sockets: its listening socket and every connection it has not yet closed. */
    private long sockets() throws IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + hub.pid() + "/fd"))) {
            return fds.filter(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    private void awaitSockets(long expected, String what) throws Exception {
        Await.value(what, Duration.ofSeconds(20), this::sockets, n -> n == expected);
    }

    /** Whether the server closed (or reset) the connection without sending a byte. */
    private static boolean closedWithoutAnswer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n';) {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Test
    void aBodyTricklingPastTheDeadlineGets408AndPublishesNothing() throws Exception {
        start("--port", "0", "--request-timeout", "3");
        long begin = System.nanoTime();
        try (Socket socket = raw("POST /events?topic=t HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 100\r\n\r\n")) {
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        socket.getOutputStream().write('x');
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    // answered
                }
            });
            String status = statusLine(socket.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 408 "), status);
            trickle.interrupt();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        assertTrue(seconds >= 1 && seconds < 3, "408 at the request timeout minus 2 s, not " + seconds);
        assertEquals(0L, Json.object(RawClient.exchange(port, "GET", "/stats", null).body()).get("published"));
    }

    @Test
    void anUnfinishedHeadIsClosedAtTheRequestTimeoutWithoutAnAnswer() throws Exception {
        start("--port", "0", "--request-timeout", "2");
        long begin = System.nanoTime();
        try (Socket socket = raw("GET /events?topic=x HTTP/1.1\r\nHost: x\r\n")) {
            assertTrue(closedWithoutAnswer(socket), "closed, as the JDK does: no 408 from it");
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        assertTrue(seconds >= 1.5 && seconds < 6, "closed at the timeout (the JDK's timer ticks each second), not " + seconds);
    }

    @Test
    void aStreamOpenLongerThanTheRequestTimeoutKeepsReceiving() throws Exception {
        start("--port", "0", "--request-timeout", "1", "--heartbeat", "1");
        try (RawClient stream = RawClient.get(port, "/events?topic=t")) {
            assertEquals(200, stream.status());
            long begin = System.nanoTime();
            int heartbeats = 0;
            while (heartbeats < 4) {
                if (stream.nextItem() instanceof org.jdksse.testing.WhatwgParser.Comment) {
                    heartbeats++; // the stream would end with an IOException if it were cut
                }
            }
            assertTrue((System.nanoTime() - begin) / 1e9 > 2, "open for more than twice the request timeout");
            RawClient.exchange(port, "POST", "/events?topic=t", "still here".getBytes(StandardCharsets.UTF_8));
            assertEquals("still here", stream.next().data());
        }
    }

    @Test
    void aSlowButLegitimateReaderGetsEveryEventAfterPausingLongerThanTheRequestTimeout() throws Exception {
        start("--port", "0", "--request-timeout", "1");
        try (RawClient stream = RawClient.get(port, "/events?topic=t")) {
            assertEquals(200, stream.status());
            String kib = "k".repeat(1024);
            long begin = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                assertEquals(200, RawClient.exchange(port, "POST", "/events?topic=t",
                        (i + kib).getBytes(StandardCharsets.UTF_8)).status());
            }
            // Not a byte read meanwhile; 200 KiB is within the queue bound (1 MiB) and the socket buffers.
            while ((System.nanoTime() - begin) / 1e9 < 2) {
                RawClient.exchange(port, "GET", "/healthz", null);
            }
            for (int i = 0; i < 200; i++) {
                assertEquals(i + kib, stream.next().data());
            }
        }
    }

    @Test
    void overTheConnectionCapNewConnectionsAreClosedWhileAFullHubStillAnswers503() throws Exception {
        start("--port", "0", "--max-connections", "30", "--max-subscribers", "20");
        long listening = sockets();
        List<AutoCloseable> held = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawClient stream = RawClient.get(port, "/events?topic=t");
                held.add(stream);
                assertEquals(200, stream.status());
            }
            // Another process's counter has no latch to wait on: poll it.
            Await.value("20 subscribers", Duration.ofSeconds(10),
                    () -> Json.object(RawClient.exchange(port, "GET", "/stats", null).body()), stats -> stats.get("subscribers").equals(20L));
            RawClient.Response full = RawClient.exchange(port, "GET", "/events?topic=t", null);
            assertEquals(503, full.status(), "the subscriber limit answers, below the cap");
            // The connections of /stats and of the 503 count until the server has seen them
            // closed; an unfinished head sent before that would be the one refused.
            awaitSockets(listening + 20, "only the 20 streams open");
            for (int i = 0; i < 10; i++) {
                held.add(raw("GET /healthz HTTP/1.1\r\n")); // unfinished heads fill the cap
            }
            awaitSockets(listening + 30, "the cap of 30 reached");
            try (Socket over = raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) {
                assertTrue(closedWithoutAnswer(over), "over the cap: closed at once, without an answer");
            }
            held.remove(held.size() - 1).close();
            held.remove(held.size() - 1).close();
            awaitSockets(listening + 28, "two unfinished heads gone");
            assertEquals(200, RawClient.exchange(port, "GET", "/healthz", null).status(), "room again");
        } finally {
            for (AutoCloseable c : held) {
                c.close();
            }
        }
    }
}
