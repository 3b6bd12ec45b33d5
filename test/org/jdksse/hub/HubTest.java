package org.jdksse.hub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdksse.Broadcaster;
import org.jdksse.Update;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every row of the hub's HTTP API over real sockets, with the flags that shape it. */
class HubTest {
    private static final String FORM = "Content-Type: application/x-www-form-urlencoded";
    private Hub hub;
    private int port;
    private final List<HubClient> clients = new ArrayList<>();

    private void start(String... flags) throws Exception {
        String[] args = Arrays.copyOf(flags, flags.length + 2);
        args[flags.length] = "--port";
        args[flags.length + 1] = "0";
        hub = Hub.start(HubOptions.parse(args, Map.of()));
        port = hub.address().getPort();
    }

    @AfterEach
    void stop() throws IOException {
        for (HubClient client : clients) {
            client.close();
        }
        if (hub != null) {
            hub.stop();
        }
    }

    /** Opens a stream and waits until the broadcaster counts it, so that nothing published after is missed. */
    private HubClient subscribe(String target, String... headers) throws Exception {
        int before = hub.broadcaster().stats().subscribers();
        HubClient client = HubClient.get(port, target, headers);
        clients.add(client);
        assertEquals(200, client.status, "subscribe " + target);
        awaitStats(s -> s.subscribers() > before);
        return client;
    }

    /** Waits, boundedly, for the counters to reach a state. */
    private Broadcaster.Stats awaitStats(Predicate<Broadcaster.Stats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (;;) {
            Broadcaster.Stats stats = hub.broadcaster().stats();
            if (condition.test(stats)) {
                return stats;
            }
            if (System.nanoTime() > deadline) {
                fail("the counters never got there: " + stats);
            }
            Thread.sleep(5);
        }
    }

    private HubClient.Response post(String target, String form, String... headers) throws IOException {
        String[] all = Arrays.copyOf(headers, headers.length + 1);
        all[headers.length] = FORM;
        return HubClient.exchange(port, "POST", target, form.getBytes(UTF_8), all);
    }

    /** Publishes a form and returns the id the hub answered with. */
    private long publish(String target, String form, String... headers) throws IOException {
        HubClient.Response response = post(target, form, headers);
        assertEquals(200, response.status(), response.body());
        return Long.parseLong(response.body().strip());
    }

    private static HubClient.Event event(String type, long id, String data) {
        return new HubClient.Event(type, Long.toString(id), data);
    }

    @Test
    void healthzAnswersOk() throws Exception {
        start();
        HubClient.Response response = HubClient.exchange(port, "GET", "/healthz", null);
        assertEquals(200, response.status());
        assertEquals("ok\n", response.body());
        assertTrue(response.header("Content-Type").startsWith("text/plain"));
    }

    @Test
    void unknownPathsGet404() throws Exception {
        start();
        for (String path : List.of("/nope", "/events/", "/eventsx", "/stats/", "/healthz/x", "/console.html")) {
            HubClient.Response response = HubClient.exchange(port, "GET", path, null);
            assertEquals(404, response.status(), path);
            assertOneLine(response);
        }
    }

    @Test
    void wrongMethodsGet405WithAllow() throws Exception {
        start();
        record Case(String method, String path, String allow) {
        }
        for (Case c : List.of(new Case("PUT", "/events", "GET, POST"), new Case("DELETE", "/events", "GET, POST"),
                new Case("PATCH", "/events", "GET, POST"), new Case("POST", "/", "GET, HEAD"),
                new Case("POST", "/stats", "GET, HEAD"), new Case("PUT", "/metrics", "GET, HEAD"),
                new Case("DELETE", "/healthz", "GET, HEAD"))) {
            HubClient.Response response = HubClient.exchange(port, c.method(), c.path(), new byte[0]);
            assertEquals(405, response.status(), c.toString());
            assertEquals(c.allow(), response.header("Allow"), c.toString());
            assertOneLine(response);
        }
    }

    @Test
    void headOnReadOnlyPathsSendsHeadersOnly() throws Exception {
        start();
        for (String path : List.of("/", "/stats", "/metrics", "/healthz")) {
            HubClient.Response response = HubClient.exchange(port, "HEAD", path, null);
            assertEquals(200, response.status(), path);
            assertEquals("", response.body(), path);
        }
    }

    @Test
    void formPublishReachesSubscribersOfItsTopicOnly() throws Exception {
        start();
        HubClient a = subscribe("/events?topic=a");
        HubClient b = subscribe("/events?topic=b");
        long first = publish("/events?topic=a", "data=hi&event=greet");
        long second = publish("/events?topic=b", "data=bee");
        assertEquals(event("greet", first, "hi"), a.next());
        // b's first event is its own: a's never reached it.
        assertEquals(event("message", second, "bee"), b.next());
    }

