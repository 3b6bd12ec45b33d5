import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Turns the load generator's CSV into bench/results/results.md (targets, ratios, every row) and the
 * two charts of {@link Charts}.
 *
 * <pre>java -Djava.awt.headless=true -cp build/bench Report bench/results/results.csv bench/results</pre>
 */
public final class Report {
    private final Rows rows;

    private Report(Rows rows) {
        this.rows = rows;
    }

    /** {@code Report CSV OUTDIR} writes results.md and the charts; {@code Report --summary CSV} prints a summary table. */
    public static void main(String[] args) throws IOException {
        if (args[0].equals("--summary")) {
            System.out.print(new Report(Rows.load(Path.of(args[1]))).summary());
            return;
        }
        Path csv = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Report r = new Report(Rows.load(csv));
        Properties run = new Properties();
        Path props = out.resolve("run.properties");
        if (Files.exists(props)) {
            try (var in = Files.newBufferedReader(props)) {
                run.load(in);
            }
        }
        Files.writeString(out.resolve("results.md"), r.markdown(run, Files.exists(out.resolve("NOTES.md"))));
        Charts charts = new Charts(r.rows);
        charts.latencyChart(out.resolve("latency.png"));
        charts.memoryChart(out.resolve("memory.png"));
        System.out.println("report: " + out.resolve("results.md") + ", latency.png, memory.png");
    }

    /** One figure of the comparison: how to get it per round, which way is better, and the target for jdk-sse. */
    private record Figure(String label, Rows.PerRound f, boolean lowerBetter, String target) {
    }

    private List<Figure> figures() {
        List<Figure> fs = new ArrayList<>();
        fs.add(new Figure("CPU per delivery at 10k subscribers × 2 events/s (µs)", Rows.col("cost", "10000x2", "cpu_us_per_delivery"), true,
                "within 5% of floor-jdk; below every peer"));
        fs.add(new Figure("CPU per delivery at 1k subscribers × 10 events/s (µs)", Rows.col("cost", "1000x10", "cpu_us_per_delivery"), true,
                "within 5% of floor-jdk; below every peer"));
        fs.add(new Figure("Bytes allocated per delivery at 10k × 2 (JVM servers)", Rows.col("cost", "10000x2", "alloc_b_per_delivery"), true,
                "(steadier measure of work)"));
        fs.add(new Figure("Write syscalls per delivery at 10k × 2", Rows.col("cost", "10000x2", "syscw_per_delivery"), true,
                "(steadier measure of work)"));
        fs.add(new Figure("Fan-out capacity at 10k subscribers (deliveries/s sustained)", Rows.CAPACITY, false, ">= best peer"));
        fs.add(new Figure("p50 at 10k subscribers × 5 events/s (ms)", Rows.col("sweep", "5", "p50_ms"), true, "(figure)"));
        fs.add(new Figure("p99 at 10k subscribers × 5 events/s (ms)", Rows.col("sweep", "5", "p99_ms"), true, "<= best peer"));
        fs.add(new Figure("Publish round trip p99 at 10k × 5 (ms)", Rows.col("sweep", "5", "pub_p99_ms"), true, "(figure)"));
        fs.add(new Figure("p99 at 1k subscribers × 10 events/s (ms)", Rows.col("cost", "1000x10", "p99_ms"), true, "(figure)"));
        fs.add(new Figure("RSS per idle subscriber at 10k (KiB)", Rows.col("idle", "10000", "value"), true, "<= 1.15 × own live heap"));
        fs.add(new Figure("RSS per idle subscriber at 19k (KiB)", Rows.col("idle", "19000", "value"), true, "(figure)"));
        fs.add(new Figure("Live heap per idle subscriber (KiB, after a full GC)", rr -> {
            double v = Rows.d(Rows.pick(rr, "idle", "live"), "value");
            return v > 0 ? v : Double.NaN;
        }, true, "within 1 KiB of floor-jdk"));
        fs.add(new Figure("Idle CPU at the idle level (% of a core)", rr -> {
            for (Map<String, String> m : rr) {
                if (m.get("scenario").equals("idlecpu")) {
                    return Rows.d(m, "value");
                }
            }
            return Double.NaN;
        }, true, "<= the heartbeats' write cost"));
        fs.add(new Figure("RSS per idle subscriber at the top idle level, settled (KiB, IDLE_SETTLE s later)", Rows.col("idle", "settled", "value"), true,
                "<= 1.15 × own live heap"));
        return fs;
    }

