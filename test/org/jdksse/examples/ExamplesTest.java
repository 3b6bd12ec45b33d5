package org.jdksse.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.jdksse.testing.Await;
import org.jdksse.testing.JavaProcess;
import org.jdksse.testing.Json;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.RawClient.Response;
import org.jdksse.testing.WhatwgParser.Comment;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Runs each example of issue 5 as a user would, {@code java -cp build/jdk-sse.jar examples/X.java PORT},
 * and checks what it promises through HTTP only. The examples start together (each compiles its
 * own source first) and each test waits for its own; every test has a time bound.
 */
@Tag("process")
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExamplesTest {
    private static final List<String> EXAMPLES = List.of("Chat", "Broadcast", "Stocks", "Notifications", "LlmStream", "KeepAlive");
    private static final Map<String, JavaProcess> RUNNING = new ConcurrentHashMap<>();

    @BeforeAll
    static void startEveryExample() throws IOException {
        for (String name : EXAMPLES) {
            RUNNING.put(name, JavaProcess.classPath("examples/" + name + ".java", "0"));
        }
    }

    @AfterAll
    static void stopEveryExample() throws InterruptedException {
        for (JavaProcess example : RUNNING.values()) {
            example.close();
        }
    }

    /** Returns the example once it has printed its first line, with its port. */
    private static JavaProcess started(String name) throws InterruptedException {
        JavaProcess example = RUNNING.get(name);
        example.port();
        return example;
    }

    // ---- every example -------------------------------------------------------------------------

    @Test
    @Order(Integer.MAX_VALUE) // last: its javac would compete with the examples compiling themselves at startup
    void everyExampleCompilesWithoutAnyLintWarning() throws IOException {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        List<Path> sources = exampleSources();
        for (String name : EXAMPLES) {
            assertTrue(sources.contains(Path.of("examples", name + ".java")), name + " in " + sources);
        }
        Path classes = Files.createTempDirectory("examples-lint");
        try {
            // As the users' javac sees them, and against Java 21, the oldest JDK the project supports.
            for (List<String> release : List.of(List.<String>of(), List.of("--release", "21"))) {
                List<String> args = new ArrayList<>(release);
                args.addAll(List.of("-Xlint:all", "-Werror", "-cp", "build/jdk-sse.jar", "-d", classes.toString()));
                sources.forEach(source -> args.add(source.toString()));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                int status = javac.run(print, print, args.toArray(String[]::new));
                assertEquals(0, status, release + ":\n" + out.toString(StandardCharsets.UTF_8));
            }
        } finally {
            try (Stream<Path> walk = Files.walk(classes)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void everyPageShowsDataAsTextNeverAsMarkup() throws IOException {
        List<Path> sources = exampleSources();
        for (Path file : sources) {
            String source = Files.readString(file), name = file.getFileName().toString();
            for (String markupSink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write")) {
                assertFalse(source.contains(markupSink), name + " uses " + markupSink);
            }
            if (source.contains("<script>")) {
                assertTrue(source.contains("textContent"), name + "'s page shows data with textContent");
            }
        }
    }

    /** Every example, the foundation's included. */
    private static List<Path> exampleSources() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    // ---- Chat ----------------------------------------------------------------------------------

    @Test
    void chatSendsEachUserItsIdFirstAndDeliversToEveryoneButTheSender() throws Exception {
        JavaProcess chat = started("Chat");
        try (RawClient ann = RawClient.get(chat.port(), "/chat"); RawClient bob = RawClient.get(chat.port(), "/chat")) {
            String annId = userId(ann.next()), bobId = userId(bob.next());
            assertFalse(annId.equals(bobId));

            assertEquals("sent", post(chat, "/chat/" + annId, "hello <b>Bob</b>").body().strip());
            assertEquals("<User#" + annId + ">: hello <b>Bob</b>", bob.next().data());
            assertEquals("sent", post(chat, "/chat/" + bobId, "hi Ann").body().strip());
            // Ann's next event is Bob's answer: her own message never came back to her.
            assertEquals("<User#" + bobId + ">: hi Ann", ann.next().data());
        }
        String page = get(chat, "/").body();
        for (String id : List.of("messages", "text", "send", "me")) {
            assertTrue(page.contains("id=\"" + id + "\""), id + " in " + page);
        }
        assertTrue(page.contains("'message'"), "each message is a .message element");
    }

    @Test
    void chatRefusesOversizedNonUtf8AndEmptyMessagesAndDeliversNoneOfThem() throws Exception {
        JavaProcess chat = started("Chat");
        try (RawClient ann = RawClient.get(chat.port(), "/chat"); RawClient bob = RawClient.get(chat.port(), "/chat")) {
            String annId = userId(ann.next());
            userId(bob.next());
            Response tooBig = post(chat, "/chat/" + annId, "x".repeat(4097));
            assertEquals(413, tooBig.status());
            assertEquals("the body is over 4096 bytes\n", tooBig.body());
            Response notUtf8 = send(chat, "POST", "/chat/" + annId, new byte[] {'h', 'i', (byte) 0xc3, '('});
            assertEquals(400, notUtf8.status());
            assertEquals("the body is not valid UTF-8\n", notUtf8.body());
            assertEquals(400, post(chat, "/chat/" + annId, "").status());
            assertEquals(405, get(chat, "/chat/" + annId).status());
            assertEquals(404, post(chat, "/chat/ann", "hi").status());
            assertEquals(200, post(chat, "/chat/" + annId, "x".repeat(4096)).status(), "4096 bytes is within the limit");
            assertEquals("<User#" + annId + ">: " + "x".repeat(4096), bob.next().data(), "the refused ones were not delivered");
        }
    }

    private static String userId(Event first) {
        assertEquals("user", first.type(), "the first event names the user: " + first);
        assertTrue(first.data().matches("\\d+"), first.data());
        return first.data();
    }

    // ---- Broadcast -----------------------------------------------------------------------------

    @Test
    void broadcastDeliversToEverySubscriberAndPrunesAKilledOneWithin20Seconds() throws Exception {
        JavaProcess broadcast = started("Broadcast");
        try (RawClient one = RawClient.get(broadcast.port(), "/events"); RawClient two = RawClient.get(broadcast.port(), "/events")) {
            assertEquals("connected", one.next().data());
            assertEquals("connected", two.next().data());
            assertEquals("clients 2", stats(broadcast).group(1));

            assertEquals("msg sent", get(broadcast, "/events/hi").body().strip());
            assertEquals("hi", one.next().data());
            assertEquals("hi", two.next().data());
            assertEquals(200, post(broadcast, "/events", "posted too").status());
            assertEquals("posted too", one.next().data());
            assertEquals("posted too", two.next().data());

            // The second client dies without a word; only the ping can find it.
            two.close();
            // Another process's counter: nothing to wait on but the next look.
            Matcher stats = Await.value("the dead client pruned", Duration.ofSeconds(20), () -> stats(broadcast),
                    m -> m.group(1).equals("clients 1"));
            assertEquals("pruned 1", stats.group(2), stats.group());
            assertEquals("msg sent", get(broadcast, "/events/still%20here").body().strip());
            assertEquals("still here", one.next().data(), "the live client stays");
        }
    }

    private static Matcher stats(JavaProcess broadcast) throws IOException, InterruptedException {
        String body = get(broadcast, "/stats").body();
        Matcher m = Pattern.compile("(clients \\d+), published \\d+, (pruned \\d+), dropped .*\n").matcher(body);
        assertTrue(m.matches(), body);
        return m;
    }

    // ---- Notifications -------------------------------------------------------------------------

    @Test
    void notificationsResumeAfterLastEventIdWithExactlyTheMissedOnes() throws Exception {
        JavaProcess notifications = started("Notifications");
        String seen = notify(notifications, "seen before we start");
        List<String> ids = new ArrayList<>();
        // Resuming from an id makes the subscription race-free: whatever is published after it arrives.
        try (RawClient client = RawClient.get(notifications.port(), "/notifications", "Last-Event-ID: " + seen)) {
            for (String text : List.of("one", "two")) {
                ids.add(notify(notifications, text));
                assertEquals(new Event("message", text, ids.getLast()), client.next());
            }
        } // offline now
        List<String> missed = List.of("three", "four");
        for (String text : missed) {
            ids.add(notify(notifications, text));
        }
        try (RawClient back = RawClient.get(notifications.port(), "/notifications", "Last-Event-ID: " + ids.get(1))) {
            ids.add(notify(notifications, "five, live"));
            assertEquals(new Event("message", "three", ids.get(2)), back.next());
            assertEquals(new Event("message", "four", ids.get(3)), back.next());
            assertEquals(new Event("message", "five, live", ids.get(4)), back.next());
        }
        assertEquals(405, get(notifications, "/notify").status());
        assertEquals(413, post(notifications, "/notify", "x".repeat(4097)).status());
        assertEquals(400, send(notifications, "POST", "/notify", new byte[] {(byte) 0xff}).status());
        String page = get(notifications, "/").body();
        assertTrue(page.contains("id=\"notifications\""), page);
    }

    /** Posts a notification and returns its id. */
    private static String notify(JavaProcess notifications, String text) throws IOException, InterruptedException {
        Response response = post(notifications, "/notify", text);
        assertEquals(200, response.status(), response.body());
        assertTrue(response.body().matches("\\d+\n"), response.body());
        return response.body().strip();
    }

    // ---- Stocks --------------------------------------------------------------------------------

    @Test
    void stocksSendsPriceEventsWhoseDataIsJsonWithSymbolPriceAndChange() throws Exception {
        JavaProcess stocks = started("Stocks");
        Set<String> symbols = Set.of("AAPL", "AMZN", "GOOG", "MSFT");
        Set<String> seen = new HashSet<>();
        try (RawClient prices = RawClient.get(stocks.port(), "/prices")) {
            assertEquals(200, prices.status());
            assertEquals("text/event-stream; charset=utf-8", prices.header("Content-Type"));
            for (int i = 0; i < 2 * symbols.size(); i++) { // two seconds' worth
                Event frame = prices.next();
                assertEquals("price", frame.type());
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
        JavaProcess llm = started("LlmStream");
        Response whole = post(llm, "/v1/chat/completions", String.format(QUESTION, false, "What is \\\"SSE\\\"?"));
        assertEquals(200, whole.status(), whole.body());
        String expected = (String) message(Json.object(whole.body()), "message").get("content");
        assertTrue(expected.startsWith("You asked \"What is \"SSE\"?\". "), expected);
        assertTrue(expected.split(" ").length > 30, expected);

        StringBuilder streamed = new StringBuilder();
        try (RawClient answer = RawClient.send(llm.port(), "POST", "/v1/chat/completions",
                String.format(QUESTION, true, "What is \\\"SSE\\\"?").getBytes(StandardCharsets.UTF_8), "Content-Type: application/json")) {
            assertEquals(200, answer.status());
            assertEquals("text/event-stream; charset=utf-8", answer.header("Content-Type"));
            assertEquals("no", answer.header("X-Accel-Buffering"));
            int chunks = 0;
            for (Event frame; !(frame = answer.next()).data().equals("[DONE]"); chunks++) {
                Map<String, Object> chunk = Json.object(frame.data());
                assertEquals("chat.completion.chunk", chunk.get("object"));
                Object content = message(chunk, "delta").get("content");
                streamed.append(content == null ? "" : (String) content);
            }
            assertTrue(chunks > 30, "one chunk per token, got " + chunks);
            answer.timeout(Duration.ofSeconds(5));
            assertThrows(EOFException.class, answer::nextItem, "the response ends after [DONE], with nothing more");
        }
        assertEquals(expected, streamed.toString());
    }

    @Test
    void llmStreamAnswersAPromptHoldingAnEscapedLoneSurrogateToTheEnd() throws Exception {
        JavaProcess llm = started("LlmStream");
        try (RawClient answer = RawClient.send(llm.port(), "POST", "/v1/chat/completions",
                String.format(QUESTION, true, "hi \\ud800 there").getBytes(StandardCharsets.UTF_8), "Content-Type: application/json")) {
            assertEquals(200, answer.status());
            StringBuilder streamed = new StringBuilder();
            for (Event frame; !(frame = answer.next()).data().equals("[DONE]"); ) {
                Object content = message(Json.object(frame.data()), "delta").get("content");
                streamed.append(content == null ? "" : (String) content);
            }
            assertTrue(streamed.toString().startsWith("You asked \"hi \ud800 there\""), streamed.toString());
        }
    }

    @Test
    void llmStreamStopsGeneratingAsSoonAsTheClientDisconnects() throws Exception {
        JavaProcess llm = started("LlmStream");
        try (RawClient answer = RawClient.send(llm.port(), "POST", "/v1/chat/completions",
                String.format(QUESTION, true, "Stop me after three chunks").getBytes(StandardCharsets.UTF_8), "Content-Type: application/json")) {
            for (int i = 0; i < 3; i++) {
                assertNotNull(answer.next().data());
            }
        } // the client leaves, as a closed tab does
        Matcher log = llm.awaitLine(Pattern.compile("answer (\\d+) cancelled after (\\d+) of (\\d+) tokens: client gone"),
                Duration.ofSeconds(10));
        int generated = Integer.parseInt(log.group(2)), total = Integer.parseInt(log.group(3));
        // Three chunks read (the role and two tokens), and a few more in flight when the client left;
        // a generator that ran on would have produced all of them.
        assertTrue(total > 30 && generated <= total / 2, log.group());
        Map<String, Object> stats = Json.object(get(llm, "/stats").body());
        assertEquals(1L, stats.get("cancelled"), stats.toString());
    }

    @Test
    void llmStreamAnswersBadRequestsWithAReason() throws Exception {
        JavaProcess llm = started("LlmStream");
        Response notJson = post(llm, "/v1/chat/completions", "{\"stream\":true}");
        assertEquals(400, notJson.status());
        assertTrue(notJson.body().startsWith("expected "), notJson.body());
        assertEquals(400, send(llm, "POST", "/v1/chat/completions", new byte[] {'"', (byte) 0xff}).status());
        assertEquals(413, post(llm, "/v1/chat/completions", String.format(QUESTION, true, "x".repeat(70_000))).status());
        assertEquals(405, get(llm, "/v1/chat/completions").status());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> message(Map<String, Object> completion, String field) {
        List<Object> choices = (List<Object>) completion.get("choices");
        return (Map<String, Object>) ((Map<String, Object>) choices.get(0)).get(field);
    }

    // ---- KeepAlive -----------------------------------------------------------------------------

    @Test
    void keepAliveSendsItsOwnCommentWhileTheStreamIsSilent() throws Exception {
        JavaProcess keepAlive = started("KeepAlive");
        try (RawClient events = RawClient.get(keepAlive.port(), "/events")) {
            assertEquals(200, events.status());
            // Events come every 10 s; the 3-second heartbeat must show up before the first one.
            assertEquals(new Comment("keep-alive"), events.timeout(Duration.ofSeconds(8)).nextItem());
        }
    }

    // ---- HTTP helpers --------------------------------------------------------------------------

    private static Response get(JavaProcess example, String path) throws IOException, InterruptedException {
        return RawClient.exchange(example.port(), "GET", path, null);
    }

    private static Response post(JavaProcess example, String path, String body) throws IOException, InterruptedException {
        return send(example, "POST", path, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Response send(JavaProcess example, String method, String path, byte[] body)
            throws IOException, InterruptedException {
        return RawClient.exchange(example.port(), method, path, body);
    }
}