    @Test
    void publishAnswersTheAssignedIdAsPlainTextAndIdsIncrease() throws Exception {
        start();
        HubClient stream = subscribe("/events?topic=t");
        HubClient.Response first = post("/events?topic=t", "data=one");
        HubClient.Response second = post("/events?topic=u", "data=two");
        assertTrue(first.body().matches("\\d+\n"), first.body());
        long id = Long.parseLong(first.body().strip());
        assertEquals((id + 1) + "\n", second.body());
        assertTrue(first.header("Content-Type").startsWith("text/plain"), first.header("Content-Type"));
        assertEquals(event("message", id, "one"), stream.next());
    }

    @Test
    void rawBodyIsTheDataAndTheEventComesFromTheQuery() throws Exception {
        start();
        HubClient stream = subscribe("/events?topic=t");
        byte[] text = "line one\nline two\r\nthree é 😀".getBytes(UTF_8);
        HubClient.Response plain = HubClient.exchange(port, "POST", "/events?topic=t&event=note", text,
                "Content-Type: text/plain; charset=utf-8");
        assertEquals(200, plain.status(), plain.body());
        HubClient.Response json = HubClient.exchange(port, "POST", "/events?topic=t", "{\"a\":[1,2]}".getBytes(UTF_8),
                "Content-Type: application/json");
        HubClient.Response none = HubClient.exchange(port, "POST", "/events?topic=t", "data=not a form".getBytes(UTF_8));
        long id = Long.parseLong(plain.body().strip());
        assertEquals(event("note", id, "line one\nline two\nthree é 😀"), stream.next());
        assertEquals(event("message", id + 1, "{\"a\":[1,2]}"), stream.next());
        assertEquals(200, json.status());
        assertEquals(200, none.status());
        assertEquals(event("message", id + 2, "data=not a form"), stream.next());
    }

    @Test
    void formFieldsWinOverTheQuery() throws Exception {
        start();
        HubClient b = subscribe("/events?topic=b");
        long id = publish("/events?topic=a&event=fromquery", "topic=b&event=fromform&data=x+y%20z%C3%A9");
        assertEquals(event("fromform", id, "x y zé"), b.next());
        long queryOnly = publish("/events?topic=b&event=q", "data=2");
        assertEquals(event("q", queryOnly, "2"), b.next());
    }

    @Test
    void noTopicMeansTheTopicDefault() throws Exception {
        start();
        HubClient stream = subscribe("/events");
        long id = publish("/events", "data=d");
        assertEquals(event("message", id, "d"), stream.next());
        assertEquals(Map.of("default", 1), hub.broadcaster().stats().topics());
    }

    @Test
    void oneSubscriberOfSeveralTopicsGetsEachOfThemOnly() throws Exception {
        start();
        HubClient stream = subscribe("/events?topic=a&topic=b");
        long a = publish("/events?topic=a", "data=A");
        publish("/events?topic=c", "data=C");
        long b = publish("/events?topic=b", "data=B");
        assertEquals(event("message", a, "A"), stream.next());
        assertEquals(event("message", b, "B"), stream.next());
    }

    @Test
    void lastEventIdHeaderReplaysTheEventsAfterItThenGoesLive() throws Exception {
        start();
        long[] ids = new long[7];
        for (int i = 1; i <= 6; i++) {
            ids[i] = publish("/events?topic=" + (i % 2 == 0 ? "t" : "u"), "data=" + i);
        }
        HubClient stream = subscribe("/events?topic=t", "Last-Event-ID: " + ids[2]);
        assertEquals(event("message", ids[4], "4"), stream.next());
        assertEquals(event("message", ids[6], "6"), stream.next());
        long live = publish("/events?topic=t", "data=live");
        assertEquals(event("message", live, "live"), stream.next());
    }

    @Test
    void lastEventIdQueryParameterReplaysToo() throws Exception {
        start();
        long[] ids = new long[4];
        for (int i = 1; i <= 3; i++) {
            ids[i] = publish("/events?topic=t", "data=" + i);
        }
        HubClient stream = subscribe("/events?topic=t&lastEventId=" + ids[1]);
        assertEquals(event("message", ids[2], "2"), stream.next());
        assertEquals(event("message", ids[3], "3"), stream.next());
    }

