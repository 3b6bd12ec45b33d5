package org.jdksse.client;

import static org.jdksse.client.EventSourceTest.source;
import static org.jdksse.testing.ScriptedServer.status;
import static org.jdksse.testing.ScriptedServer.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.jdksse.testing.ListenerRecorder;
import org.jdksse.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reconnection delay, and which last event id a session shows while parsed events wait to be
 * handed out; EventSourceTest drives whole sessions against real servers.
 */
@Timeout(30)
class SessionTest {

    /** Three events in one write, so that one read parses them all; then an id-only block. */
    private static final String THREE_EVENTS_IN_ONE_WRITE = "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\nid: 4\n\n";

    @Test
    void backoffDoublesPerFailureUpToTheLimitButNeverBelowTheServerRetry() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            long first = Session.reconnectDelay(1000, 0, 30_000, random);
            assertTrue(first >= 1000 && first <= 1500, "after an open connection: " + first);
            long firstFailure = Session.reconnectDelay(1000, 1, 30_000, random);
            assertTrue(firstFailure >= 1000 && firstFailure <= 1500, "after one failure: " + firstFailure);
            long third = Session.reconnectDelay(1000, 3, 30_000, random);
            assertTrue(third >= 4000 && third <= 6000, "after three failures: " + third);
            long capped = Session.reconnectDelay(1000, 40, 30_000, random);
            assertTrue(capped >= 30_000 && capped <= 45_000, "after forty failures: " + capped);
            long serverLonger = Session.reconnectDelay(60_000, 5, 30_000, random);
            assertTrue(serverLonger >= 60_000 && serverLonger <= 90_000, "server retry above the limit: " + serverLonger);
        }
        assertEquals(0, Session.reconnectDelay(0, 0, 30_000, random), "retry: 0 means at once");
        assertTrue(Session.reconnectDelay(0, 1, 30_000, random) >= 10, "failures back off even from retry: 0");
        assertTrue(Session.reconnectDelay(0, 2, 30_000, random) >= 20, "and keep doubling");
        assertEquals(Long.MAX_VALUE, Session.reconnectDelay(Long.MAX_VALUE, 3, 30_000, random));
    }

    @Test
    void jitterSpreadsReconnects() {
        SplittableRandom random = new SplittableRandom(7);
        Set<Long> delays = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            delays.add(Session.reconnectDelay(3000, 0, 30_000, random));
        }
        assertTrue(delays.size() > 25, "distinct delays: " + delays.size());
    }

    @Test
    void lastEventIdFollowsTheEventsThePullSourceHasReturnedNotTheOnesItHasRead() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream(THREE_EVENTS_IN_ONE_WRITE));
             EventSource source = source(server).build()) {
            List<String> seen = new ArrayList<>();
            for (MessageEvent e; (e = source.next()) != null; ) {
                seen.add(e.data() + " then " + source.lastEventId());
            }
            // The id-only block after c moves it too: no event lies between c and it.
            assertEquals(List.of("a then 1", "b then 2", "c then 4"), seen);
            assertEquals("4", server.requests().get(1).header("Last-Event-ID"), "the reconnect still resumes from the stream's last id");
        }
    }

    @Test
    void lastEventIdFollowsTheEventsTheListenerHasBeenGiven() throws Exception {
        ListenerRecorder recorder = new ListenerRecorder();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = ScriptedServer.start(stream(THREE_EVENTS_IN_ONE_WRITE));
             EventSource source = source(server).start(recorder.andThen((src, e) -> seen.add(e.data() + " then " + src.lastEventId())))) {
            recorder.awaitClosed();
            assertEquals(List.of("a then 1", "b then 2", "c then 4"), seen);
            assertEquals("4", source.lastEventId());
            assertEquals("4", server.requests().get(1).header("Last-Event-ID"));
        }
    }

    @Test
    void itsLogLinesNameTheUrlWithoutItsPasswordOrToken() throws Exception {
        // System.Logger's default backend is java.util.logging, under the public class's name.
        Logger jul = Logger.getLogger("org.jdksse.client.EventSource");
        List<String> lines = new CopyOnWriteArrayList<>();
        SimpleFormatter format = new SimpleFormatter();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(format.formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level level = jul.getLevel();
        jul.setLevel(Level.ALL);
        jul.addHandler(handler);
        try (ScriptedServer server = ScriptedServer.start(stream("data: a\n\n"), status(401, "text/plain", "bad token\n"))) {
            URI uri = URI.create(server.uri("/e").toString().replace("//", "//user:pw@") + "?topic=a&authorization=SECRET");
            try (EventSource source = EventSource.builder(uri).retry(Duration.ofMillis(10)).build()) {
                assertEquals("a", source.next().data());
                assertThrows(IOException.class, source::next);
            }
        } finally {
            jul.removeHandler(handler);
            jul.setLevel(level);
        }
        // "...; reconnecting in N ms" after the stream ended, "...; not reconnecting" after the 401.
        assertEquals(2, lines.size(), lines.toString());
        for (String line : lines) {
            assertTrue(line.startsWith("http://***@127.0.0.1:"), line);
            assertFalse(line.contains("SECRET") || line.contains("pw"), line);
        }
    }
}
