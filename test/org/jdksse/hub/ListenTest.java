package org.jdksse.hub;

import static org.jdksse.testing.ScriptedServer.status;
import static org.jdksse.testing.ScriptedServer.stream;
import static org.jdksse.testing.ScriptedServer.streamThenHang;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jdksse.client.MessageEvent;
import org.jdksse.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code listen} command in process, against a scripted server and the hub ({@link ListenProcessTest} runs the jar). */
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
    @Timeout(10) // without the check, listen retries the URL for ever
    void aPortOutOfRangeIsRefusedAtOnceInsteadOfRetriedForEver() {
        Run run = listen("http://127.0.0.1:99999/e");
        assertEquals(2, run.code(), run.err());
        assertEquals(List.of("listen: uri port must be from 1 to 65535: http://127.0.0.1:99999/e", Listen.USAGE), run.errLines());
    }

    @Test
    void aUrlIsPrintedWithoutItsUserInfoOrAuthorizationToken() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(streamThenHang("retry: 10\n\n"), status(401, "text/plain", "bad token\n"))) {
            URI plain = server.uri("/.well-known/mercure?topic=x&authorization=s3cret.tok.en");
            String url = plain.toString().replace("//", "//alice:pa55@");
            Run run = listen(url, "--read-timeout", "0.3");
            assertEquals(1, run.code(), run.err());
            String shown = "http://***@" + plain.getAuthority() + "/.well-known/mercure?topic=x&authorization=***";
            assertEquals(List.of("listen: no data for 300 ms from " + shown + "; reconnecting", "listen: HTTP 401 from " + shown), run.errLines());
            assertEquals("/.well-known/mercure?topic=x&authorization=s3cret.tok.en", server.requests().get(1).path(), "sent as given");
        }
    }

    @Test
    void refusedArgumentsNeverEchoAPasswordOrToken() {
        String[][] bad = {
            {"http://alice:pa55@127.0.0.1:1/a?authorization=s3cret", "http://127.0.0.1:1/b?Authorization=s3cret"},
            {"http://alice:pa55@127.0.0.1:99999/e?authorization=s3cret"},
            {"ftp://alice:pa55@127.0.0.1/e?authorization=s3cret"},
            {"http://:pa#55@127.0.0.1:1/e"},
            {"http://127.0.0.1:1/e?authorization=s3cret and more"},
            {"http://127.0.0.1:1/", "--header", "Authorization Bearer s3cret"},
            {"http://127.0.0.1:1/", "--header", "Authorization: Bearer s3\u0001cret"},
            {"http://127.0.0.1:1/", "Authorization: Bearer s3cret"}, // --header forgotten
            {"http://127.0.0.1:1/", "--header=Authorization: Bearer s3cret"},
        };
        for (String[] args : bad) {
            Run run = listen(args);
            String label = String.join(" ", args);
            assertEquals(2, run.code(), label);
            assertFalse(run.err().contains("pa55") || run.err().contains("pa#55") || run.err().contains("s3"), label + ": " + run.err());
            assertEquals(2, run.errLines().size(), label + ": " + run.err());
        }
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
    void exitsOneOnTheHubsErrorAnswers() throws Exception {
        Hub hub = Hub.start(HubOptions.parse(new String[] {"--port", "0"}, Map.of()));
        try {
            URI root = URI.create("http://127.0.0.1:" + hub.address().getPort() + "/");
            Run notFound = listen(root.resolve("/nope").toString());
            assertEquals(1, notFound.code());
            assertEquals(List.of("listen: HTTP 404 from " + root.resolve("/nope")), notFound.errLines());
            Run emptyTopic = listen(root.resolve("/events?topic=").toString());
            assertEquals(1, emptyTopic.code());
            assertEquals(List.of("listen: HTTP 400 from " + root.resolve("/events?topic=")), emptyTopic.errLines());
        } finally {
            hub.stop();
        }
    }
}
