import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator's hands on one server: the subscribers (one NIO event loop for all of them), the
 * publisher, and the measured phase that drives both. The scenarios (LoadGen, Stress) run on the main
 * thread; they reach the loop's connections and phase through {@link Loop#call}, and read only its
 * volatile counters directly.
 */
final class Driver {
    final Loop loop;
    final Publisher pub;
    /** The server's process id, for its CPU, memory and write counters; -1 when unknown. */
    final long pid;
    private final Alloc alloc;
    /** The sequence number of the next event published. */
    long seq = 1;
    /** Whether measured phases read the server's allocation counter (not in smoke, not before the idle figures). */
    boolean trackAlloc;

    /** A driver for the server at target, subscribing at subPath and publishing at pubPath. */
    Driver(InetSocketAddress target, String subPath, String pubPath, long pid) throws IOException {
        this.loop = new Loop(target, subPath);
        this.pub = new Publisher(target, pubPath);
        this.pid = pid;
        this.alloc = new Alloc(pid);
    }

    /** Starts the event loop on its own thread (a daemon: the generator exits when the scenarios end). */
    void start() {
        Thread t = new Thread(loop, "loop");
        t.setDaemon(true);
        t.start();
    }

    /** Stops the loop and closes the publisher and the allocation counter's connection. */
    void close() {
        loop.stop();
        pub.close();
        alloc.close();
    }

