import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The full mode's one-round scenarios, each a server's behaviour under stress rather than its cost:
 * a connect storm, slow readers, connection churn, and a long hold of idle subscribers.
 */
final class Stress {
    private final Driver d;
    private final RowLog out;
    private final URI stats;

    /** Scenarios run through d, writing to out; stats is the server's stats endpoint, or null when it has none. */
    Stress(Driver d, RowLog out, URI stats) {
        this.d = d;
        this.out = out;
        this.stats = stats;
    }

    /** Connect storm: time until every subscriber has its response head (at most 1000 handshakes pending). */
    void storm(int subs, int window) throws Exception {
        d.ensure(0, false);
        Driver.sleep(1);
        long t0 = System.nanoTime();
        long cpu0 = Proc.cpuTicks(d.pid);
        double took = d.connect(subs, false, false, window, 60);
        Result r = new Result();
        r.cpuPct = Proc.cpuPct(cpu0, Proc.cpuTicks(d.pid), System.nanoTime() - t0);
        int missing = d.sync(30);
        r.subs = d.liveCount();
        r.errors = d.loop.errorCount;
        r.lost = missing;
        r.rssKib = Proc.rssKib(d.pid);
        r.value = took;
        r.seconds = took;
        out.row("storm", String.valueOf(subs), r, "value=seconds to the last response head; " + d.errorsNote());
    }

    /** Slow readers: the same load with every subscriber reading, then with 1% never reading again. */
    void slow(int subs, int seconds) throws Exception {
        // 4 KiB events at 1/s: 10k deliveries/s that every server here sustains, and big enough that
        // a stalled reader's socket buffers (4 KiB receive buffer) fill within seconds
        int size = 4096;
        int rate = 1;
        d.ensure(0, false); // slow readers are chosen when connecting: start from none
        d.ensure(subs, true);
        d.sync(30);
        d.measure(rate, 2, size, false, 2); // warm-up
        Result a = d.measure(rate, seconds, size, true, 3);
        a.rssKib = Proc.rssKib(d.pid);
        out.row("slow", "all-reading", a, "healthy 99% only; 4 KiB events at 1/s");
        long rssBefore = Proc.rssKib(d.pid);
        int stalled = d.loop.call(() -> {
            int n = 0;
            for (Conn c : d.loop.live) {
                if (c.slow) {
                    c.key.interestOps(0);
                    n++;
                }
            }
            return n;
        });
        Result b = d.measure(rate, seconds, size, true, 3);
        b.rssKib = Proc.rssKib(d.pid);
        double rise = a.p99 == 0 ? 0 : (b.p99 - a.p99) * 100.0 / a.p99;
        b.value = rise;
        out.row("slow", "1%-stalled", b, "value=p99 rise %; " + stalled + " stalled; RSS " + rssBefore / 1024 + "->" + b.rssKib / 1024
                + " MiB");
        // memory bounded? keep publishing three times as long and watch RSS
        Result c = d.measure(rate, 3 * seconds, size, true, 3);
        c.rssKib = Proc.rssKib(d.pid);
        c.value = (c.rssKib - b.rssKib) / 1024.0;
        // then let the stalled readers read again: those the server gave up on end at once (EOF or reset)
        long err0 = d.loop.errorCount;
        d.loop.call(() -> {
            for (Conn x : d.loop.live) {
                if (x.slow) {
                    x.key.interestOps(SelectionKey.OP_READ);
                }
            }
            return null;
        });
        Driver.sleep(3);
        int cut = (int) (d.loop.errorCount - err0);
        out.row("slow", "1%-stalled-later", c, "value=RSS growth MiB over the extra " + 3 * seconds + " s; the server cut " + cut
                + " of " + stalled + " stalled streams");
    }

