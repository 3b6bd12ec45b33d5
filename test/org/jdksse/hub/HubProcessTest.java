package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdksse.testing.Await;
import org.jdksse.testing.JavaProcess;
import org.jdksse.testing.Json;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hub as users run it, {@code java -jar build/jdk-sse.jar}, in a child process: only what needs
 * a process of its own (a signal); the exit codes of the command line are checked in process in
 * {@link HubOptionsTest}, except that the jar passes them on.
 */
@Tag("process")
class HubProcessTest {
    /** SIGTERM's bound: the hub's grace for streams plus the server's stop, with room for JVM exit. */
    private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(8);
    private static final Duration EXIT = Duration.ofSeconds(30);

    @Test
    void sigtermEndsEveryStreamAndExitsWithinTheBound() throws Exception {
        List<RawClient> streams = new ArrayList<>();
        try (JavaProcess hub = JavaProcess.jar("--port", "0")) {
            int port = hub.port();
            assertTrue(hub.nextLine(EXIT).matches("jdk-sse hub listening on http://127\\.0\\.0\\.1:\\d+/"), hub.stdout());
            for (int i = 0; i < 50; i++) {
                RawClient stream = RawClient.get(port, "/events?topic=t" + (i % 3));
                streams.add(stream);
                assertEquals(200, stream.status());
            }
            // Another process's counter has no latch to wait on: poll it.
            Await.value("50 subscribers", Duration.ofSeconds(10),
                    () -> Json.object(RawClient.exchange(port, "GET", "/stats", null).body()), stats -> stats.get("subscribers").equals(50L));

            long start = System.nanoTime();
            hub.terminate(); // SIGTERM on Linux: the shutdown hook runs
            for (RawClient stream : streams) {
                assertTrue(stream.endsWithin(Duration.ofSeconds(10)), "every stream ends");
            }
            assertTrue(hub.waitFor(SHUTDOWN_BOUND), "the hub exits within the bound");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(143, hub.exitValue(), "128 + SIGTERM");
            System.out.println("SIGTERM with 50 streams: every stream ended and the hub exited in " + millis + " ms");
        } finally {
            for (RawClient stream : streams) {
                stream.close();
            }
        }
    }

    @Test
    void theJarExitsWithTheCodeTheCommandLineReturns() throws Exception {
        // Main alone calls System.exit; this is the one check that it passes the code on.
        try (JavaProcess hub = JavaProcess.jar("--bogus", "1")) {
            assertTrue(hub.waitFor(EXIT));
            assertEquals(2, hub.exitValue());
            assertEquals("jdk-sse: unknown flag: --bogus", hub.stderr().lines().findFirst().orElse(""));
        }
    }
}
