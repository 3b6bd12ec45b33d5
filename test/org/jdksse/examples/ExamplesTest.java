package org.jdksse.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs each example of issue 5 as a user would, {@code java -cp build/jdk-sse.jar examples/X.java PORT},
 * and checks what it promises through HTTP only. The examples start together (each compiles its
 * own source first) and each test waits for its own; every test has a time bound.
 */
@Timeout(90)
class ExamplesTest {
    private static final List<String> EXAMPLES = List.of("Chat", "Broadcast", "Stocks", "Notifications", "LlmStream", "KeepAlive");
    private static final Map<String, ExampleProcess> RUNNING = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startEveryExample() throws IOException {
        assertTrue(Files.isRegularFile(Path.of("build/jdk-sse.jar")), "run from the project root after make jar");
        for (String name : EXAMPLES) {
            RUNNING.put(name, ExampleProcess.start(name));
        }
    }

    @AfterAll
    static void stopEveryExample() throws InterruptedException {
        for (ExampleProcess example : RUNNING.values()) {
            example.close();
        }
    }

    private static ExampleProcess started(String name) throws InterruptedException {
        return RUNNING.get(name).awaitStarted();
    }

    // ---- every example -------------------------------------------------------------------------

    @Test
    void everyExampleCompilesWithoutAnyLintWarning() throws IOException {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        List<Path> sources;
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(sources.size() >= EXAMPLES.size(), "examples found: " + sources);
        Path classes = Files.createTempDirectory("examples-lint");
        for (Path source : sources) {
            // Each file alone, as source-file mode compiles it; and against Java 21, the oldest JDK we support.
            for (List<String> release : List.of(List.<String>of(), List.of("--release", "21"))) {
                List<String> args = new ArrayList<>(release);
                args.addAll(List.of("-Xlint:all", "-Werror", "-cp", "build/jdk-sse.jar", "-d", classes.toString(), source.toString()));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                int status = javac.run(print, print, args.toArray(String[]::new));
                assertEquals(0, status, source + " " + release + ":\n" + out.toString(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void everyPageShowsDataAsTextNeverAsMarkup() throws IOException {
        for (String name : EXAMPLES) {
            String source = Files.readString(Path.of("examples", name + ".java"));
            for (String markupSink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write")) {
                assertFalse(source.contains(markupSink), name + " uses " + markupSink);
            }
            if (source.contains("<script>")) {
                assertTrue(source.contains("textContent"), name + "'s page shows data with textContent");
            }
        }
    }

    // ---- Stocks --------------------------------------------------------------------------------

    @Test
    void stocksSendsPriceEventsWhoseDataIsJsonWithSymbolPriceAndChange() throws Exception {
        ExampleProcess stocks = started("Stocks");
        Set<String> symbols = Set.of("AAPL", "AMZN", "GOOG", "MSFT");
        Set<String> seen = new HashSet<>();
        try (SseClient prices = SseClient.get(stocks.port, "/prices")) {
            assertEquals(200, prices.status);
            assertEquals("text/event-stream; charset=utf-8", prices.header("Content-Type"));
            for (int i = 0; i < 2 * symbols.size(); i++) { // two seconds' worth
                SseClient.Frame frame = prices.nextEvent();
                assertEquals("price", frame.event());
                Map<String, Object> quote = Json.object(frame.data());
                assertEquals(Set.of("symbol", "price", "change"), quote.keySet(), frame.data());
                String symbol = assertInstanceOf(String.class, quote.get("symbol"));
                assertTrue(symbols.contains(symbol), symbol);
                assertTrue(assertInstanceOf(BigDecimal.class, quote.get("price")).signum() > 0, frame.data());
                assertInstanceOf(BigDecimal.class, quote.get("change"));
                seen.add(symbol);
            }
        }
        assertEquals(symbols, seen);
        String page = get(stocks, "/").body();
        assertTrue(page.contains("<table id=\"prices\">"), page);
        for (String symbol : symbols) {
            assertTrue(page.contains("<tr data-symbol=\"" + symbol + "\">"), page);
        }
    }

    // ---- LlmStream -----------------------------------------------------------------------------

    private static final String QUESTION = "{\"model\":\"demo\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";

    @Test
    void llmStreamChunksConcatenateToTheGeneratorsTextAndEndWithDone() throws Exception {
        ExampleProcess llm = started("LlmStream");
        HttpResponse<String> whole = post(llm, "/v1/chat/completions", String.format(QUESTION, false, "What is \\\"SSE\\\"?"));
        assertEquals(200, whole.statusCode(), whole.body());
        String expected = (String) message(Json.object(whole.body()), "message").get("content");
        assertTrue(expected.startsWith("You asked \"What is \"SSE\"?\". "), expected);
        assertTrue(expected.split(" ").length > 30, expected);

        StringBuilder streamed = new StringBuilder();
        try (SseClient answer = SseClient.post(llm.port, "/v1/chat/completions", "application/json",
                String.format(QUESTION, true, "What is \\\"SSE\\\"?"))) {
            assertEquals(200, answer.status);
            assertEquals("text/event-stream; charset=utf-8", answer.header("Content-Type"));
            int chunks = 0;
            for (SseClient.Frame frame; !(frame = answer.nextEvent()).data().equals("[DONE]"); chunks++) {
                Map<String, Object> chunk = Json.object(frame.data());
                assertEquals("chat.completion.chunk", chunk.get("object"));
                Object content = message(chunk, "delta").get("content");
                streamed.append(content == null ? "" : (String) content);
            }
            assertTrue(chunks > 30, "one chunk per token, got " + chunks);
            assertTrue(answer.endsWithin(Duration.ofSeconds(5)), "the response ends after [DONE]");
        }
        assertEquals(expected, streamed.toString());
    }

    @Test
    void llmStreamStopsGeneratingAsSoonAsTheClientDisconnects() throws Exception {
        ExampleProcess llm = started("LlmStream");
        try (SseClient answer = SseClient.post(llm.port, "/v1/chat/completions", "application/json",
                String.format(QUESTION, true, "Stop me after three chunks"))) {
            for (int i = 0; i < 3; i++) {
                assertNotNull(answer.nextEvent().data());
            }
        } // the client leaves, as a closed tab does
        Matcher log = llm.awaitLine(Pattern.compile("answer (\\d+) cancelled after (\\d+) of (\\d+) tokens: client gone"),
                Duration.ofSeconds(10));
        int generated = Integer.parseInt(log.group(2)), total = Integer.parseInt(log.group(3));
        // Three chunks read (the role and two tokens); a few more may be in flight when the FIN arrives.
        assertTrue(generated <= 8 && total > 30, log.group());
        Map<String, Object> stats = Json.object(get(llm, "/stats").body());
        assertEquals(BigDecimal.ONE, stats.get("cancelled"), stats.toString());
    }

    @Test
    void llmStreamAnswersBadRequestsWithAReason() throws Exception {
        ExampleProcess llm = started("LlmStream");
        HttpResponse<String> notJson = post(llm, "/v1/chat/completions", "{\"stream\":true}");
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().startsWith("expected "), notJson.body());
        assertEquals(400, send(llm, "POST", "/v1/chat/completions", new byte[] {'"', (byte) 0xff}).statusCode());
        assertEquals(413, post(llm, "/v1/chat/completions", String.format(QUESTION, true, "x".repeat(70_000))).statusCode());
        assertEquals(405, get(llm, "/v1/chat/completions").statusCode());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> message(Map<String, Object> completion, String field) {
        List<Object> choices = (List<Object>) completion.get("choices");
        return (Map<String, Object>) ((Map<String, Object>) choices.get(0)).get(field);
    }

    // ---- KeepAlive -----------------------------------------------------------------------------

    @Test
    void keepAliveSendsItsOwnCommentWhileTheStreamIsSilent() throws Exception {
        ExampleProcess keepAlive = started("KeepAlive");
        try (SseClient events = SseClient.get(keepAlive.port, "/events")) {
            assertEquals(200, events.status);
            // Events come every 10 s; the 3-second heartbeat must show up before the first one.
            SseClient.Frame first = events.next(Duration.ofSeconds(8));
            assertEquals(new SseClient.Frame(null, null, null, List.of("keep-alive")), first);
        }
    }

    // ---- HTTP helpers --------------------------------------------------------------------------

    private static HttpResponse<String> get(ExampleProcess example, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(example, path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(ExampleProcess example, String path, String body) throws IOException, InterruptedException {
        return send(example, "POST", path, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(ExampleProcess example, String method, String path, byte[] body)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(example, path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(ExampleProcess example, String path) {
        return URI.create("http://127.0.0.1:" + example.port + path);
    }
}