    /** Churn: cycles of connect, response head, close, beside 100 steady subscribers and a steady publish. */
    void churn(int cycles, int seconds) throws Exception {
        d.ensure(100, false);
        d.sync(10);
        Driver.sleep(1);
        Jvm.gc(d.pid);
        long fd0 = Proc.fds(d.pid);
        long heap0 = Jvm.heapKib(d.pid);
        long subs0 = statsSubscribers();
        long rss0 = Proc.rssKib(d.pid);
        Result base = new Result();
        base.subs = d.liveCount();
        base.rssKib = rss0;
        base.value = fd0;
        out.row("churn", "before", base, "value=server fds; heap KiB=" + heap0 + " stats subscribers=" + subs0);
        long t0 = System.nanoTime();
        long cpu0 = Proc.cpuTicks(d.pid);
        d.loop.call(() -> {
            d.loop.window = 200;
            d.loop.startChurn = true;
            d.loop.toStart += cycles;
            return null;
        });
        long errBefore = d.loop.errorCount;
        // publish 5 events/s while the cycles run, so servers that find dead streams on write do so
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!d.loop.call(() -> d.loop.toStart == 0 && d.loop.inFlight == 0) && System.nanoTime() < deadline) {
            d.pub.publish(d.seq++, System.nanoTime(), 128);
            LockSupport.parkNanos(200_000_000L);
        }
        double took = (System.nanoTime() - t0) / 1e9;
        d.loop.call(() -> {
            d.loop.startChurn = false;
            d.loop.window = 1000;
            return null;
        });
        long churned = d.loop.churned;
        // then 5 more seconds of events and a GC before the after-picture
        for (int i = 0; i < 25; i++) {
            d.pub.publish(d.seq++, System.nanoTime(), 128);
            LockSupport.parkNanos(200_000_000L);
        }
        Result r = d.measure(10, 2, 128, false, 3);
        r.cpuPct = Proc.cpuPct(cpu0, Proc.cpuTicks(d.pid), System.nanoTime() - t0);
        r.seconds = took;
        Jvm.gc(d.pid);
        long fd1 = Proc.fds(d.pid);
        long heap1 = Jvm.heapKib(d.pid);
        long subs1 = statsSubscribers();
        r.rssKib = Proc.rssKib(d.pid);
        r.errors = d.loop.errorCount - errBefore;
        r.value = fd1 - fd0;
        out.row("churn", String.valueOf(cycles), r, "value=server fd growth; cycles done " + churned + " in "
                + String.format(Locale.ROOT, "%.1f", took) + " s; heap KiB " + heap0 + "->" + heap1 + "; stats subscribers "
                + subs0 + "->" + subs1 + "; " + d.errorsNote());
    }

    /** Hold: many idle subscribers for a long time (heartbeats only); errors, idle CPU, and all alive at the end. */
    void hold(int subs, int seconds) throws Exception {
        d.ensure(0, false);
        double took = d.connect(subs, false, false, 1000, 60);
        Driver.sleep(5);
        long t0 = System.nanoTime();
        long cpu0 = Proc.cpuTicks(d.pid);
        long err0 = d.loop.errorCount;
        int every = Math.max(1, seconds / 10);
        for (int s = 0; s < seconds; s += every) {
            Driver.sleep(Math.min(every, seconds - s));
            System.out.printf(Locale.ROOT, "  hold %d s: %d live, %d errors, RSS %d MiB%n", s + every, d.liveCount(),
                    d.loop.errorCount - err0, Proc.rssKib(d.pid) / 1024);
        }
        Result r = new Result();
        r.cpuPct = Proc.cpuPct(cpu0, Proc.cpuTicks(d.pid), System.nanoTime() - t0);
        r.subs = d.liveCount();
        r.seconds = seconds;
        r.errors = d.loop.errorCount - err0;
        r.lost = d.sync(30);
        r.rssKib = Proc.rssKib(d.pid);
        r.value = r.cpuPct;
        out.row("hold", String.valueOf(subs), r, "value=idle CPU % over the hold; connected in "
                + String.format(Locale.ROOT, "%.1f", took) + " s; " + d.errorsNote());
    }

    /** The subscriber count the server's stats endpoint reports, or -1 when it has none or did not answer. */
    private long statsSubscribers() {
        if (stats == null) {
            return -1;
        }
        try (HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(stats)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"subscribers\"\\s*:\\s*(\\d+)").matcher(r.body());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
