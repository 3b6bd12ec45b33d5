package hostile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Scenarios 1 to 3: slow headers past the connection cap, slow bodies, a connection flood. */
final class Attacks {
    static int requestSeconds;

    private Attacks() {
    }

    /** A window of the hub's CPU time. */
    static final class Cpu {
        private final long ticks = Wire.cpuTicks();
        private final long nanos = System.nanoTime();

        double percent() {
            return Wire.cpuPercent(ticks, Wire.cpuTicks(), System.nanoTime() - nanos);
        }
    }

    /**
     * 1. Slow headers: 1,100 connections (past the cap of a hub with 1,024 descriptors) that send
     * an unfinished request head and nothing more. Held until the hub sheds them; /healthz is
     * probed meanwhile; the CPU is measured while they are held.
     */
    static Hostile.Outcome slowHeaders() throws Exception {
        int count = 1100;
        double ceiling = 50;
        byte[] head = "GET /events?topic=x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> conns = new ArrayList<>();
        long start = System.nanoTime();
        int refused = 0;
        for (int i = 0; i < count; i++) {
            try {
                SocketChannel c = SocketChannel.open();
                c.socket().connect(new InetSocketAddress(Wire.HOST, Wire.port), 2000);
                c.write(ByteBuffer.wrap(head));
                c.configureBlocking(false);
                conns.add(c);
            } catch (IOException e) {
                refused++;
            }
        }
        double opened = seconds(start);
        long allOpen = System.nanoTime(); // bounds count from here: on a loaded machine opening takes seconds
        AtomicLong healthz = new AtomicLong(-1);
        Thread probe = Thread.ofVirtual().start(() -> probeHealthz(allOpen, healthz));
        Thread.sleep(1000);
        Cpu cpu = new Cpu();
        long dispatcher0 = Wire.dispatcherTicks();
        long cpuFrom = System.nanoTime();
        double dispatcherHeld = Double.NaN;
        long peakFds = 0;
        int heldAtStart = open(conns);
        double shedAt = -1;
        long holdUntil = allOpen + (requestSeconds + 6) * 1_000_000_000L;
        double cpuHeld = Double.NaN;
        while (System.nanoTime() < holdUntil) {
            peakFds = Math.max(peakFds, Wire.fds());
            if (Double.isNaN(cpuHeld) && seconds(allOpen) >= requestSeconds - 2) {
                cpuHeld = cpu.percent(); // while every slow connection is still held
                dispatcherHeld = Wire.cpuPercent(dispatcher0, Wire.dispatcherTicks(), System.nanoTime() - cpuFrom);
            }
            if (open(conns) == 0) {
                shedAt = seconds(allOpen);
                break;
            }
            Thread.sleep(250);
        }
        if (Double.isNaN(cpuHeld)) {
            cpuHeld = cpu.percent();
            dispatcherHeld = Wire.cpuPercent(dispatcher0, Wire.dispatcherTicks(), System.nanoTime() - cpuFrom);
        }
        int stillOpen = open(conns);
        for (SocketChannel c : conns) {
            c.close();
        }
        probe.join(10_000);
        double health = healthz.get() < 0 ? -1 : healthz.get() / 1e9;
        double bound = requestSeconds + 3;
        boolean pass = cpuHeld < ceiling && health >= 0 && health <= bound && stillOpen == 0 && shedAt <= bound;
        return new Hostile.Outcome(pass, String.format("slow headers: %d connections opened in %.1f s (%d refused at connect, "
                        + "%d held 1 s later, the rest closed at once by the cap), hub CPU %.1f%% of a core while held "
                        + "(ceiling %.0f%%; its dispatcher thread %.1f%%), peak %d descriptors, all shed %s, /healthz first answered %s after all were open "
                        + "(bound %.0f s)",
                count, opened, refused, heldAtStart, cpuHeld, ceiling, dispatcherHeld, peakFds,
                shedAt < 0 ? "NOT (" + stillOpen + " still open)" : String.format("at %.1f s", shedAt),
                health < 0 ? "NEVER" : String.format("%.2f s", health), bound));
    }

