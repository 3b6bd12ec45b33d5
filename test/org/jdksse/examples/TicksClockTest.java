package org.jdksse.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the foundation's examples as a user would, `java -cp build/jdk-sse.jar examples/X.java PORT`, and reads them over HTTP. */
class TicksClockTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void ticksStreamsAtOnceAndResumesAfterLastEventId() throws Exception {
        int port = freePorts(1);
        Process ticks = start("Ticks", port);
        try {
            awaitListening(port, "/ticks");
            HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ticks")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("no", response.headers().firstValue("X-Accel-Buffering").orElseThrow());
            try (var body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                assertEquals(List.of("id: 0", "data: tick 0", ""), lines(body, 3));
            }
            HttpResponse<java.io.InputStream> resumed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ticks"))
                    .header("Last-Event-ID", "41").build(), HttpResponse.BodyHandlers.ofInputStream());
            try (var body = new BufferedReader(new InputStreamReader(resumed.body(), StandardCharsets.UTF_8))) {
                assertEquals(List.of("id: 42", "data: tick 42", ""), lines(body, 3));
            }
        } finally {
            ticks.destroyForcibly().waitFor();
        }
    }

    @Test
    void clockStreamOptsInToCorsForItsPageOriginOnly() throws Exception {
        int port = freePorts(2);
        Process clock = start("Clock", port);
        try {
            awaitListening(port + 1, "/");
            String page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (port + 1) + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(page.contains(":" + port + "/clock"), page);
            assertTrue(page.contains("textContent"), "the page shows data as text, never as markup");

            HttpResponse<java.io.InputStream> allowed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/clock"))
                    .header("Origin", "http://localhost:" + (port + 1)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("http://localhost:" + (port + 1), allowed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            try (var body = new BufferedReader(new InputStreamReader(allowed.body(), StandardCharsets.UTF_8))) {
                assertTrue(body.readLine().matches("data: \\d\\d:\\d\\d(:\\d\\d)?"));
            }
            HttpResponse<java.io.InputStream> refused = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/clock"))
                    .header("Origin", "https://elsewhere.example").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertNull(refused.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            refused.body().close();
        } finally {
            clock.destroyForcibly().waitFor();
        }
    }

    private static List<String> lines(BufferedReader body, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(body.readLine());
        }
        return lines;
    }

    static Process start(String example, int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", "build/jdk-sse.jar", "examples/" + example + ".java", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Polls until the example answers (source-file mode compiles first), for at most 30 seconds. */
    static void awaitListening(int port, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (ConnectException notYet) {
                assertFalse(System.nanoTime() > deadline, "example did not start listening on " + port);
                Thread.sleep(100);
            }
        }
    }

    /** Returns a port p such that p .. p+count-1 were all free a moment ago. */
    static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            if (port + count > 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 1; i < count && free; i++) {
                try (ServerSocket next = new ServerSocket(port + i)) {
                    free = true;
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IOException("no " + count + " consecutive free ports");
    }
}
