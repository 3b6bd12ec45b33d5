package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hub as users run it, {@code java -jar build/jdk-sse.jar}, in a child process: only what needs
 * a process of its own (a signal); the exit codes of the command line are checked in process in
 * {@link HubOptionsTest}, except that the jar passes them on.
 */
class HubProcessTest {
    private static final Path JAR = Path.of("build/jdk-sse.jar");
    static final Pattern LISTENING = Pattern.compile("jdk-sse hub listening on http://127\\.0\\.0\\.1:(\\d+)/");
    /** SIGTERM's bound: the hub's grace for streams plus the server's stop, with room for JVM exit. */
    private static final long SHUTDOWN_BOUND_SECONDS = 8;

    static Process launch(String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), "make test builds " + JAR + " first");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JDKSSE_PUBLISH_TOKEN");
        return builder.start();
    }

    private static String readAll(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void sigtermEndsEveryStreamAndExitsWithinTheBound() throws Exception {
        Process hub = launch("--port", "0");
        List<HubClient> streams = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher listening = LISTENING.matcher(first == null ? "" : first);
            assertTrue(listening.matches(), "start line: " + first);
            int port = Integer.parseInt(listening.group(1));
            for (int i = 0; i < 50; i++) {
                HubClient stream = HubClient.get(port, "/events?topic=t" + (i % 3));
                streams.add(stream);
                assertEquals(200, stream.status);
            }
            awaitSubscribers(port, 50);

            long start = System.nanoTime();
            hub.destroy(); // SIGTERM on Linux: the shutdown hook runs
            for (HubClient stream : streams) {
                assertTrue(stream.endsWithinTimeout(), "every stream ends");
            }
            assertTrue(hub.waitFor(SHUTDOWN_BOUND_SECONDS, TimeUnit.SECONDS), "the hub exits within the bound");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(143, hub.exitValue(), "128 + SIGTERM");
            System.out.println("SIGTERM with 50 streams: every stream ended and the hub exited in " + millis + " ms");
        } finally {
            for (HubClient stream : streams) {
                stream.close();
            }
            hub.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void awaitSubscribers(int port, long n) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (;;) {
            HubClient.Response stats = HubClient.exchange(port, "GET", "/stats", null);
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) Json.parse(stats.body());
            if (json.get("subscribers").equals(n)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("never " + n + " subscribers: " + stats.body());
            }
            Thread.sleep(10);
        }
    }

    @Test
    void theJarExitsWithTheCodeTheCommandLineReturns() throws Exception {
        // Main alone calls System.exit; this is the one check that it passes the code on.
        Process hub = launch("--bogus", "1");
        try {
            assertTrue(hub.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, hub.exitValue());
            assertEquals("jdk-sse: unknown flag: --bogus", readAll(hub.getErrorStream()).lines().findFirst().orElse(""));
        } finally {
            hub.destroyForcibly();
        }
    }
}