    /** jdk-sse's verdicts for the targets, each with its median, spread and reasoning. */
    private List<String[]> verdicts() {
        List<String[]> v = new ArrayList<>();
        if (!rows.servers.contains("jdksse")) {
            return v;
        }
        List<Figure> fs = figures();
        for (Figure f : List.of(fs.get(0), fs.get(1))) {
            Spread j = rows.spread("jdksse", f.f());
            if (rows.servers.contains("floor-jdk")) {
                Spread fl = rows.spread("floor-jdk", f.f());
                v.add(new String[] {f.label() + ": within 5% of floor-jdk", j.show() + " vs " + fl.show(),
                        verdict(Spread.compare(j, fl, true, 1.05))});
            }
            String worst = "met";
            List<String> parts = new ArrayList<>();
            for (String s : rows.servers) {
                if (!Rows.peer(s)) {
                    continue;
                }
                String c = Spread.compare(j, rows.spread(s, f.f()), true, 1);
                parts.add(c.equals("better") || c.equals("worse") ? "jdk-sse " + c + " than " + Rows.name(s) : Rows.name(s) + " " + c);
                if (c.equals("worse")) {
                    worst = "not met";
                } else if (!c.equals("better") && !worst.equals("not met")) {
                    worst = "within noise";
                }
            }
            if (!parts.isEmpty()) {
                v.add(new String[] {f.label() + ": below every peer", j.show() + "; " + String.join(", ", parts), "**" + worst + "**"});
            }
        }
        for (Figure f : List.of(fs.get(4), fs.get(6))) {
            Spread j = rows.spread("jdksse", f.f());
            String best = null;
            for (String s : rows.servers) {
                if (Rows.peer(s) && !rows.spread(s, f.f()).empty()
                        && (best == null || (f.lowerBetter() ? rows.spread(s, f.f()).median() < rows.spread(best, f.f()).median()
                                : rows.spread(s, f.f()).median() > rows.spread(best, f.f()).median()))) {
                    best = s;
                }
            }
            if (best != null) {
                Spread b = rows.spread(best, f.f());
                String c = Spread.compare(j, b, f.lowerBetter(), 1);
                v.add(new String[] {f.label() + ": at least the best peer (" + Rows.name(best) + ")", j.show() + " vs " + b.show(),
                        c.equals("worse") ? "**not met**" : c.equals("better") ? "**met**"
                                : "**within noise** (medians: " + ((f.lowerBetter() ? j.median() <= b.median() : j.median() >= b.median())
                                        ? "jdk-sse ahead" : "jdk-sse behind") + ")"});
            }
        }
        Figure live = fs.get(11);
        if (rows.servers.contains("floor-jdk")) {
            Spread j = rows.spread("jdksse", live.f());
            Spread fl = rows.spread("floor-jdk", live.f());
            if (!j.empty() && !fl.empty()) {
                String c = j.max() <= fl.min() + 1 ? "**met**" : j.min() > fl.max() + 1 ? "**not met**" : "**within noise**";
                v.add(new String[] {live.label() + ": within 1 KiB of floor-jdk", j.show() + " vs " + fl.show(), c});
            }
        }
        rssOverLive(v, "10000", " at 10k");
        rssOverLive(v, "settled", " at the top idle level, once settled (IDLE_SETTLE s later)");
        return v;
    }

