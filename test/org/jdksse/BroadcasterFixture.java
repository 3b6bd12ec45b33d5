package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * What the broadcaster tests share: a server with the broadcaster at {@code /events} on
 * 127.0.0.1, and {@link RawClient}s that read exactly what the server wrote and dispatch events
 * as a browser would. Every client announces itself with a welcome event from the
 * {@code onSubscribe} hook, so a test knows a subscriber is live without sleeping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class BroadcasterFixture {
    HttpServer server;
    Broadcaster broadcaster;
    /** How long a client's read may block: above the default heartbeat interval and its check. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    final List<AutoCloseable> clients = Collections.synchronizedList(new ArrayList<>());
    private final Map<RawClient, Long> subscriberIds = new ConcurrentHashMap<>();
    ExecutorService threads;

    /** Starts a server with the broadcaster at /events; the hook welcomes each subscriber with its id. */
    int serve(Broadcaster.Builder builder) throws IOException {
        Broadcaster[] self = new Broadcaster[1];
        broadcaster = builder.onSubscribe(sub -> self[0].send(sub.id(), SseEvent.of("welcome", Long.toString(sub.id()))))
                .build();
        self[0] = broadcaster;
        server = Sse.server(0);
        server.createContext("/events", broadcaster.handler());
        server.start();
        threads = Executors.newVirtualThreadPerTaskExecutor();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        try {
            synchronized (clients) {
                for (AutoCloseable client : clients) {
                    try {
                        client.close();
                    } catch (Exception ignored) {
                        // closing a test socket: nothing to do
                    }
                }
            }
            if (broadcaster != null) {
                broadcaster.close(Duration.ofSeconds(2));
            }
        } finally {
            if (server != null) {
                server.stop(0);
            }
            if (threads != null) {
                threads.shutdownNow();
            }
        }
    }

    RawClient subscribe(int port, String query, String... headers) throws IOException {
        return open(port, "/events" + query, headers);
    }

    RawClient open(int port, String target, String... headers) throws IOException {
        RawClient client = RawClient.get(port, target, headers);
        clients.add(client);
        return client.timeout(READ_TIMEOUT);
    }

    /**
     * Subscribes and reads the welcome event, keeping the client's subscriber id (see {@link
     * #subscriberId}). The options' retry hint, when it opens the stream, dispatches nothing.
     */
    RawClient join(int port, String query, String... headers) throws IOException {
        RawClient client = subscribe(port, query, headers);
        assertEquals(200, client.status(), "status");
        Event welcome = client.next();
        assertEquals("welcome", welcome.type());
        subscriberIds.put(client, Long.parseLong(welcome.data()));
        return client;
    }

    long subscriberId(RawClient client) {
        return subscriberIds.get(client);
    }

    /** Reads on to the stream's end: whether it ends with no further event. */
    static boolean endsWithNoMoreEvents(RawClient client) throws IOException {
        try {
            client.next();
            return false;
        } catch (EOFException end) {
            return true;
        }
    }

    /** A client that asks for topic t's stream with a small receive buffer, then never reads a byte. */
    Socket stuckSubscriber(int port) throws IOException {
        Socket stuck = new Socket();
        clients.add(stuck);
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new InetSocketAddress("127.0.0.1", port));
        stuck.getOutputStream().write("GET /events?topic=t HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return stuck;
    }

    /** Reads what the kernel holds for a stuck client: the server must have ended its connection. */
    static void assertConnectionEnds(Socket stuck, String leftOpen) throws IOException {
        stuck.setSoTimeout(10_000);
        try (stuck; InputStream in = stuck.getInputStream()) {
            byte[] buffer = new byte[65536];
            while (in.read(buffer) >= 0) {
                // drain
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(leftOpen, e);
        } catch (IOException reset) {
            // A connection reset also ends it: the server aborted the stuck write.
        }
    }

    /** An in-memory log whose ids start at 1, so that tests can name them. */
    static EventLog firstIdOne() {
        return EventLog.inMemory(1000, 4L << 20, 1);
    }

    int serveWithoutWelcome(Broadcaster.Builder builder) throws IOException {
        broadcaster = builder.build();
        server = Sse.server(0);
        server.createContext("/events", broadcaster.handler());
        server.start();
        threads = Executors.newVirtualThreadPerTaskExecutor();
        return server.getAddress().getPort();
    }
}
