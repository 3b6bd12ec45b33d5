import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster suite: three hubs on one Redis stream, five scenarios with faults, every event
 * checked (see {@link Ledger}). Run by test/cluster/run; prints one line per scenario and ends
 * with {@code cluster: N passed, N failed}.
 *
 * <p>Arguments: the work directory, then the command that runs a hub (e.g. {@code java -jar
 * build/jdk-sse.jar}); the suite adds {@code --port 0 --history N --redis URL --redis-stream KEY}.
 */
public final class Cluster {
    private static final int HUBS = 3;
    private static final int HISTORY = 1000;
    private static final int PUBLISHERS = 3;
    /** Publishes per second per publisher thread: below what the machine sustains, so faults, not load, are tested. */
    private static final int RATE = 100;

    private final Nodes nodes;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private int passed;
    private int failed;

    private Cluster(Nodes nodes) {
        this.nodes = nodes;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        List<String> hub = List.of(args).subList(1, args.length);
        String stream = "cluster-" + Long.toHexString(System.nanoTime());
        Cluster cluster;
        try (Nodes nodes = new Nodes(HUBS, work, stream, HISTORY, hub)) {
            nodes.startRedis();
            nodes.startRelays();
            for (int i = 0; i < HUBS; i++) {
                nodes.startHub(i);
            }
            System.out.println("redis on 127.0.0.1:" + nodes.redisPort + ", hubs " + String.join(" ", nodes.urls) + ", stream " + stream);
            cluster = new Cluster(nodes);
            cluster.scenario("1 publishers on random hubs, subscribers on all three, late joiners resuming", cluster::spread);
            cluster.scenario("2 kill -9 of a hub mid-stream, its subscribers resume on the others", cluster::killHub);
            cluster.scenario("3 redis-server restarted mid-stream (AOF, appendfsync always)", cluster::restartRedis);
            cluster.scenario("4 the hubs' Redis connections cut and restored (TCP relay)", cluster::cutConnections);
            cluster.scenario("5 resume from a trimmed id (reset expired), an unknown id (reset unknown), a kept id", cluster::trimmed);
            cluster.scenario("6 a hub cut off while the stream is trimmed past its cursor: its subscribers get reset, then live", cluster::trimmedWhileCut);
        }
        System.out.println("cluster: " + cluster.passed + " passed, " + cluster.failed + " failed");
        System.exit(cluster.failed == 0 ? 0 : 1);
    }

    /** One scenario: its own topics, subscribers and publishers; then every subscriber is checked. */
    private interface Body {
        void run(String prefix, Ledger ledger, List<Subscriber> subscribers) throws Exception;
    }

