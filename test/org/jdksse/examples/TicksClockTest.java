package org.jdksse.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdksse.testing.JavaProcess;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs the foundation's examples as a user would, `java -cp build/jdk-sse.jar examples/X.java 0`, and reads them over HTTP. */
@Tag("process")
class TicksClockTest {

    @Test
    void ticksStreamsAtOnceAndResumesAfterLastEventId() throws Exception {
        try (JavaProcess ticks = JavaProcess.classPath("examples/Ticks.java", "0")) {
            try (RawClient stream = RawClient.get(ticks.port(), "/ticks")) {
                assertEquals("text/event-stream; charset=utf-8", stream.header("Content-Type"));
                assertEquals("no-cache", stream.header("Cache-Control"));
                assertEquals("no", stream.header("X-Accel-Buffering"));
                String first = stream.readUntil("\n\n");
                assertTrue(first.startsWith("id: 0\ndata: tick 0\n\n"), first);
            }
            try (RawClient resumed = RawClient.get(ticks.port(), "/ticks", "Last-Event-ID: 41")) {
                String first = resumed.readUntil("\n\n");
                assertTrue(first.startsWith("id: 42\ndata: tick 42\n\n"), first);
            }
        }
    }

    @Test
    void clockStreamOptsInToCorsForItsPageOriginOnly() throws Exception {
        try (JavaProcess clock = JavaProcess.classPath("examples/Clock.java", "0")) {
            Matcher ports = clock.awaitLine(Pattern.compile("Clock on http://localhost:(\\d+)/ reading http://localhost:(\\d+)/clock"),
                    JavaProcess.STARTUP);
            int pagePort = Integer.parseInt(ports.group(1));
            int port = Integer.parseInt(ports.group(2));
            assertEquals(pagePort, clock.port(), "the first line names the page's port first");
            String page = RawClient.exchange(pagePort, "GET", "/", null).body();
            assertTrue(page.contains(":" + port + "/clock"), page);
            assertTrue(page.contains("textContent"), "the page shows data as text, never as markup");

            try (RawClient allowed = RawClient.get(port, "/clock", "Origin: http://localhost:" + pagePort)) {
                assertEquals("http://localhost:" + pagePort, allowed.header("Access-Control-Allow-Origin"));
                String firstLine = allowed.readUntil("\n").lines().findFirst().orElse("");
                assertTrue(firstLine.matches("data: \\d\\d:\\d\\d(:\\d\\d)?"), firstLine);
            }
            try (RawClient refused = RawClient.get(port, "/clock", "Origin: https://elsewhere.example")) {
                assertNull(refused.header("Access-Control-Allow-Origin"));
            }
        }
    }
}