    /**
     * The RSS target's verdict at one idle step: RSS per subscriber over the live heap per subscriber
     * (measured with every idle subscriber connected, so the settled step compares like with like).
     */
    private void rssOverLive(List<String[]> v, String step, String when) {
        Spread r = new Spread(new ArrayList<>(rows.perRound("jdksse", rr -> {
            double rss = Rows.d(Rows.pick(rr, "idle", step), "value");
            double lv = Rows.d(Rows.pick(rr, "idle", "live"), "value");
            return lv > 0 ? rss / lv : Double.NaN;
        }).values()));
        if (!r.empty()) {
            v.add(new String[] {"RSS per idle subscriber" + when + " within 15% of the live heap (RSS / live)", r.show(),
                    r.max() <= 1.15 ? "**met**" : r.min() > 1.15 ? "**not met**" : "**within noise**"});
        }
    }

    private static String verdict(String c) {
        return switch (c) {
            case "better" -> "**met** (below it)";
            case "worse" -> "**not met**";
            case "within noise" -> "**within noise**";
            default -> c;
        };
    }

    private String markdown(Properties run, boolean notes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# jdk-sse benchmark results\n\n");
        sb.append("- date: ").append(run.getProperty("date", "?")).append('\n');
        sb.append("- machine: ").append(run.getProperty("machine", "?")).append("; load average at the end: ")
                .append(run.getProperty("load", "?")).append('\n');
        sb.append("- command: `").append(run.getProperty("command", "?")).append("`; ").append(run.getProperty("rounds", "?"))
                .append(" interleaved rounds of: ").append(run.getProperty("servers", "?")).append('\n');
        sb.append("- jdk-sse and floor JVM flags: `").append(run.getProperty("jdksse_opts", "?")).append("`; Helidon and Spring: ")
                .append(run.getProperty("peer_jvm_opts", "?")).append('\n');
        sb.append("- server pinned to CPU 0, load generator to CPU 1 (taskset); the run took ").append(run.getProperty("seconds", "?"))
                .append(" s on a machine shared with other work.\n");
        sb.append("- every figure: the median over the rounds [min–max]. A verdict needs the whole spread on one side;"
                + " otherwise it says *within noise*.\n\n");
        List<String[]> vs = verdicts();
        if (!vs.isEmpty()) {
            sb.append("## Verdicts (jdk-sse against the issue's targets)\n\n| target | figures | verdict |\n|---|---|---|\n");
            for (String[] v : vs) {
                sb.append("| ").append(v[0]).append(" | ").append(v[1]).append(" | ").append(v[2]).append(" |\n");
            }
            sb.append('\n');
        }
        sb.append("## Figures (median [min–max] over the rounds)\n\n| figure | target |");
        for (String s : rows.servers) {
            sb.append(' ').append(Rows.name(s)).append(" |");
        }
        sb.append("\n|---|---|").append("---|".repeat(rows.servers.size())).append('\n');
        for (Figure f : figures()) {
            boolean any = rows.servers.stream().anyMatch(s -> !rows.spread(s, f.f()).empty());
            if (!any) {
                continue;
            }
            sb.append("| ").append(f.label()).append(" | ").append(f.target()).append(" |");
            for (String s : rows.servers) {
                sb.append(' ').append(rows.spread(s, f.f()).show()).append(" |");
            }
            sb.append('\n');
        }
        if (rows.servers.contains("jdksse") && rows.servers.size() > 1) {
            sb.append("\n## jdk-sse over each server (ratio per round: median [min–max]; comparison of the spreads)\n\n| figure |");
            for (String s : rows.servers) {
                if (!s.equals("jdksse")) {
                    sb.append(' ').append(Rows.name(s)).append(" |");
                }
            }
            sb.append("\n|---|").append("---|".repeat(rows.servers.size() - 1)).append('\n');
            for (Figure f : figures()) {
                if (rows.spread("jdksse", f.f()).empty()) {
                    continue;
                }
                sb.append("| ").append(f.label()).append(" |");
                for (String s : rows.servers) {
                    if (s.equals("jdksse")) {
                        continue;
                    }
                    Spread r = rows.ratio(f.f(), s);
                    String c = Spread.compare(rows.spread("jdksse", f.f()), rows.spread(s, f.f()), f.lowerBetter(), 1);
                    sb.append(' ').append(r.empty() ? "-" : r.show().replace(" (1 round)", "") + " " + (c.equals("better") ? "(jdk-sse better)"
                            : c.equals("worse") ? "(jdk-sse worse)" : "(" + c + ")")).append(" |");
                }
                sb.append('\n');
            }
            sb.append("\nRatios are jdk-sse's value over the other server's in the same round (above 1 is better for capacity, below 1"
                    + " is better for CPU, latency and memory). *better*/*worse* means every round of one is on one side of every round of"
                    + " the other.\n");
        }
        if (notes) {
            sb.append("\nRead [NOTES.md](NOTES.md) beside this file: what each figure does and does not show, and the profiles.\n");
        }
        sb.append("\n![p99 latency against deliveries per second](latency.png)\n\n![RSS per idle subscriber](memory.png)\n");
        sb.append("\n## Every row (every round)\n\n");
        String[] cols = {"server", "round", "scenario", "step", "subs", "rate", "pub_rate", "deliveries_per_s", "p50_ms", "p99_ms", "max_ms",
                "lost", "dups", "reordered", "errors", "rss_mib", "cpu_pct", "cpu_us_per_delivery", "syscw_per_delivery",
                "alloc_b_per_delivery", "pub_p99_ms", "value", "note"};
        sb.append("| ").append(String.join(" | ", cols)).append(" |\n|").append("---|".repeat(cols.length)).append('\n');
        for (String scen : List.of("idle", "cost", "sweep", "idlecpu", "latency", "single", "storm", "slow", "churn", "hold", "smoke")) {
            for (String s : rows.servers) {
                for (Map<String, String> m : rows.find(s, scen, x -> true)) {
                    sb.append("| ");
                    for (String c : cols) {
                        sb.append(c.equals("server") ? Rows.name(m.get(c)) : m.getOrDefault(c, "")).append(" | ");
                    }
                    sb.setLength(sb.length() - 1);
                    sb.append('\n');
                }
            }
        }
        sb.append("\nColumns: latencies are publish-to-receive in milliseconds, each event stamped with the time it was due"
                + " (a server that slows the publisher pays for it); `pub_p99_ms` = the publisher's POST round trip; `lost` ="
                + " deliveries that never arrived within the drain window; `cpu_pct` = the server's CPU over the step (100 = the whole"
                + " core); `cpu_us_per_delivery` = the server's user+sys CPU over the step / deliveries; `syscw_per_delivery` = write"
                + " syscalls (/proc/PID/io) / deliveries; `alloc_b_per_delivery` = heap bytes allocated (JMX"
                + " getTotalThreadAllocatedBytes) / deliveries; `value` is the scenario's headline figure named in `note`. A failed"
                + " sweep step is run once more after the server has caught up (step `N-again`); capacity is the highest rate"
                + " sustained at either try, the other figures at a rate are its first try's.\n");
        return sb.toString();
    }

    /** For the idle and flags modes: median [min–max] of the headline columns per server, scenario and step. */
    private String summary() {
        StringBuilder sb = new StringBuilder("| server | scenario | step | rounds | cpu_pct | value | cpu_us_per_delivery |"
                + " alloc_b_per_delivery | deliveries_per_s | p99_ms | rss_mib |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String s : rows.servers) {
            Set<String> keys = new LinkedHashSet<>();
            for (Map<String, String> m : rows.all) {
                if (m.get("server").equals(s)) {
                    keys.add(m.get("scenario") + "\u0000" + m.get("step"));
                }
            }
            for (String k : keys) {
                String[] ks = k.split("\u0000");
                sb.append("| ").append(Rows.name(s)).append(" | ").append(ks[0]).append(" | ").append(ks[1]).append(" | ")
                        .append(rows.rounds(s).size()).append(" |");
                for (String c : List.of("cpu_pct", "value", "cpu_us_per_delivery", "alloc_b_per_delivery", "deliveries_per_s", "p99_ms",
                        "rss_mib")) {
                    sb.append(' ').append(rows.spread(s, Rows.col(ks[0], ks[1], c)).show().replace(" (1 round)", "")).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ charts
}
