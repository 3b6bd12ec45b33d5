import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * One round of the {@code cluster} benchmark against servers that are already listening: the
 * subscribers spread over the given ports (one bench/src {@link Loop} per port), events published
 * round-robin to them at a fixed rate, end-to-end latency from the publisher's stamp to the
 * subscriber's read, and the CPU time of every server process (hubs and Redis) per delivery.
 * It reuses the load generator's classes as they are (Loop, Conn, Publisher, Histogram, Proc).
 *
 * <pre>java -cp build/bench-cluster ClusterBench --label cluster --round 1 --ports 9001,9002,9003 --pids 11,12,13,14
 *     --subs 300 --rate 20 --seconds 10 --csv rows.csv</pre>
 */
public final class ClusterBench {
    static final String COLUMNS = "label,round,hubs,subs,rate,seconds,published,deliveries,lost,dups,reordered,errors,p50_ms,p99_ms,"
            + "cpu_us_per_delivery,server_cpu_pct";

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].substring(2), args[i + 1]);
        }
        String label = opt.get("label");
        List<Integer> ports = new ArrayList<>();
        for (String p : opt.get("ports").split(",")) {
            ports.add(Integer.parseInt(p));
        }
        List<Long> pids = new ArrayList<>();
        for (String p : opt.get("pids").split(",")) {
            pids.add(Long.parseLong(p));
        }
        int subs = Integer.parseInt(opt.getOrDefault("subs", "300"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "20"));
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "10"));
        int size = 128;

        List<Loop> loops = new ArrayList<>();
        List<Publisher> pubs = new ArrayList<>();
        for (int port : ports) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
            Loop loop = new Loop(target, "/events");
            Thread t = new Thread(loop, "loop-" + port);
            t.setDaemon(true);
            t.start();
            loops.add(loop);
            pubs.add(new Publisher(target, "/events"));
        }
        // Connect: the subscribers split evenly over the loops.
        for (int i = 0; i < loops.size(); i++) {
            int n = subs / loops.size() + (i < subs % loops.size() ? 1 : 0);
            Loop loop = loops.get(i);
            loop.call(() -> {
                loop.toStart += n;
                return null;
            });
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (loops.stream().anyMatch(l -> l.call(() -> l.toStart > 0 || l.inFlight > 0)) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000L);
        }
        int live = loops.stream().mapToInt(l -> l.call(l.live::size)).sum();
        System.out.printf(Locale.ROOT, "  %s round %s: %d of %d subscribers live%n", label, opt.get("round"), live, subs);
        long[] seq = {1};
        sync(loops, pubs, seq);
        measure(loops, pubs, pids, seq, rate, 3, size); // warm-up: JIT and lazy allocation out of the window
        sync(loops, pubs, seq);
        Result r = measure(loops, pubs, pids, seq, rate, seconds, size);
        String row = String.join(",", label, opt.get("round"), Integer.toString(ports.size()), Integer.toString(live), Integer.toString(rate),
                f(seconds), Long.toString(r.published), Long.toString(r.deliveries), Long.toString(r.lost), Long.toString(r.dups),
                Long.toString(r.reordered), Long.toString(r.errors), ms(r.p50), ms(r.p99), f(r.cpuUsPerDelivery), f(r.cpuPct));
        System.out.printf(Locale.ROOT, "  %s round %s: p50 %s ms, p99 %s ms, %s us CPU per delivery (%s%% of a core), %d deliveries, %d lost, %d dups%n",
                label, opt.get("round"), ms(r.p50), ms(r.p99), f(r.cpuUsPerDelivery), f(r.cpuPct), r.deliveries, r.lost, r.dups);
        Path csv = Path.of(opt.get("csv"));
        if (!Files.exists(csv)) {
            Files.writeString(csv, COLUMNS + "\n");
        }
        Files.writeString(csv, row + "\n", StandardOpenOption.APPEND);
        loops.forEach(Loop::stop);
        pubs.forEach(Publisher::close);
        System.exit(0);
    }

    static final class Result {
        long published;
        long deliveries;
        long lost;
        long dups;
        long reordered;
        long errors;
        long p50;
        long p99;
        double cpuUsPerDelivery;
        double cpuPct;
    }

    /** Publishes one event and waits (at most 30 s) until every subscriber has it. */
    private static void sync(List<Loop> loops, List<Publisher> pubs, long[] seq) {
        long s = seq[0]++;
        pubs.get(0).publish(s, System.nanoTime(), 64);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            int missing = loops.stream().mapToInt(l -> l.call(() -> (int) l.live.stream().filter(c -> c.lastSeq < s).count())).sum();
            if (missing == 0) {
                return;
            }
            LockSupport.parkNanos(5_000_000L);
        }
        System.out.println("  sync: some subscribers missed event " + s);
    }

    private static long cpuTicks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            long t = Proc.cpuTicks(pid);
            if (t < 0) {
                return -1;
            }
            sum += t;
        }
        return sum;
    }

    /** Like the load generator's measured phase, over several loops and publishers (round-robin). */
    private static Result measure(List<Loop> loops, List<Publisher> pubs, List<Long> pids, long[] seq, int rate, double seconds, int size) {
        long first = seq[0];
        int subs = 0;
        for (Loop loop : loops) {
            subs += loop.call(() -> {
                for (Conn c : loop.live) {
                    c.seen.clear();
                    c.maxIdx = -1;
                }
                loop.phase = new Loop.Phase(first);
                return loop.live.size();
            });
        }
        long errors0 = loops.stream().mapToLong(l -> l.call(() -> l.errorCount)).sum() + pubs.stream().mapToLong(p -> p.errors).sum();
        long count = Math.max(1, Math.round(rate * seconds));
        long period = 1_000_000_000L / rate;
        long cpu0 = cpuTicks(pids);
        long t0 = System.nanoTime() + 1_000_000L;
        for (long i = 0; i < count; i++) {
            long due = t0 + i * period;
            for (long d = due - System.nanoTime(); d > 0; d = due - System.nanoTime()) {
                LockSupport.parkNanos(Math.max(d - 100_000L, 1_000L));
            }
            // Stamped with the time it was due (no coordinated omission), as the load generator does.
            pubs.get((int) (i % pubs.size())).publish(seq[0]++, due, size);
        }
        long expected = count * subs;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && loops.stream().mapToLong(l -> l.call(() -> l.phase.deliveries)).sum() < expected) {
            LockSupport.parkNanos(2_000_000L);
        }
        long end = System.nanoTime();
        long cpu1 = cpuTicks(pids);
        Histogram hist = new Histogram();
        Result r = new Result();
        for (Loop loop : loops) {
            loop.call(() -> {
                Loop.Phase p = loop.phase;
                loop.phase = null;
                hist.add(p.hist);
                r.deliveries += p.deliveries;
                r.dups += p.dups;
                r.reordered += p.reordered;
                return null;
            });
        }
        r.published = count;
        r.lost = expected - r.deliveries;
        r.errors = loops.stream().mapToLong(l -> l.call(() -> l.errorCount)).sum() + pubs.stream().mapToLong(p -> p.errors).sum() - errors0;
        r.p50 = hist.quantile(0.50);
        r.p99 = hist.quantile(0.99);
        double cpuSeconds = (cpu1 - cpu0) / 100.0;
        r.cpuUsPerDelivery = cpu0 < 0 || cpu1 < 0 || r.deliveries == 0 ? Double.NaN : cpuSeconds * 1e6 / r.deliveries;
        r.cpuPct = cpu0 < 0 || cpu1 < 0 ? Double.NaN : cpuSeconds / ((end - t0) / 1e9) * 100;
        return r;
    }

    private static String f(double d) {
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.2f", d);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