    private void scenario(String title, Body body) {
        String prefix = "s" + title.charAt(0);
        Ledger ledger = new Ledger();
        List<Subscriber> subscribers = new ArrayList<>();
        long started = System.nanoTime();
        try {
            body.run(prefix, ledger, subscribers);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !subscribers.stream().allMatch(ledger::caughtUp)) {
                Thread.sleep(50);
            }
            subscribers.forEach(Subscriber::stop);
            Ledger.Result r = ledger.check(subscribers);
            boolean ok = r.ok() && r.checked() > 0 && extraProblems.isEmpty();
            System.out.printf("scenario %s: %d events checked, %d lost, %d duplicated, %d out of order (%d acknowledged publishes, %d unknown, %d resets, %d wrong events, %d differing sequences, %d subscriber reconnects, %.1f s) %s%n",
                    title, r.checked(), r.lost(), r.duplicated(), r.outOfOrder(), ledger.ackedCount(), unknown.get(), r.resets(),
                    r.foreign(), r.differing(), subscribers.stream().mapToInt(s -> s.reconnects).sum(),
                    (System.nanoTime() - started) / 1e9, ok ? "ok" : "FAILED");
            r.problems().forEach(p -> System.out.println("    " + p));
            extraProblems.forEach(p -> System.out.println("    " + p));
            if (ok) {
                passed++;
            } else {
                failed++;
            }
        } catch (Exception e) {
            subscribers.forEach(Subscriber::stop);
            System.out.println("scenario " + title + ": FAILED: " + e);
            failed++;
        } finally {
            extraProblems.clear();
            unknown.set(0);
        }
    }

    private final List<String> extraProblems = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger unknown = new AtomicInteger();

    // ---- scenarios

    private void spread(String prefix, Ledger ledger, List<Subscriber> subs) throws Exception {
        List<String> topics = List.of(prefix + "a", prefix + "b", prefix + "c");
        subscribeEverywhere(topics, subs);
        Publishing pub = publish(ledger, topics);
        for (int k = 0; k < 6; k++) {
            Thread.sleep(300);
            join(ledger, subs, topics, k);
        }
        Thread.sleep(500);
        pub.stop();
    }

    private void killHub(String prefix, Ledger ledger, List<Subscriber> subs) throws Exception {
        List<String> topics = List.of(prefix + "a", prefix + "b", prefix + "c");
        subscribeEverywhere(topics, subs);
        Publishing pub = publish(ledger, topics);
        Thread.sleep(1000);
        nodes.killHub(2);
        Thread.sleep(1500);
        join(ledger, subs, topics, 0);
        pub.stop();
        nodes.startHub(2);
    }

    private void restartRedis(String prefix, Ledger ledger, List<Subscriber> subs) throws Exception {
        List<String> topics = List.of(prefix + "a", prefix + "b");
        subscribeEverywhere(topics, subs);
        long[] before = reconnects();
        Publishing pub = publish(ledger, topics);
        Thread.sleep(1000);
        nodes.stopRedis();
        Thread.sleep(1000);
        nodes.startRedis();
        Thread.sleep(1500);
        join(ledger, subs, topics, 0);
        Thread.sleep(500);
        pub.stop();
        expectReconnected(subs, before);
    }

    private void cutConnections(String prefix, Ledger ledger, List<Subscriber> subs) throws Exception {
        List<String> topics = List.of(prefix + "a", prefix + "b");
        subscribeEverywhere(topics, subs);
        long[] before = reconnects();
        Publishing pub = publish(ledger, topics);
        Thread.sleep(800);
        // One hub cut off while the others publish: its reader must catch up from its cursor.
        nodes.relays[0].cut();
        Thread.sleep(1500);
        nodes.relays[0].restore();
        Thread.sleep(800);
        for (var relay : nodes.relays) {
            relay.cut();
        }
        Thread.sleep(1000);
        for (var relay : nodes.relays) {
            relay.restore();
        }
        Thread.sleep(1500);
        join(ledger, subs, topics, 0);
        Thread.sleep(500);
        pub.stop();
        expectReconnected(subs, before);
    }

    private void trimmed(String prefix, Ledger ledger, List<Subscriber> subs) throws Exception {
        String topic = prefix + "t";
        List<String> topics = List.of(topic);
        // Three times the history, as fast as the hubs take it, so that the first ids are trimmed.
        burst(ledger, topic, prefix, 3 * HISTORY, 0);
        List<Ledger.Publish> acked = ledger.ackedOf(topics);
        String first = acked.get(0).id();
        String kept = acked.get(acked.size() - 20).id();
        List<Subscriber> expired = new ArrayList<>();
        for (int i = 0; i < HUBS; i++) {
            int hub = i;
            expired.add(add(subs, new Subscriber(prefix + "-expired-" + (i + 1), http, () -> nodes.urlOrOther(hub), topics, first, first)));
            add(subs, new Subscriber(prefix + "-kept-" + (i + 1), http, () -> nodes.urlOrOther(hub), topics, kept, kept));
        }
        Subscriber unknownId = add(subs, new Subscriber(prefix + "-unknown", http, () -> nodes.urls[0], topics, "no-such-id", null));
        Publishing pub = publish(ledger, topics);
        Thread.sleep(1000);
        pub.stop();
        for (Subscriber s : expired) {
            expectFirst(s, "reset", "expired");
        }
        expectFirst(unknownId, "reset", "unknown");
        for (Subscriber s : subs) {
            if (s.name.contains("-kept-") && s.events.stream().anyMatch(e -> e.type().equals("reset"))) {
                extraProblems.add(s.name + " resumed from a kept id but got a reset");
            }
        }
    }

    /** Each hub's log reconnects from /stats ("log":{... "reconnects":N}), or -1 when unreadable. */
    private long[] reconnects() {
        long[] out = new long[HUBS];
        for (int i = 0; i < HUBS; i++) {
            out[i] = -1;
            try {
                String stats = http.send(HttpRequest.newBuilder(URI.create(nodes.urls[i] + "stats")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"connected\":true,.*\"reconnects\":(\\d+)").matcher(stats);
                if (m.find()) {
                    out[i] = Long.parseLong(m.group(1));
                }
            } catch (Exception e) {
                // left at -1: reported below
            }
        }
        return out;
    }

    /** The fault must have been seen and healed by every hub's reader, without any subscriber reconnecting. */
    private void expectReconnected(List<Subscriber> subs, long[] before) {
        long[] after = reconnects();
        for (int i = 0; i < HUBS; i++) {
            if (before[i] < 0 || after[i] <= before[i]) {
                extraProblems.add("hub " + (i + 1) + "'s log should be connected again after reconnecting: reconnects " + before[i] + " -> " + after[i]);
            }
        }
        for (Subscriber s : subs) {
            if (s.reconnects > 0) {
                extraProblems.add(s.name + " reconnected " + s.reconnects + " times: subscribers should stay connected while Redis is away");
            }
        }
    }

    private void trimmedWhileCut(String prefix, Ledger ledger, List<Subscriber> subs) throws Exception {
        String topic = prefix + "t";
        List<String> topics = List.of(topic);
        subscribeEverywhere(topics, subs);
        nodes.relays[0].cut();
        // Twice the history through the other hubs while hub 1's reader is away: its cursor is trimmed.
        burst(ledger, topic, prefix, 2 * HISTORY, 1);
        nodes.relays[0].restore();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (reconnects()[0] < 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Publishing pub = publish(ledger, topics);
        Thread.sleep(1000);
        pub.stop();
        for (Subscriber s : subs) {
            long resets = s.events.stream().filter(e -> e.type().equals("reset") && e.data().equals("expired")).count();
            if (s.name.startsWith("hub1-") ? resets != 1 : resets != 0) {
                extraProblems.add(s.name + " got " + resets + " reset expired events");
            }
        }
    }

    /** Publishes n events of one topic with four publishers in parallel, on the hubs from {@code firstHub} on. */
    private void burst(Ledger ledger, String topic, String prefix, int n, int firstHub) throws InterruptedException {
        List<Thread> burst = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int worker = w;
            burst.add(Thread.ofVirtual().start(() -> {
                for (int k = worker; k < n; k += 4) {
                    publishOnce(ledger, topic, prefix + "-burst-" + k, nodes.urls[firstHub + k % (HUBS - firstHub)]);
                }
            }));
        }
        for (Thread t : burst) {
            t.join();
        }
    }

    private void expectFirst(Subscriber s, String type, String data) throws InterruptedException {
        for (int i = 0; i < 100 && s.events.isEmpty(); i++) {
            Thread.sleep(50);
        }
        if (s.events.isEmpty() || !s.events.get(0).type().equals(type) || !s.events.get(0).data().equals(data)) {
            extraProblems.add(s.name + " should start with " + type + " " + data + ", got " + (s.events.isEmpty() ? "nothing" : s.events.get(0)));
        }
    }

    // ---- subscribers and publishers

    private void subscribeEverywhere(List<String> topics, List<Subscriber> subs) throws InterruptedException {
        for (int i = 0; i < HUBS; i++) {
            int hub = i;
            for (String t : topics) {
                add(subs, new Subscriber("hub" + (i + 1) + "-" + t, http, () -> nodes.urlOrOther(hub), List.of(t), null, null));
            }
            add(subs, new Subscriber("hub" + (i + 1) + "-" + topics, http, () -> nodes.urlOrOther(hub), topics, null, null));
        }
    }

    /**
     * A late joiner: resumes on a random hub, while publishers run, from the id acknowledged ten
     * publishes ago on its topic (a client back after a short absence), so that its replay is not empty.
     */
    private void join(Ledger ledger, List<Subscriber> subs, List<String> topics, int k) throws InterruptedException {
        String topic = topics.get(k % topics.size());
        List<Ledger.Publish> acked = ledger.ackedOf(List.of(topic));
        if (acked.isEmpty()) {
            return;
        }
        String after = acked.get(Math.max(0, acked.size() - 10)).id();
        int hub = nodes.randomLive();
        add(subs, new Subscriber("joiner" + k + "-hub" + (hub + 1) + "-" + topic, http, () -> nodes.urlOrOther(hub), List.of(topic), after, after));
    }

    private static Subscriber add(List<Subscriber> subs, Subscriber s) throws InterruptedException {
        subs.add(s);
        return s.start();
    }

    /** Publishers running in the background until stopped. */
    private final class Publishing {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    private Publishing publish(Ledger ledger, List<String> topics) {
        Publishing p = new Publishing();
        for (int w = 0; w < PUBLISHERS; w++) {
            int worker = w;
            p.threads.add(Thread.ofVirtual().start(() -> {
                long next = System.nanoTime();
                for (int n = 0; p.running.get(); n++) {
                    String topic = topics.get(ThreadLocalRandom.current().nextInt(topics.size()));
                    String hub = nodes.urls[nodes.randomLive()];
                    publishOnce(ledger, topic, topic + "-p" + worker + "-" + n, hub);
                    next += 1_000_000_000L / RATE;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(Duration.ofNanos(wait));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }));
        }
        return p;
    }

    /** POSTs one event; records it as acknowledged with its id, or as unknown. */
    private String publishOnce(Ledger ledger, String topic, String data, String hub) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(hub + "events?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("data=" + URLEncoder.encode(data, StandardCharsets.UTF_8))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                String id = response.body().strip();
                ledger.acked(topic, data, id);
                return id;
            }
            if (response.statusCode() != 503) {
                extraProblems.add("publish answered " + response.statusCode() + ": " + response.body().strip());
            } else if (response.headers().firstValue("Retry-After").isEmpty()) {
                extraProblems.add("a 503 to a publish came without Retry-After");
            }
        } catch (Exception e) {
            // Cut off (a killed hub): the outcome is unknown.
        }
        ledger.unknown(topic, data);
        unknown.incrementAndGet();
        return null;
    }
}
