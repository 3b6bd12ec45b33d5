package hostile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Scenarios 5 and 6: subscribers that never read, and a reconnect storm. */
final class Crowds {
    private Crowds() {
    }

    /**
     * 5. Subscribers that never read, with small receive buffers: 600 of them, past the subscriber
     * limit of a hub with 1,024 descriptors, so that those over it get 503 while the connections
     * stay under the cap. 100 subscribe to a topic that gets a 64 KiB event every 20 ms: once the
     * kernel's buffers are full (about 4 MiB a connection on Linux) their queues overflow and the
     * slow-subscriber policy drops them. The other 500 hold quiet subscriptions, as a client that
     * never reads a quiet stream is indistinguishable from a patient one; they are closed at the end.
     */
    static Hostile.Outcome nonReaders() throws Exception {
        double ceiling = 150;
        int flooded = 100;
        int quiet = 500;
        String topic = "flood";
        List<SocketChannel> conns = new ArrayList<>();
        for (int i = 0; i < flooded + quiet; i++) {
            String t = i < flooded ? topic : "quiet";
            SocketChannel c = SocketChannel.open();
            c.socket().setReceiveBufferSize(4096);
            c.socket().connect(new InetSocketAddress(Wire.HOST, Wire.port), 2000);
            c.write(java.nio.ByteBuffer.wrap(("GET /events?topic=" + t + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            conns.add(c);
            if (i == flooded - 1) {
                Thread.sleep(500); // the flooded ones first, so that all of them get in
            }
        }
        Thread.sleep(1000);
        long subscribed = Wire.stat("subscribers");
        long slow0 = Wire.stat("slow");
        long peakFds = Wire.fds();
        Attacks.Cpu cpu = new Attacks.Cpu();
        long start = System.nanoTime();
        String data = "y".repeat(64 * 1024);
        int published = 0;
        long bound = 30;
        long end = start + bound * 1_000_000_000L;
        long dropped = 0;
        double droppedAt = -1;
        while (System.nanoTime() < end) {
            String[] r = Wire.exchange(Wire.publishRequest(topic, data, false), 3000);
            if (r[0].equals("200")) {
                published++;
            }
            if (published % 10 == 0) {
                dropped = Wire.stat("slow") - slow0;
                peakFds = Math.max(peakFds, Wire.fds());
                if (dropped >= flooded) {
                    droppedAt = Attacks.seconds(start);
                    break;
                }
            }
            Thread.sleep(20);
        }
        double cpuPct = cpu.percent();
        long left = Wire.stat("subscribers");
        for (SocketChannel c : conns) {
            c.close();
        }
        int refused = (int) (flooded + quiet - (subscribed - Hostile.WATCHERS));
        boolean pass = droppedAt >= 0 && refused > 0 && cpuPct < ceiling;
        return new Hostile.Outcome(pass, String.format("subscribers that never read: %d opened, %d subscribed, %d answered "
                        + "503 by the subscriber limit; %d events of 64 KiB published to the %d flooded ones: %d dropped as slow "
                        + "%s (bound %d s), %d subscribers left (watchers and quiet ones), peak %d descriptors, hub CPU %.0f%% "
                        + "of a core (ceiling %.0f%%)",
                flooded + quiet, subscribed - Hostile.WATCHERS, refused, published, flooded, dropped,
                droppedAt < 0 ? "NOT ALL" : String.format("after %.1f s", droppedAt), bound, left, peakFds, cpuPct, ceiling));
    }

    /**
     * 6. A reconnect storm: 5,000 clients reconnect at once with a Last-Event-ID among the last
     * 30 events of their topic; over the limits they are refused (503 with Retry-After, or closed
     * by the cap) and retry after the hint with jitter. Each must receive exactly the events
     * after its id, in order, then a live one, and then leaves.
     */
    static Hostile.Outcome reconnectStorm() throws Exception {
        double ceiling = 150;
        int clients = 5000;
        int bound = 120;
        String topic = "storm";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String[] r = Wire.exchange(Wire.publishRequest(topic, Integer.toString(i), false), 3000);
            if (!r[0].equals("200")) {
                throw new IOException("storm publish " + i + " got " + r[0]);
            }
            ids.add(r[1].strip());
        }
        AtomicInteger resumed = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger refused503 = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicLong attempts = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        String[] firstWrong = new String[1];
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(clients);
        long deadline = System.nanoTime() + bound * 1_000_000_000L;
        for (int c = 0; c < clients; c++) {
            int from = c % 20;
            Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    long t0 = System.nanoTime();
                    while (System.nanoTime() < deadline) {
                        attempts.incrementAndGet();
                        long wait;
                        try (Watchers.Stream s = Watchers.Stream.open("/events?topic=" + topic,
                                "Last-Event-ID: " + ids.get(from) + "\r\n", 10_000)) {
                            if (s.wire.status == 200) {
                                String problem = expect(s, from + 1);
                                if (problem == null) {
                                    resumed.incrementAndGet();
                                } else {
                                    wrong.incrementAndGet();
                                    firstWrong[0] = problem;
                                }
                                slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                                return;
                            }
                            if (s.wire.status == 503) {
                                refused503.incrementAndGet();
                                String after = s.wire.headers.getOrDefault("retry-after", "2");
                                wait = (long) (Long.parseLong(after) * 1000 * ThreadLocalRandom.current().nextDouble(0.2, 1.2));
                            } else {
                                closed.incrementAndGet();
                                wait = ThreadLocalRandom.current().nextLong(200, 2000);
                            }
                        } catch (IOException e) {
                            closed.incrementAndGet();
                            wait = ThreadLocalRandom.current().nextLong(200, 2000);
                        }
                        Thread.sleep(wait);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        // The topic stays live, as a real one would: clients must get the replay, then live events,
        // and the hub learns at its next write that a client which caught up has left.
        java.util.concurrent.atomic.AtomicBoolean storming = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread live = Thread.ofVirtual().start(() -> {
            for (int k = 0; storming.get(); k++) {
                try {
                    Wire.exchange(Wire.publishRequest(topic, "live" + k, false), 3000);
                    Thread.sleep(100);
                } catch (IOException e) {
                    // refused while the hub is full: the next one
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Attacks.Cpu cpu = new Attacks.Cpu();
        long start = System.nanoTime();
        go.countDown();
        boolean all = done.await(bound + 15, TimeUnit.SECONDS);
        double took = Attacks.seconds(start);
        Thread.sleep(2000); // two more live events: the hub's writes find the clients that left
        storming.set(false);
        live.join(5000);
        double cpuPct = cpu.percent();
        boolean pass = all && resumed.get() == clients && wrong.get() == 0 && cpuPct < ceiling;
        return new Hostile.Outcome(pass, String.format("reconnect storm: %d clients at once with Last-Event-ID: %d resumed "
                        + "exactly, %d wrong%s, in %.1f s (bound %d s; the slowest %.1f s); %d attempts, %d answered 503 "
                        + "(Retry-After, jittered), %d closed or refused; hub CPU %.0f%% of a core (ceiling %.0f%%)",
                clients, resumed.get(), wrong.get(), firstWrong[0] == null ? "" : " (" + firstWrong[0] + ")", took, bound,
                slowest.get() / 1e9, attempts.get(), refused503.get(), closed.get(), cpuPct, ceiling));
    }

    /**
     * Reads events and checks they are exactly {@code first..29}, in order, then live ones in
     * increasing order; returns null or what is wrong.
     */
    private static String expect(Watchers.Stream s, int first) throws IOException {
        for (int want = first; want < 30; want++) {
            String[] e = s.next();
            if (e == null) {
                return "stream ended before event " + want;
            }
            if (!e[1].equals(Integer.toString(want))) {
                return "expected event " + want + ", got " + e[1];
            }
        }
        String[] e = s.next();
        if (e == null || !e[1].startsWith("live")) {
            return "expected a live event after the replay, got " + (e == null ? "the end" : e[1]);
        }
        return null;
    }
}