    /**
     * Runs the generator's read path over synthetic chunked events until the JIT has compiled it: on
     * its single core an interpreted parser would fall behind the first seconds of a step and hold
     * back the publisher, which then looks like the server's fault.
     */
    void warmUp() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            String data = "data: " + new String(Publisher.body(i, System.nanoTime(), 128), java.nio.charset.StandardCharsets.US_ASCII)
                    + "\n\n";
            sb.append(Integer.toHexString(data.length())).append("\r\n").append(data).append("\r\n");
        }
        byte[] events = sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Conn.Sink sink = new Conn.Sink() {
            @Override
            public void head(Conn c) {
            }

            @Override
            public void event(Conn c, long s, long ts) {
                loop.event(c, s, ts);
            }

            @Override
            public void end(Conn c, String why) {
                throw new IllegalStateException(why);
            }
        };
        long t0 = System.nanoTime();
        for (int round = 0; round < 40; round++) {
            Conn c = new Conn(-1, false, false);
            c.feed(head, 0, head.length, sink);
            loop.phase = new Loop.Phase(0);
            for (int i = 0; i < 200; i++) {
                c.seen.clear();
                c.maxIdx = -1;
                c.feed(events, 0, events.length, sink);
            }
        }
        loop.phase = null;
        System.out.printf(Locale.ROOT, "  generator warmed up in %.2f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** The subscribers connected now. */
    int liveCount() {
        return loop.call(loop.live::size);
    }

    /** Opens or closes subscribers until n are live. */
    void ensure(int n, boolean slow) {
        int have = liveCount();
        if (have < n) {
            connect(n - have, slow, false, 1000, 60);
        } else if (have > n) {
            loop.call(() -> {
                var it = loop.live.iterator();
                for (int i = 0; i < have - n && it.hasNext(); i++) {
                    Conn c = it.next();
                    loop.close(c);
                    it.remove();
                }
                return null;
            });
        }
    }

    /** Opens n subscribers and waits for their response heads; returns seconds to the last head. */
    double connect(int n, boolean slow, boolean churn, int window, int timeoutSec) {
        long t0 = System.nanoTime();
        loop.call(() -> {
            loop.window = window;
            loop.startSlow = slow;
            loop.startChurn = churn;
            loop.toStart += n;
            return null;
        });
        long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSec);
        while (!loop.call(() -> loop.toStart == 0 && loop.inFlight == 0)) {
            if (System.nanoTime() > deadline) {
                System.out.println("  connect: timed out after " + timeoutSec + " s");
                break;
            }
            LockSupport.parkNanos(5_000_000L);
        }
        long last = loop.call(() -> loop.lastHeadAt);
        double took = (Math.max(last, t0) - t0) / 1e9;
        System.out.printf(Locale.ROOT, "  connected %d in %.2f s (%d live, %d errors%s)%n", n, took, liveCount(), loop.errorCount,
                loop.errorCount > 0 ? ": " + errorsNote() : "");
        return took;
    }

    /**
     * Lets the server finish with the streams that just opened or closed before a window opens, the
     * same way for every server. A server that never reads a stream (any on {@code HttpServer})
     * learns that its client left only when a write fails, the second write after the close, while
     * Go and Node notice at once; without this the teardown of 9k streams, a cost of churn, fell in
     * the JVM servers' 1k x 10 window (24.8 us a delivery, then 12.9-15.4 in the windows after:
     * bench/results/NOTES.md). So: two events, then up to 10 s for the server's CPU to go quiet.
     */
    void settle() {
        sync(30);
        sync(30);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            long c0 = Proc.cpuTicks(pid);
            long t0 = System.nanoTime();
            LockSupport.parkNanos(500_000_000L);
            if (!(Proc.cpuPct(c0, Proc.cpuTicks(pid), System.nanoTime() - t0) >= 5)) {
                return; // below 5% of a core, or not measurable (no pid)
            }
        }
    }

    /** Publishes one event and waits until every reading subscriber has it; returns how many did not. */
    int sync(int timeoutSec) {
        long s = seq++;
        pub.publish(s, System.nanoTime(), 64);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSec);
        while (true) {
            int missing = loop.call(() -> {
                int m = 0;
                for (Conn c : loop.live) {
                    if (c.lastSeq < s && c.key.interestOps() != 0) {
                        m++;
                    }
                }
                return m;
            });
            if (missing == 0 || System.nanoTime() > deadline) {
                if (missing > 0) {
                    System.out.println("  sync: " + missing + " subscribers missed event " + s);
                }
                return missing;
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    /** One measured phase: publishes at the rate for the time given, then waits for the deliveries to drain. */
    Result measure(int rate, double seconds, int size, boolean skipSlow, double drainSec) {
        long first = seq;
        int subs = loop.call(() -> {
            int n = 0;
            for (Conn c : loop.live) {
                c.seen.clear();
                c.maxIdx = -1;
                if (!(skipSlow && c.slow)) {
                    n++;
                }
            }
            Loop.Phase p = new Loop.Phase(first);
            p.skipSlow = skipSlow;
            loop.phase = p;
            return n;
        });
        long errors0 = loop.errorCount;
        long pubErr0 = pub.errors;
        long count = Math.max(1, Math.round(rate * seconds));
        long period = 1_000_000_000L / rate;
        pub.rtt = new Histogram();
        long cpu0 = Proc.cpuTicks(pid);
        long w0 = Proc.syscw(pid);
        long a0 = trackAlloc ? alloc.total() : -1;
        long t0 = System.nanoTime() + 1_000_000L;
        for (long i = 0; i < count; i++) {
            long due = t0 + i * period;
            for (long d = due - System.nanoTime(); d > 0; d = due - System.nanoTime()) {
                if (d > 200_000L) {
                    LockSupport.parkNanos(d - 100_000L);
                } else {
                    Thread.onSpinWait();
                }
            }
            // stamped with the time it was due, not the time it went out: a server that holds the
            // publisher back pays for it in latency instead of hiding it (coordinated omission)
            pub.publish(seq++, due, size);
        }
        long pubEnd = System.nanoTime();
        long expected = count * subs;
        long deadline = pubEnd + (long) (drainSec * 1e9);
        while (System.nanoTime() < deadline && loop.call(() -> loop.phase.deliveries) < expected) {
            LockSupport.parkNanos(2_000_000L);
        }
        long end = System.nanoTime();
        Result r = loop.call(() -> {
            Loop.Phase p = loop.phase;
            loop.phase = null;
            Result x = new Result();
            x.deliveries = p.deliveries;
            x.dups = p.dups;
            x.reordered = p.reordered;
            x.p50 = p.hist.quantile(0.50);
            x.p99 = p.hist.quantile(0.99);
            x.p999 = p.hist.quantile(0.999);
            x.max = p.hist.max();
            x.lastAt = p.lastAt;
            return x;
        });
        r.subs = subs;
        r.rate = rate;
        r.size = size;
        r.published = count;
        r.seconds = (pubEnd - t0) / 1e9;
        r.pubRate = count / Math.max(1e-9, r.seconds);
        r.lost = expected - r.deliveries;
        // deliveries per second over the publishing window, or up to the last delivery when the server lagged behind
        r.deliveriesPerSec = r.deliveries / Math.max(r.seconds, (r.lastAt - t0) / 1e9);
        r.errors = (loop.errorCount - errors0) + (pub.errors - pubErr0);
        long cpu1 = Proc.cpuTicks(pid);
        long w1 = Proc.syscw(pid);
        long a1 = a0 >= 0 ? alloc.total() : -1;
        r.cpuPct = Proc.cpuPct(cpu0, cpu1, end - t0);
        r.rssKib = Proc.rssKib(pid);
        if (r.deliveries > 0) {
            if (cpu0 >= 0 && cpu1 >= 0) {
                r.cpuUs = (cpu1 - cpu0) * 10_000.0 / r.deliveries; // a tick is 10 ms
            }
            if (w0 >= 0 && w1 >= 0) {
                r.syscw = (w1 - w0) / (double) r.deliveries;
            }
            if (a0 >= 0 && a1 >= 0) {
                r.allocB = (a1 - a0) / (double) r.deliveries;
            }
        }
        r.pubP99 = pub.rtt.count() == 0 ? Double.NaN : pub.rtt.quantile(0.99) / 1e6;
        return r;
    }

    /** The generator's connection errors so far by kind, for a row's note. */
    String errorsNote() {
        Map<String, Integer> e = loop.call(loop::errorsSnapshot);
        return e.isEmpty() ? "no errors" : "errors " + e;
    }

    /** Parks the calling thread for the seconds given. */
    static void sleep(double seconds) {
        LockSupport.parkNanos((long) (seconds * 1e9));
    }
}
