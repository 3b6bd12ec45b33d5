package org.jdksse.hub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jdksse.Broadcaster;
import org.jdksse.redis.RedisServer;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hub with --redis: two hubs on one stream, and a Redis that is not there yet. */
class HubRedisTest {
    private static final String FORM = "Content-Type: application/x-www-form-urlencoded";
    private final List<Hub> hubs = new ArrayList<>();
    private final List<RawClient> clients = new ArrayList<>();
    private RedisServer redis;

    @AfterEach
    void stop() throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
        hubs.forEach(Hub::stop);
        if (redis != null) {
            redis.close();
        }
    }

    private Hub hub(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(flags));
        args.addAll(List.of("--port", "0"));
        Hub hub = Hub.start(HubOptions.parse(args.toArray(String[]::new), Map.of()));
        hubs.add(hub);
        return hub;
    }

    private RawClient subscribe(Hub hub, String target, String... headers) throws Exception {
        int before = hub.broadcaster().stats().subscribers();
        RawClient client = RawClient.get(hub.address().getPort(), target, headers);
        clients.add(client);
        assertEquals(200, client.status(), "subscribe " + target);
        await(hub, s -> s.subscribers() > before);
        return client;
    }

    private static void await(Hub hub, Predicate<Broadcaster.Stats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.test(hub.broadcaster().stats())) {
            if (System.nanoTime() > deadline) {
                fail("never got there: " + hub.broadcaster().stats());
            }
            Thread.sleep(10);
        }
    }

    private static RawClient.Response post(Hub hub, String target, String form) throws IOException {
        return RawClient.exchange(hub.address().getPort(), "POST", target, form.getBytes(UTF_8), FORM);
    }

    @Test
    void twoHubsOnOneStreamSendTheSameEventsWithTheSameIdsAndResumeAcrossThem() throws Exception {
        redis = RedisServer.start();
        String url = "redis://127.0.0.1:" + redis.port();
        Hub a = hub("--redis", url, "--redis-stream", "pair");
        Hub b = hub("--redis", url, "--redis-stream", "pair");
        RawClient onA = subscribe(a, "/events?topic=t");
        RawClient onB = subscribe(b, "/events?topic=t");
        String first = post(a, "/events?topic=t", "data=one").body().strip();
        String second = post(b, "/events?topic=t", "data=two").body().strip();
        assertTrue(first.matches("\\d+-\\d+") && second.matches("\\d+-\\d+"), first + " " + second);
        for (RawClient c : List.of(onA, onB)) {
            assertEquals(new Event("message", "one", first), c.next());
            assertEquals(new Event("message", "two", second), c.next());
        }
        // An id published through hub a resumes on hub b.
        RawClient resumed = subscribe(b, "/events?topic=t", "Last-Event-ID: " + first);
        assertEquals(new Event("message", "two", second), resumed.next());
        RawClient.Response health = RawClient.exchange(b.address().getPort(), "GET", "/healthz", null);
        assertEquals(200, health.status());
        String stats = RawClient.exchange(b.address().getPort(), "GET", "/stats", null).body();
        assertTrue(stats.contains("\"log\":{\"connected\":true,\"reason\":null,\"lag\":0,\"reconnects\":0}"), stats);
    }

    @Test
    void aRedisThatIsNotThereYetMakesHealthzAndPublishing503UntilItAnswers() throws Exception {
        int port = org.jdksse.redis.RedisServer.freePort();
        Hub hub = hub("--redis", "redis://127.0.0.1:" + port);
        int hubPort = hub.address().getPort();
        RawClient.Response health = RawClient.exchange(hubPort, "GET", "/healthz", null);
        assertEquals(503, health.status());
        assertEquals("event log unreachable: redis at 127.0.0.1:" + port + " refused the connection (is redis-server running?)\n", health.body());
        RawClient.Response publish = post(hub, "/events?topic=t", "data=x");
        assertEquals(503, publish.status());
        assertEquals("1", publish.header("Retry-After"));
        String metrics = RawClient.exchange(hubPort, "GET", "/metrics", null).body();
        assertTrue(metrics.contains("\njdksse_log_connected 0\n"), metrics);
        assertFalse(RawClient.exchange(hubPort, "GET", "/stats", null).body().contains("\"connected\":true"));

        RawClient waiting = subscribe(hub, "/events?topic=t");
        redis = RedisServer.startOn(port);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (RawClient.exchange(hubPort, "GET", "/healthz", null).status() != 200) {
            if (System.nanoTime() > deadline) {
                fail("/healthz never turned 200 once Redis answered");
            }
            Thread.sleep(20);
        }
        RawClient.Response ok = post(hub, "/events?topic=t", "data=y");
        assertEquals(200, ok.status(), ok.body());
        Event first = waiting.next();
        // The reader started before Redis: its first connection reports what it skipped, if anything, with a reset.
        if (first.type().equals("reset")) {
            first = waiting.next();
        }
        assertEquals(new Event("message", "y", ok.body().strip()), first);
    }
}
