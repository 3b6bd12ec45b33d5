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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hub with --redis: two hubs on one stream, and a Redis that is not there yet. */
class HubRedisTest {
    private static final String FORM = "Content-Type: application/x-www-form-urlencoded";
    private final List<Hub> hubs = new ArrayList<>();
    private final List<HubClient> clients = new ArrayList<>();
    private RedisServer redis;

    @AfterEach
    void stop() throws IOException {
        for (HubClient c : clients) {
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

    private HubClient subscribe(Hub hub, String target, String... headers) throws Exception {
        int before = hub.broadcaster().stats().subscribers();
        HubClient client = HubClient.get(hub.address().getPort(), target, headers);
        clients.add(client);
        assertEquals(200, client.status, "subscribe " + target);
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

    private static HubClient.Response post(Hub hub, String target, String form) throws IOException {
        return HubClient.exchange(hub.address().getPort(), "POST", target, form.getBytes(UTF_8), FORM);
    }

    @Test
    void twoHubsOnOneStreamSendTheSameEventsWithTheSameIdsAndResumeAcrossThem() throws Exception {
        redis = RedisServer.start();
        String url = "redis://127.0.0.1:" + redis.port();
        Hub a = hub("--redis", url, "--redis-stream", "pair");
        Hub b = hub("--redis", url, "--redis-stream", "pair");
        HubClient onA = subscribe(a, "/events?topic=t");
        HubClient onB = subscribe(b, "/events?topic=t");
        String first = post(a, "/events?topic=t", "data=one").body().strip();
        String second = post(b, "/events?topic=t", "data=two").body().strip();
        assertTrue(first.matches("\\d+-\\d+") && second.matches("\\d+-\\d+"), first + " " + second);
        for (HubClient c : List.of(onA, onB)) {
            assertEquals(new HubClient.Event("message", first, "one"), c.next());
            assertEquals(new HubClient.Event("message", second, "two"), c.next());
        }
        // An id published through hub a resumes on hub b.
        HubClient resumed = subscribe(b, "/events?topic=t", "Last-Event-ID: " + first);
        assertEquals(new HubClient.Event("message", second, "two"), resumed.next());
        HubClient.Response health = HubClient.exchange(b.address().getPort(), "GET", "/healthz", null);
        assertEquals(200, health.status());
        String stats = HubClient.exchange(b.address().getPort(), "GET", "/stats", null).body();
        assertTrue(stats.contains("\"log\":{\"connected\":true,\"reason\":null,\"lag\":0,\"reconnects\":0}"), stats);
    }

    @Test
    void aRedisThatIsNotThereYetMakesHealthzAndPublishing503UntilItAnswers() throws Exception {
        int port = org.jdksse.redis.RedisServer.freePort();
        Hub hub = hub("--redis", "redis://127.0.0.1:" + port);
        int hubPort = hub.address().getPort();
        HubClient.Response health = HubClient.exchange(hubPort, "GET", "/healthz", null);
        assertEquals(503, health.status());
        assertEquals("event log unreachable: redis at 127.0.0.1:" + port + " refused the connection (is redis-server running?)\n", health.body());
        HubClient.Response publish = post(hub, "/events?topic=t", "data=x");
        assertEquals(503, publish.status());
        assertEquals("1", publish.header("Retry-After"));
        String metrics = HubClient.exchange(hubPort, "GET", "/metrics", null).body();
        assertTrue(metrics.contains("\njdksse_log_connected 0\n"), metrics);
        assertFalse(HubClient.exchange(hubPort, "GET", "/stats", null).body().contains("\"connected\":true"));

        HubClient waiting = subscribe(hub, "/events?topic=t");
        redis = RedisServer.startOn(port);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (HubClient.exchange(hubPort, "GET", "/healthz", null).status() != 200) {
            if (System.nanoTime() > deadline) {
                fail("/healthz never turned 200 once Redis answered");
            }
            Thread.sleep(20);
        }
        HubClient.Response ok = post(hub, "/events?topic=t", "data=y");
        assertEquals(200, ok.status(), ok.body());
        HubClient.Event first = waiting.next();
        // The reader started before Redis: its first connection reports what it skipped, if anything, with a reset.
        if (first.type().equals("reset")) {
            first = waiting.next();
        }
        assertEquals(new HubClient.Event("message", ok.body().strip(), "y"), first);
    }
}
