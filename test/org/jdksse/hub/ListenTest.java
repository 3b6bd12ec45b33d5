package org.jdksse.hub;

import static org.jdksse.ScriptedServer.status;
import static org.jdksse.ScriptedServer.stream;
import static org.jdksse.ScriptedServer.streamThenHang;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdksse.ScriptedServer;
import org.jdksse.client.MessageEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code listen} command against a scripted server, in process and as {@code java -jar}. */
@Timeout(60)
class ListenTest {

    /** One run of the command with its exit code and what it printed. */
    private record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Run listen(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Listen.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsOneJsonLinePerEventAndExitsZeroOnNoContent() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(stream(
                "retry: 10\ndata: hello\n\n",
                "event: price\nid: 7\ndata: {\"AAPL\": 1}\ndata: line two\n\n",
                ": heartbeat\n\n",
                "data: tab\there é 𝄞\n\n"))) {
            Run run = listen(server.uri("/events").toString());
            assertEquals(0, run.code(), run.err());
            assertEquals("""
                    {"type":"message","data":"hello","id":""}
                    {"type":"price","data":"{\\"AAPL\\": 1}\\nline two","id":"7"}
                    {"type":"message","data":"tab\\there é 𝄞","id":"7"}
                    """, run.out());
            assertEquals(List.of("listen: the server ended the stream; reconnecting"), run.errLines());
        }
    }

    @Test
    void sendsLastEventIdAndHeadersFromTheCommandLine() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(status(204, null, ""))) {
            Run run = listen("--last-event-id", "41", server.uri("/events?topic=a").toString(),
                    "--header", "Authorization: Bearer s3cret", "--header", "X-Trace:abc");
            assertEquals(0, run.code(), run.err());
            ScriptedServer.Request request = server.requests().get(0);
            assertEquals("/events?topic=a", request.path());
            assertEquals("41", request.header("Last-Event-ID"));
            assertEquals("Bearer s3cret", request.header("Authorization"));
            assertEquals("abc", request.header("X-Trace"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 500})
    void fatalStatusExitsOneWithAOneLineReason(int code) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(status(code, "text/plain", "no such topic\n"))) {
            Run run = listen(server.uri("/nope").toString());
            assertEquals(1, run.code());
            assertEquals("", run.out());
            assertEquals(List.of("listen: HTTP " + code + " from " + server.uri("/nope")), run.errLines());
            assertEquals(1, server.requests().size());
        }
    }

    @Test
    void readTimeoutReplacesASilentConnectionAndSaysSo() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(streamThenHang("retry: 10\nid: 1\ndata: a\n\n"), stream("data: b\n\n"))) {
            Run run = listen(server.uri("/events").toString(), "--read-timeout", "0.3");
            assertEquals(0, run.code(), run.err());
            assertEquals("""
                    {"type":"message","data":"a","id":"1"}
                    {"type":"message","data":"b","id":"1"}
                    """, run.out());
            assertEquals(List.of("listen: no data for 300 ms from " + server.uri("/events") + "; reconnecting",
                    "listen: the server ended the stream; reconnecting"), run.errLines());
            assertEquals("1", server.requests().get(1).header("Last-Event-ID"));
        }
    }

    @Test
    void wrongContentTypeExitsOneWithAOneLineReason() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(status(200, "text/html", "<p>hi</p>"))) {
            Run run = listen(server.uri("/").toString());
            assertEquals(1, run.code());
            assertEquals(1, run.errLines().size(), run.err());
            assertTrue(run.err().contains("text/html") && run.err().contains("is not text/event-stream"), run.err());
        }
    }

    @Test
    void badArgumentsPrintTheReasonAndUsageAndExitTwo() {
        String[][] bad = {
            {},
            {"--bogus", "http://127.0.0.1:1/"},
            {"http://127.0.0.1:1/a", "http://127.0.0.1:1/b"},
            {"http://127.0.0.1:1/", "--header", "NoColon"},
            {"http://127.0.0.1:1/", "--header", "Bad Name: x"},
            {"http://127.0.0.1:1/", "--last-event-id"},
            {"http://127.0.0.1:1/", "--last-event-id", "a\nb"},
            {"http://127.0.0.1:1/", "--read-timeout"},
            {"http://127.0.0.1:1/", "--read-timeout", "0"},
            {"http://127.0.0.1:1/", "--read-timeout", "-5"},
            {"http://127.0.0.1:1/", "--read-timeout", "0.0001"},
            {"http://127.0.0.1:1/", "--read-timeout", "86401"},
            {"http://127.0.0.1:1/", "--read-timeout", "ten"},
            {"ftp://127.0.0.1/"},
            {"not a url"},
        };
        for (String[] args : bad) {
            Run run = listen(args);
            String label = String.join(" ", args);
            assertEquals(2, run.code(), label);
            assertEquals(2, run.errLines().size(), label + ": " + run.err());
            assertTrue(run.errLines().get(0).startsWith("listen: "), label + ": " + run.err());
            assertEquals(Listen.USAGE, run.errLines().get(1), label);
        }
    }

    @Test
    void aBadReadTimeoutIsRefusedByNameWithItsRule() {
        Run run = listen("http://127.0.0.1:1/", "--read-timeout", "ten");
        assertEquals("listen: --read-timeout needs a number of seconds from 0.001 to 86400, such as 45 or 0.5, not 'ten'",
                run.errLines().get(0));
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        Run run = listen("--help");
        assertEquals(0, run.code());
        assertEquals(Listen.USAGE + "\n", run.out());
    }

    @Test
    void jsonEscapesQuotesBackslashesAndControlCharacters() {
        MessageEvent event = new MessageEvent("t\"q", "a\\b\r\n\t\b\f\u0001\u007f\u2028x", "i");
        assertEquals("{\"type\":\"t\\\"q\",\"data\":\"a\\\\b\\r\\n\\t\\b\\f\\u0001\\u007f\\u2028x\",\"id\":\"i\"}\n", Listen.json(event));
    }

    @Test
    void jarFlushesEachLineAndExitsZeroOnNoContent() throws Exception {
        Path jar = Path.of("build/jdk-sse.jar");
        assertTrue(Files.isRegularFile(jar), "make test builds " + jar);
        CountDownLatch firstLineRead = new CountDownLatch(1);
        // The first stream stays open until the test has read the first line, which proves the flush.
        ScriptedServer.Script holdingFirst = (exchange, server) -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write("retry: 10\nid: 1\ndata: first\n\n".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            firstLineRead.await(30, TimeUnit.SECONDS);
        };
        try (ScriptedServer server = ScriptedServer.start(holdingFirst, stream("id: 2\ndata: second\n\n"))) {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process process = new ProcessBuilder(java, "-jar", jar.toString(), "listen", server.uri("/events").toString())
                    .redirectError(ProcessBuilder.Redirect.PIPE)
                    .start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("{\"type\":\"message\",\"data\":\"first\",\"id\":\"1\"}", out.readLine());
                assertTrue(process.isAlive());
                firstLineRead.countDown();
                assertEquals("{\"type\":\"message\",\"data\":\"second\",\"id\":\"2\"}", out.readLine());
                assertEquals(null, out.readLine());
                assertTrue(process.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                assertEquals("1", server.requests().get(1).header("Last-Event-ID"));
                assertEquals("2", server.requests().get(2).header("Last-Event-ID"));
            } finally {
                process.destroyForcibly();
            }
        }
    }

    /** Starts the hub from the jar on a free port and returns it with its root URL. */
    private record HubProcess(Process process, URI root) implements AutoCloseable {
        static HubProcess start() throws Exception {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process process = new ProcessBuilder(java, "-jar", "build/jdk-sse.jar", "--port", "0")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Matcher m = Pattern.compile("listening on (http://\\S+/)").matcher(String.valueOf(line));
            if (!m.find()) {
                process.destroyForcibly();
                throw new AssertionError("hub's first line: " + line);
            }
            return new HubProcess(process, URI.create(m.group(1)));
        }

        String publish(String query, String contentType, String body) throws Exception {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(root.resolve("/events?" + query)).header("Content-Type", contentType)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            return answer.body().strip();
        }

        void awaitSubscribers(int n) throws Exception {
            HttpRequest stats = HttpRequest.newBuilder(root.resolve("/stats")).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // Another process's state has no latch to wait on; poll it briefly.
            while (!HttpClient.newHttpClient().send(stats, HttpResponse.BodyHandlers.ofString()).body().contains("\"subscribers\":" + n + ",")) {
                assertTrue(System.nanoTime() < deadline, "waited 30 s for " + n + " subscribers");
                Thread.sleep(10);
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Process listenProcess(String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-jar", "build/jdk-sse.jar", "listen"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void listensToTheHubAndResumesWithLastEventId() throws Exception {
        try (HubProcess hub = HubProcess.start()) {
            String url = hub.root().resolve("/events?topic=news").toString();
            Process live = listenProcess(url);
            try {
                hub.awaitSubscribers(1);
                String first = hub.publish("topic=news", "application/x-www-form-urlencoded", "data=hello+world&event=greet");
                String second = hub.publish("topic=news", "text/plain; charset=utf-8", "raw é \"quoted\"\nline two");
                hub.publish("topic=other", "application/x-www-form-urlencoded", "data=not+for+us");
                BufferedReader out = new BufferedReader(new InputStreamReader(live.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("{\"type\":\"greet\",\"data\":\"hello world\",\"id\":\"" + first + "\"}", out.readLine());
                assertEquals("{\"type\":\"message\",\"data\":\"raw é \\\"quoted\\\"\\nline two\",\"id\":\"" + second + "\"}", out.readLine());

                // Resuming after the first event replays the second; an id the hub never issued gets a reset first.
                Process resumed = listenProcess(url, "--last-event-id", first);
                Process unknown = listenProcess(url, "--last-event-id", "999999");
                try {
                    BufferedReader r = new BufferedReader(new InputStreamReader(resumed.getInputStream(), StandardCharsets.UTF_8));
                    assertTrue(r.readLine().contains("\"id\":\"" + second + "\""));
                    BufferedReader u = new BufferedReader(new InputStreamReader(unknown.getInputStream(), StandardCharsets.UTF_8));
                    assertTrue(u.readLine().startsWith("{\"type\":\"reset\","));
                } finally {
                    resumed.destroyForcibly();
                    unknown.destroyForcibly();
                }
            } finally {
                live.destroyForcibly();
            }
        }
    }

    @Test
    void exitsOneOnTheHubsErrorAnswers() throws Exception {
        try (HubProcess hub = HubProcess.start()) {
            Run notFound = listen(hub.root().resolve("/nope").toString());
            assertEquals(1, notFound.code());
            assertEquals(List.of("listen: HTTP 404 from " + hub.root().resolve("/nope")), notFound.errLines());
            Run emptyTopic = listen(hub.root().resolve("/events?topic=").toString());
            assertEquals(1, emptyTopic.code());
            assertEquals(List.of("listen: HTTP 400 from " + hub.root().resolve("/events?topic=")), emptyTopic.errLines());
        }
    }
}