    /** Probes /healthz every 250 ms until it answers, within the request timeout plus 6 s; records when. */
    private static void probeHealthz(long start, AtomicLong answeredAt) {
        long deadline = start + (requestSeconds + 6) * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                String[] r = Wire.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2000);
                if (r[0].equals("200")) {
                    answeredAt.set(System.nanoTime() - start);
                    return;
                }
            } catch (IOException e) {
                // unanswered: the cap closed it, or it timed out
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Counts the connections the hub has not closed. */
    private static int open(List<SocketChannel> conns) {
        ByteBuffer one = ByteBuffer.allocate(1);
        int open = 0;
        for (SocketChannel c : conns) {
            if (!c.isOpen()) {
                continue;
            }
            try {
                one.clear();
                if (c.read(one) >= 0) {
                    open++;
                } else {
                    c.close();
                }
            } catch (IOException e) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
        return open;
    }

    /**
     * 2. Slow bodies: 40 publishes with a Content-Length of 100 and 10 chunked ones, each sending
     * one byte a second. Each must get 408 or be closed by the request timeout (plus 3 s), and
     * none may publish (a subscriber of their topic counts what arrives).
     */
    static Hostile.Outcome slowBody() throws Exception {
        double ceiling = 50;
        String topic = "slowbody";
        Watchers.Stream witness = Watchers.Stream.open("/events?topic=" + topic, "", 0);
        AtomicInteger leaked = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            try {
                while (witness.next() != null) {
                    leaked.incrementAndGet();
                }
            } catch (IOException e) {
                // closed at the end
            }
        });
        int count = 50;
        AtomicInteger answered408 = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicLong slowest = new AtomicLong();
        CountDownLatch done = new CountDownLatch(count);
        Cpu cpu = new Cpu();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            boolean chunked = i % 5 == 0;
            Thread.ofVirtual().start(() -> {
                long t0 = System.nanoTime();
                try (Wire w = Wire.open((requestSeconds + 10) * 1000)) {
                    w.send("POST /events?topic=" + topic + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                            + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 100\r\n") + "\r\n");
                    Thread trickle = Thread.ofVirtual().start(() -> {
                        try {
                            for (int b = 0; b < 100; b++) {
                                w.send(chunked ? "1\r\nx\r\n" : "x");
                                Thread.sleep(1000);
                            }
                        } catch (IOException | InterruptedException e) {
                            // the hub answered or closed
                        }
                    });
                    int status = w.readHead();
                    trickle.interrupt();
                    (status == 408 ? answered408 : status < 0 ? closed : other).incrementAndGet();
                } catch (IOException e) {
                    closed.incrementAndGet();
                }
                slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                done.countDown();
            });
        }
        boolean all = done.await(requestSeconds + 8, java.util.concurrent.TimeUnit.SECONDS);
        double cpuPct = cpu.percent();
        Thread.sleep(500);
        witness.close();
        double bound = requestSeconds + 3;
        double slow = slowest.get() / 1e9;
        boolean pass = all && other.get() == 0 && slow <= bound && leaked.get() == 0 && cpuPct < ceiling;
        return new Hostile.Outcome(pass, String.format("slow bodies: %d publishes at a byte a second (%d chunked): "
                        + "%d answered 408, %d closed, %d other, the last ended %.1f s after it began (bound %.0f s), "
                        + "%d events published by them, hub CPU %.1f%% of a core (ceiling %.0f%%), in %.1f s",
                count, count / 5, answered408.get(), closed.get(), other.get(), slow, bound, leaked.get(), cpuPct, ceiling,
                seconds(start)));
    }

    /**
     * 3. A connection flood: 8 threads connect and close at full speed for 8 s (at most 60,000
     * connections), half with a reset, from 32 loopback source addresses so that the client's
     * ports do not run out.
     */
    static Hostile.Outcome connectionFlood() throws Exception {
        double ceiling = 150;
        int threads = 8;
        long limit = 60_000;
        long seconds = 8;
        AtomicLong made = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        Cpu cpu = new Cpu();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                for (long i = id; System.nanoTime() < end && made.get() + failed.get() < limit; i += threads) {
                    try (Socket s = new Socket()) {
                        s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + i % 32)}), 0));
                        if (i % 2 == 0) {
                            s.setSoLinger(true, 0);
                        }
                        s.connect(new InetSocketAddress(Wire.HOST, Wire.port), 1000);
                        made.incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        if (errors.size() < 3) {
                            errors.add(e.toString());
                        }
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        double took = seconds(start);
        double cpuPct = cpu.percent();
        boolean pass = cpuPct < ceiling;
        return new Hostile.Outcome(pass, String.format("connection flood: %d connections in %.1f s (%.0f/s, %d failed%s), "
                        + "hub CPU %.0f%% of a core during it (ceiling %.0f%%)",
                made.get(), took, made.get() / took, failed.get(), errors.isEmpty() ? "" : ": " + errors.peek(),
                cpuPct, ceiling));
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