    @Test
    void unknownIdGetsResetFirst() throws Exception {
        start();
        publish("/events?topic=t", "data=1");
        for (String unknown : List.of("999", "abc")) {
            HubClient stream = subscribe("/events?topic=t", "Last-Event-ID: " + unknown);
            assertEquals("reset", stream.next().type(), unknown);
            long live = publish("/events?topic=t", "data=after " + unknown);
            assertEquals(event("message", live, "after " + unknown), stream.next());
        }
    }

    @Test
    void idOlderThanTheHistoryGetsResetFirst() throws Exception {
        start("--history", "2");
        for (int i = 1; i <= 5; i++) {
            publish("/events?topic=t", "data=" + i);
        }
        HubClient stream = subscribe("/events?topic=t", "Last-Event-ID: 1");
        assertEquals("reset", stream.next().type());
    }

    @Test
    void consolePageHasStableIdsAndAPolicyThatAllowsOnlyItsOwnScript() throws Exception {
        start();
        HubClient.Response page = HubClient.exchange(port, "GET", "/", null);
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.header("Content-Type"));
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
        String html = page.body();
        for (String id : List.of("topics", "subscribe", "topic", "event", "data", "publish", "log")) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertTrue(html.contains("row.className = 'event'"));
        // Data reaches the page through textContent only.
        assertFalse(html.contains("innerHTML") || html.contains("outerHTML") || html.contains("insertAdjacentHTML")
                || html.contains("document.write") || html.contains("eval("));
        String policy = page.header("Content-Security-Policy");
        assertNotNull(policy);
        assertTrue(policy.startsWith("default-src 'none'; "), policy);
        assertFalse(policy.contains("unsafe-inline"), policy);
        Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertTrue(script.find());
        String hash = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(script.group(1).getBytes(UTF_8)));
        assertTrue(policy.contains("script-src 'sha256-" + hash + "'"), policy);
        assertFalse(script.find(), "one inline script, the hashed one");
    }

    @Test
    void statsIsValidJsonThatCountsWhatHappened() throws Exception {
        start();
        String weird = "we\"ird\\ topic é";
        HubClient odd = subscribe("/events?topic=we%22ird%5C%20topic%20%C3%A9");
        HubClient plain = subscribe("/events?topic=t");
        publish("/events?topic=t", "data=1");
        publish("/events?topic=" + "we%22ird%5C%20topic%20%C3%A9", "data=2");
        plain.next();
        odd.next();
        awaitStats(s -> s.delivered() == 2);
        HubClient.Response response = HubClient.exchange(port, "GET", "/stats", null);
        assertEquals(200, response.status());
        assertEquals("application/json", response.header("Content-Type"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) Json.parse(response.body());
        assertEquals(List.of("subscribers", "topics", "published", "delivered", "dropped", "pruned"),
                List.copyOf(stats.keySet()));
        assertEquals(2L, stats.get("subscribers"));
        assertEquals(Map.of("t", 1L, weird, 1L), stats.get("topics"));
        assertEquals(2L, stats.get("published"));
        assertEquals(2L, stats.get("delivered"));
        assertTrue(stats.get("dropped") instanceof Map<?, ?>, response.body());
        assertEquals(0L, stats.get("pruned"));
    }

    @Test
    void metricsAreValidPrometheusTextThatCountsWhatHappened() throws Exception {
        start();
        HubClient odd = subscribe("/events?topic=a%22b%5Cc");
        publish("/events?topic=a%22b%5Cc", "data=1");
        publish("/events?topic=nobody", "data=2");
        odd.next();
        awaitStats(s -> s.delivered() == 1);
        HubClient.Response response = HubClient.exchange(port, "GET", "/metrics", null);
        assertEquals(200, response.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.header("Content-Type"));
        List<PrometheusText.Sample> samples = PrometheusText.parse(response.body());
        assertEquals(1.0, value(samples, "jdksse_subscribers", Map.of()));
        assertEquals(1.0, value(samples, "jdksse_topic_subscribers", Map.of("topic", "a\"b\\c")));
        assertEquals(2.0, value(samples, "jdksse_published_total", Map.of()));
        assertEquals(1.0, value(samples, "jdksse_delivered_total", Map.of()));
        assertEquals(0.0, value(samples, "jdksse_pruned_total", Map.of()));
        assertTrue(response.body().contains("# TYPE jdksse_dropped_total counter\n"));
    }

    private static double value(List<PrometheusText.Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + samples)).value();
    }

    @Test
    void publishWithoutTheConfiguredTokenGets401AndChangesNothing() throws Exception {
        start("--publish-token", "s3cret");
        HubClient stream = subscribe("/events?topic=u");
        long before = publish("/events?topic=u", "data=before", "Authorization: Bearer s3cret");
        assertEquals(event("message", before, "before"), stream.next());
        for (String[] headers : List.of(new String[0], new String[] {"Authorization: Bearer wrong"},
                new String[] {"Authorization: Bearer s3cre"}, new String[] {"Authorization: Bearer s3cretX"},
                new String[] {"Authorization: Basic czNjcmV0"}, new String[] {"Authorization: s3cret"})) {
            HubClient.Response response = post("/events?topic=t", "data=nope", headers);
            assertEquals(401, response.status(), Arrays.toString(headers));
            assertEquals("Bearer realm=\"jdk-sse\"", response.header("WWW-Authenticate"));
            assertOneLine(response);
        }
        assertEquals(1, hub.broadcaster().stats().published());
        long id = publish("/events?topic=u", "data=yes", "Authorization: Bearer s3cret");
        assertEquals(event("message", id, "yes"), stream.next(), "the next event is the authorised one");
        assertEquals(before + 1, id, "no refused request used up an id");
    }

    @Test
    void invalidInputGetsItsStatusAndChangesNothing() throws Exception {
        start();
        HubClient stream = subscribe("/events?topic=default&topic=t&topic=a");
        long before = publish("/events?topic=t", "data=before");
        assertEquals(event("message", before, "before"), stream.next());
        record Case(String why, int status, String target, String contentType, byte[] body) {
        }
        byte[] oversized = new byte[Publisher.BODY_LIMIT + 1];
        Arrays.fill(oversized, (byte) 'a');
        byte[] oversizedForm = oversized.clone();
        System.arraycopy("data=".getBytes(UTF_8), 0, oversizedForm, 0, 5);
        String form = "application/x-www-form-urlencoded";
        List<Case> cases = List.of(
                new Case("LF in a form event", 400, "/events?topic=t", form, "data=x&event=a%0Ab".getBytes(UTF_8)),
                new Case("CR in a form event", 400, "/events?topic=t", form, "data=x&event=a%0Db".getBytes(UTF_8)),
                new Case("CRLF in a query event", 400, "/events?topic=t&event=a%0D%0Ab", "text/plain", "x".getBytes(UTF_8)),
                new Case("no data field", 400, "/events?topic=t", form, "event=e".getBytes(UTF_8)),
                new Case("non-UTF-8 raw body", 400, "/events?topic=t", "text/plain", new byte[] {'o', 'k', (byte) 0xff}),
                new Case("overlong UTF-8", 400, "/events?topic=t", "text/plain", new byte[] {(byte) 0xc0, (byte) 0xaf}),
                new Case("UTF-8 surrogate", 400, "/events?topic=t", null, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}),
                new Case("non-UTF-8 escape in a form", 400, "/events?topic=t", form, "data=%FF".getBytes(UTF_8)),
                new Case("non-UTF-8 byte in a form", 400, "/events?topic=t", form, new byte[] {'d', 'a', 't', 'a', '=', (byte) 0xe9}),
                new Case("malformed escape", 400, "/events?topic=t", form, "data=%zz".getBytes(UTF_8)),
                new Case("non-UTF-8 escape in the query", 400, "/events?topic=%FF", form, "data=x".getBytes(UTF_8)),
                new Case("empty topic", 400, "/events?topic=", form, "data=x".getBytes(UTF_8)),
                new Case("empty form topic", 400, "/events", form, "topic=&data=x".getBytes(UTF_8)),
                new Case("control character in the topic", 400, "/events?topic=a%01", form, "data=x".getBytes(UTF_8)),
                new Case("topic too long", 400, "/events?topic=" + "a".repeat(Update.MAX_TOPIC_LENGTH + 1), form,
                        "data=x".getBytes(UTF_8)),
                new Case("two data fields", 400, "/events?topic=t", form, "data=a&data=b".getBytes(UTF_8)),
                new Case("two topics", 400, "/events?topic=t&topic=a", form, "data=a".getBytes(UTF_8)),
                new Case("raw body over the limit", 413, "/events?topic=t", "text/plain", oversized),
                new Case("form body over the limit", 413, "/events?topic=t", form, oversizedForm),
                new Case("PUT", 405, "/events?topic=t", form, "data=x".getBytes(UTF_8)),
                new Case("DELETE", 405, "/events?topic=t", null, null));
        for (Case c : cases) {
            String method = c.why().equals("PUT") || c.why().equals("DELETE") ? c.why() : "POST";
            HubClient.Response response = c.contentType() == null
                    ? HubClient.exchange(port, method, c.target(), c.body())
                    : HubClient.exchange(port, method, c.target(), c.body(), "Content-Type: " + c.contentType());
            assertEquals(c.status(), response.status(), c.why() + ": " + response.body());
            assertOneLine(response);
        }
        assertEquals(1, hub.broadcaster().stats().published());
        long id = publish("/events?topic=t", "data=valid");
        assertEquals(before + 1, id, "no refused request used up an id");
        assertEquals(event("message", id, "valid"), stream.next(), "the subscriber saw nothing between the valid events");
    }

    @Test
    void bodyAtTheLimitIsAccepted() throws Exception {
        start();
        HubClient stream = subscribe("/events?topic=t");
        byte[] body = new byte[Publisher.BODY_LIMIT];
        Arrays.fill(body, (byte) 'z');
        HubClient.Response response = HubClient.exchange(port, "POST", "/events?topic=t", body,
                "Content-Type: application/octet-stream");
        assertEquals(200, response.status(), response.body());
        assertEquals(Publisher.BODY_LIMIT, stream.next().data().length());
    }

    @Test
    void corsHeadersGoOnlyToConfiguredOrigins() throws Exception {
        start("--cors-origin", "https://app.example");
        HubClient.Response allowed = HubClient.exchange(port, "GET", "/stats", null, "Origin: https://app.example");
        assertEquals("https://app.example", allowed.header("Access-Control-Allow-Origin"));
        HubClient.Response other = HubClient.exchange(port, "GET", "/stats", null, "Origin: https://evil.example");
        assertEquals(200, other.status());
        assertNull(other.header("Access-Control-Allow-Origin"));

        HubClient.Response preflight = HubClient.exchange(port, "OPTIONS", "/events", null,
                "Origin: https://app.example", "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: authorization");
        assertEquals(204, preflight.status());
        assertEquals("https://app.example", preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Authorization"));
        HubClient.Response refused = HubClient.exchange(port, "OPTIONS", "/events", null,
                "Origin: https://evil.example", "Access-Control-Request-Method: POST");
        assertEquals(405, refused.status());
        assertNull(refused.header("Access-Control-Allow-Origin"));

        HubClient stream = subscribe("/events?topic=t", "Origin: https://app.example");
        assertEquals("https://app.example", stream.header("Access-Control-Allow-Origin"));
        assertEquals("Origin", stream.header("Vary"), "one Vary, from one CORS layer");
    }

    @Test
    void withoutCorsOriginsNoOriginGetsCorsHeaders() throws Exception {
        start();
        HubClient.Response response = HubClient.exchange(port, "GET", "/stats", null, "Origin: https://app.example");
        assertNull(response.header("Access-Control-Allow-Origin"));
        HubClient.Response preflight = HubClient.exchange(port, "OPTIONS", "/events", null,
                "Origin: https://app.example", "Access-Control-Request-Method: POST");
        assertEquals(405, preflight.status());
    }

    @Test
    void subscriberLimitAnswers503WithRetryAfter() throws Exception {
        start("--max-subscribers", "1");
        subscribe("/events?topic=t");
        HubClient.Response refused = HubClient.exchange(port, "GET", "/events?topic=t", null);
        assertEquals(503, refused.status());
        assertNotNull(refused.header("Retry-After"));
        assertTrue(refused.header("Retry-After").matches("[0-9]+"), refused.header("Retry-After"));
        assertOneLine(refused);
        assertEquals(1, hub.broadcaster().stats().subscribers());
    }

    @Test
    void heartbeatFlagSetsTheCommentInterval() throws Exception {
        start("--heartbeat", "1");
        HubClient stream = subscribe("/events?topic=t");
        // With the default of 15 s this read would time out after 10 s.
        String line;
        do {
            line = stream.nextLine();
        } while (line != null && !line.startsWith(":"));
        assertNotNull(line, "a heartbeat comment arrives");
    }

    @Test
    void eventsStreamHasTheProtocolHeaders() throws Exception {
        start();
        HubClient stream = subscribe("/events?topic=t");
        assertEquals("text/event-stream; charset=utf-8", stream.header("Content-Type"));
        assertEquals("no-cache", stream.header("Cache-Control"));
        assertEquals("no", stream.header("X-Accel-Buffering"));
    }

    /** A refusal is a one-line plain-text reason. */
    private static void assertOneLine(HubClient.Response response) {
        String body = response.body();
        assertTrue(response.header("Content-Type").startsWith("text/plain"), response.header("Content-Type"));
        assertTrue(body.length() > 1 && body.endsWith("\n") && body.indexOf('\n') == body.length() - 1
                && body.indexOf('\r') < 0, "one line: " + body);
    }
}
