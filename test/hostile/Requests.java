package hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** Scenario 4: 10,000 malformed requests, each answered with a 4xx or a closed connection. */
final class Requests {
    private Requests() {
    }

    /** One kind of malformed request, how many of it, and the answers it may get (-1: closed). */
    record Kind(String name, int count, byte[] bytes, List<Integer> allowed) {
    }

    private static final String END = "Connection: close\r\n\r\n";

    static List<Kind> kinds() {
        Random random = new Random(14);
        byte[] garbage = new byte[512];
        random.nextBytes(garbage);
        byte[] garbageRequest = concat(garbage, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        List<Integer> any4xx = List.of(400, 404, 405, 408, 413, 414, 431, -1);
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("garbage bytes", 800, garbageRequest, any4xx));
        kinds.add(kind("bad request line", 800, "GET\r\n\r\n", List.of(400)));
        kinds.add(kind("header without a colon", 800, "GET /stats HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n" + END, List.of(400, -1)));
        kinds.add(kind("bad Content-Length", 800, "POST /events?topic=m HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n"
                + END + "data", List.of(400)));
        kinds.add(kind("bad chunked body", 800, "POST /events?topic=m HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + END + "ZZ\r\nhello\r\n0\r\n\r\n", List.of(400, -1)));
        kinds.add(kind("1 MB header", 40, "GET /stats HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1 << 20) + "\r\n" + END,
                List.of(431, -1)));
        kinds.add(kind("10,000 headers", 40, "GET /stats HTTP/1.1\r\nHost: x\r\n" + "X-A: b\r\n".repeat(10_000) + END,
                List.of(431, -1)));
        StringBuilder distinct = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            distinct.append("X-").append(i).append(": b\r\n");
        }
        kinds.add(kind("10,000 distinct headers", 40, "GET /stats HTTP/1.1\r\nHost: x\r\n" + distinct + END, List.of(431, -1)));
        kinds.add(kind("URI of 100 KB", 40, "GET /stats?x=" + "a".repeat(100 * 1024) + " HTTP/1.1\r\nHost: x\r\n" + END,
                List.of(414, -1)));
        kinds.add(kind("URI of 9 KB", 600, "GET /stats?x=" + "a".repeat(9 * 1024) + " HTTP/1.1\r\nHost: x\r\n" + END,
                List.of(414)));
        kinds.add(kind("120 header fields", 600, "GET /stats HTTP/1.1\r\nHost: x\r\n" + "X-A: b\r\n".repeat(120) + END,
                List.of(431)));
        kinds.add(kind("40 KB of header fields", 600, "GET /stats HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40 * 1024)
                + "\r\n" + END, List.of(431)));
        kinds.add(kind("bad escape in a GET", 800, "GET /events?topic=%ZZ HTTP/1.1\r\nHost: x\r\n" + END, List.of(400)));
        kinds.add(kind("non-UTF-8 escape in a GET", 800, "GET /events?topic=%FF HTTP/1.1\r\nHost: x\r\n" + END,
                List.of(400, -1)));
        kinds.add(kind("non-UTF-8 escape in a POST", 800, publish("/events?topic=%FF", "x"), List.of(400)));
        kinds.add(kind("NUL in the URI", 600, "GET /events?topic=a\0b HTTP/1.1\r\nHost: x\r\n" + END, List.of(400)));
        kinds.add(kind("NUL in a header name", 600, "GET /stats HTTP/1.1\r\nHost: x\r\nX\0Y: 1\r\n" + END, List.of(400)));
        kinds.add(kind("NUL in a form's topic", 440, publishForm("/events", "data=x&topic=a%00b"), List.of(400)));
        return kinds;
    }

    private static Kind kind(String name, int count, String request, List<Integer> allowed) {
        return new Kind(name, count, request.getBytes(StandardCharsets.ISO_8859_1), allowed);
    }

    private static String publish(String target, String body) {
        return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                + "\r\n" + END + body;
    }

    private static String publishForm(String target, String body) {
        return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n" + END + body;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Sends every kind its count of times over 32 concurrent connections, and tallies the answers. */
    static Hostile.Outcome malformed() throws Exception {
        double ceiling = 150;
        List<Kind> kinds = kinds();
        List<Watchers.Stream> witnesses = new ArrayList<>();
        AtomicInteger leaked = new AtomicInteger();
        for (String topic : List.of("m", "default", "x", "a")) {
            Watchers.Stream w = Watchers.Stream.open("/events?topic=" + topic, "", 0);
            witnesses.add(w);
            Thread.ofVirtual().start(() -> {
                try {
                    while (w.next() != null) {
                        leaked.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            });
        }
        List<Kind> jobs = new ArrayList<>();
        for (Kind k : kinds) {
            for (int i = 0; i < k.count(); i++) {
                jobs.add(k);
            }
        }
        java.util.Collections.shuffle(jobs, new Random(4));
        Map<String, Map<Integer, Integer>> tally = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(32);
        CountDownLatch done = new CountDownLatch(jobs.size());
        Attacks.Cpu cpu = new Attacks.Cpu();
        long start = System.nanoTime();
        for (Kind k : jobs) {
            slots.acquire();
            Thread.ofVirtual().start(() -> {
                int status = send(k.bytes());
                tally.computeIfAbsent(k.name(), n -> new ConcurrentHashMap<>()).merge(status, 1, Integer::sum);
                slots.release();
                done.countDown();
            });
        }
        done.await();
        double took = Attacks.seconds(start);
        double cpuPct = cpu.percent();
        Thread.sleep(500);
        witnesses.forEach(Watchers.Stream::close);
        StringBuilder figures = new StringBuilder();
        boolean allAllowed = true;
        for (Kind k : kinds) {
            Map<Integer, Integer> got = new TreeMap<>(tally.getOrDefault(k.name(), Map.of()));
            boolean ok = k.allowed().containsAll(got.keySet());
            allAllowed &= ok;
            figures.append(String.format("%n    %-28s %s%s", k.name(), got.toString().replace("-1=", "closed="),
                    ok ? "" : "  UNEXPECTED (allowed " + k.allowed() + ")"));
        }
        boolean pass = allAllowed && leaked.get() == 0 && cpuPct < ceiling;
        return new Hostile.Outcome(pass, String.format("malformed requests: %d in %.1f s (%.0f/s), %d events published "
                        + "by them, hub CPU %.0f%% of a core (ceiling %.0f%%); answers by kind:%s%n   ",
                jobs.size(), took, jobs.size() / took, leaked.get(), cpuPct, ceiling, figures));
    }

    /** Sends the bytes on a fresh connection; returns the status, or -1 if the hub closed without one. */
    private static int send(byte[] bytes) {
        try (Wire w = Wire.open(5000)) {
            try {
                w.send(bytes);
            } catch (IOException refusedMidway) {
                // the hub closed while we were still sending: read what it said, if anything
            }
            return w.readHead();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
