package org.jdksse.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the foundation's examples as a user would, `java -cp build/jdk-sse.jar examples/X.java 0`, and reads them over HTTP. */
class TicksClockTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void ticksStreamsAtOnceAndResumesAfterLastEventId() throws Exception {
        try (ExampleProcess ticks = ExampleProcess.start("Ticks").awaitStarted()) {
            URI uri = URI.create("http://127.0.0.1:" + ticks.port + "/ticks");
            HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("no", response.headers().firstValue("X-Accel-Buffering").orElseThrow());
            try (var body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                assertEquals(List.of("id: 0", "data: tick 0", ""), lines(body, 3));
            }
            HttpResponse<InputStream> resumed = HTTP.send(HttpRequest.newBuilder(uri).header("Last-Event-ID", "41").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (var body = new BufferedReader(new InputStreamReader(resumed.body(), StandardCharsets.UTF_8))) {
                assertEquals(List.of("id: 42", "data: tick 42", ""), lines(body, 3));
            }
        }
    }

    @Test
    void clockStreamOptsInToCorsForItsPageOriginOnly() throws Exception {
        try (ExampleProcess clock = ExampleProcess.start("Clock").awaitStarted()) {
            Matcher ports = clock.awaitLine(Pattern.compile("Clock on http://localhost:(\\d+)/ reading http://localhost:(\\d+)/clock"),
                    Duration.ofSeconds(5));
            int pagePort = Integer.parseInt(ports.group(1));
            int port = Integer.parseInt(ports.group(2));
            String page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pagePort + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(page.contains(":" + port + "/clock"), page);
            assertTrue(page.contains("textContent"), "the page shows data as text, never as markup");

            URI stream = URI.create("http://127.0.0.1:" + port + "/clock");
            HttpResponse<InputStream> allowed = HTTP.send(HttpRequest.newBuilder(stream).header("Origin", "http://localhost:" + pagePort).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("http://localhost:" + pagePort, allowed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            try (var body = new BufferedReader(new InputStreamReader(allowed.body(), StandardCharsets.UTF_8))) {
                assertTrue(body.readLine().matches("data: \\d\\d:\\d\\d(:\\d\\d)?"));
            }
            HttpResponse<InputStream> refused = HTTP.send(HttpRequest.newBuilder(stream).header("Origin", "https://elsewhere.example").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertNull(refused.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            refused.body().close();
        }
    }

    private static List<String> lines(BufferedReader body, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(body.readLine());
        }
        return lines;
    }
}
