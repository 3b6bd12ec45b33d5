import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

/**
 * Turns the load generator's CSV into bench/results/results.md (targets, ratios, every row) and two
 * charts drawn with Java2D: p99/p50 latency against deliveries per second, and memory per idle subscriber.
 *
 * <pre>java -Djava.awt.headless=true -cp build/bench Report bench/results/results.csv bench/results</pre>
 */
public final class Report {
    private static final String[] ORDER = {"jdksse", "floor-jdk", "floor-nio", "go", "node", "helidon", "spring"};
    private static final Map<String, String> NAMES = Map.of("jdksse", "jdk-sse", "go", "Go net/http", "node", "Node.js http",
            "helidon", "Helidon 4 SE", "spring", "Spring SseEmitter", "floor-jdk", "floor-jdk", "floor-nio", "floor-nio");
    private static final Color[] COLORS = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD),
            new Color(0xFF7F0E), new Color(0x8C564B), new Color(0x17BECF), new Color(0x7F7F7F)};

    /** Returns a server's colour: fixed for the five known ones, so every chart of every run reads the same. */
    private static Color color(String server, int index) {
        for (int i = 0; i < ORDER.length; i++) {
            if (ORDER[i].equals(server)) {
                return COLORS[i];
            }
        }
        return COLORS[(ORDER.length + index) % COLORS.length];
    }

    private final List<Map<String, String>> rows = new ArrayList<>();
    private final List<String> servers = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        if (args[0].equals("--summary")) {
            Report r = new Report();
            r.load(Path.of(args[1]));
            System.out.print(r.summary());
            return;
        }
        Path csv = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Report r = new Report();
        r.load(csv);
        Properties run = new Properties();
        Path props = out.resolve("run.properties");
        if (Files.exists(props)) {
            try (var in = Files.newBufferedReader(props)) {
                run.load(in);
            }
        }
        r.notes = out.resolve("NOTES.md");
        Files.writeString(out.resolve("results.md"), r.markdown(run));
        r.latencyChart(out.resolve("latency.png"));
        r.memoryChart(out.resolve("memory.png"));
        System.out.println("report: " + out.resolve("results.md") + ", latency.png, memory.png");
    }

    private void load(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] cols = lines.get(0).split(",", -1);
        Set<String> seen = new LinkedHashSet<>();
        for (String l : lines.subList(1, lines.size())) {
            if (l.isBlank() || l.startsWith("server,")) {
                continue;
            }
            String[] v = l.split(",", -1);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < cols.length; i++) {
                m.put(cols[i], i < v.length ? v[i] : "");
            }
            rows.add(m);
            seen.add(m.get("server"));
        }
        for (String s : ORDER) {
            if (seen.remove(s)) {
                servers.add(s);
            }
        }
        servers.addAll(seen);
    }

    private static String name(String s) {
        String base = s.endsWith("+hb") ? s.substring(0, s.length() - 3) : s;
        return NAMES.getOrDefault(base, base) + (base.equals(s) ? "" : " +hb");
    }

    private List<Map<String, String>> find(String server, String scenario, Predicate<Map<String, String>> p) {
        List<Map<String, String>> r = new ArrayList<>();
        for (Map<String, String> m : rows) {
            if (m.get("server").equals(server) && m.get("scenario").equals(scenario) && p.test(m)) {
                r.add(m);
            }
        }
        return r;
    }

    private static double d(Map<String, String> m, String col) {
        if (m == null) {
            return Double.NaN;
        }
        String v = m.get(col);
        return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return "failed";
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    // ------------------------------------------------------------------ rounds, medians and spreads

    /** A figure over the rounds: every round's value, its median, min and max. */
    record Spread(List<Double> values) {
        static final Spread NONE = new Spread(List.of());

        boolean empty() {
            return values.isEmpty();
        }

        double median() {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            List<Double> v = new ArrayList<>(values);
            v.sort(null);
            int n = v.size();
            return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        }

        double min() {
            return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        double max() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        String show() {
            if (values.isEmpty()) {
                return "-";
            }
            if (values.size() == 1) {
                return fmt(median()) + " (1 round)";
            }
            return fmt(median()) + " [" + fmt(min()) + "–" + fmt(max()) + "]";
        }
    }

    /** The rounds present for a server, in order. */
    private List<String> rounds(String server) {
        Set<String> r = new LinkedHashSet<>();
        for (Map<String, String> m : rows) {
            if (m.get("server").equals(server)) {
                r.add(m.getOrDefault("round", "1"));
            }
        }
        return new ArrayList<>(r);
    }

    private interface PerRound {
        /** The figure of one round from that round's rows of one server, NaN when it was not measured. */
        double of(List<Map<String, String>> roundRows);
    }

    private Map<String, List<Map<String, String>>> byRound(String server) {
        Map<String, List<Map<String, String>>> r = new LinkedHashMap<>();
        for (Map<String, String> m : rows) {
            if (m.get("server").equals(server)) {
                r.computeIfAbsent(m.getOrDefault("round", "1"), k -> new ArrayList<>()).add(m);
            }
        }
        return r;
    }

    private Map<String, Double> perRound(String server, PerRound f) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (var e : byRound(server).entrySet()) {
            double v = f.of(e.getValue());
            if (!Double.isNaN(v)) {
                r.put(e.getKey(), v);
            }
        }
        return r;
    }

    private static Map<String, String> pick(List<Map<String, String>> rr, String scenario, String step) {
        Map<String, String> found = null;
        for (Map<String, String> m : rr) {
            if (m.get("scenario").equals(scenario) && m.get("step").equals(step)) {
                found = m;
            }
        }
        return found;
    }

    private static PerRound col(String scenario, String step, String column) {
        return rr -> d(pick(rr, scenario, step), column);
    }

    /** The highest sweep step sustained (deliveries/s); 0 when the sweep ran and none was. */
    private static final PerRound CAPACITY = rr -> {
        double best = Double.NaN;
        for (Map<String, String> m : rr) {
            if (m.get("scenario").equals("sweep")) {
                best = Double.isNaN(best) ? 0 : best;
                if (m.get("note").startsWith("sustained")) {
                    best = Math.max(best, d(m, "deliveries_per_s"));
                }
            }
        }
        return best;
    };

    /** One figure of the comparison: how to get it per round, which way is better, and the target for jdk-sse. */
    private record Figure(String label, PerRound f, boolean lowerBetter, String target) {
    }

    private List<Figure> figures() {
        List<Figure> fs = new ArrayList<>();
        fs.add(new Figure("CPU per delivery at 10k subscribers × 2 events/s (µs)", col("cost", "10000x2", "cpu_us_per_delivery"), true,
                "within 5% of floor-jdk; below every peer"));
        fs.add(new Figure("CPU per delivery at 1k subscribers × 10 events/s (µs)", col("cost", "1000x10", "cpu_us_per_delivery"), true,
                "within 5% of floor-jdk; below every peer"));
        fs.add(new Figure("Bytes allocated per delivery at 10k × 2 (JVM servers)", col("cost", "10000x2", "alloc_b_per_delivery"), true,
                "(steadier measure of work)"));
        fs.add(new Figure("Write syscalls per delivery at 10k × 2", col("cost", "10000x2", "syscw_per_delivery"), true,
                "(steadier measure of work)"));
        fs.add(new Figure("Fan-out capacity at 10k subscribers (deliveries/s sustained)", CAPACITY, false, ">= best peer"));
        fs.add(new Figure("p50 at 10k subscribers × 5 events/s (ms)", col("sweep", "5", "p50_ms"), true, "(figure)"));
        fs.add(new Figure("p99 at 10k subscribers × 5 events/s (ms)", col("sweep", "5", "p99_ms"), true, "<= best peer"));
        fs.add(new Figure("Publish round trip p99 at 10k × 5 (ms)", col("sweep", "5", "pub_p99_ms"), true, "(figure)"));
        fs.add(new Figure("p99 at 1k subscribers × 10 events/s (ms)", col("cost", "1000x10", "p99_ms"), true, "(figure)"));
        fs.add(new Figure("RSS per idle subscriber at 10k (KiB)", col("idle", "10000", "value"), true, "<= 1.15 × own live heap"));
        fs.add(new Figure("RSS per idle subscriber at 19k (KiB)", col("idle", "19000", "value"), true, "(figure)"));
        fs.add(new Figure("Live heap per idle subscriber (KiB, after a full GC)", rr -> {
            double v = d(pick(rr, "idle", "live"), "value");
            return v > 0 ? v : Double.NaN;
        }, true, "within 1 KiB of floor-jdk"));
        fs.add(new Figure("Idle CPU at the idle level (% of a core)", rr -> {
            for (Map<String, String> m : rr) {
                if (m.get("scenario").equals("idlecpu")) {
                    return d(m, "value");
                }
            }
            return Double.NaN;
        }, true, "<= the heartbeats' write cost"));
        fs.add(new Figure("RSS per idle subscriber at the top idle level, settled (KiB, IDLE_SETTLE s later)", col("idle", "settled", "value"), true,
                "<= 1.15 × own live heap"));
        return fs;
    }

    /**
     * Compares a with b over the rounds: "better" or "worse" when the whole spread of a is on one
     * side of the whole spread of b (times k), else "within noise".
     */
    static String compare(Spread a, Spread b, boolean lowerBetter, double k) {
        if (a.empty() || b.empty()) {
            return "-";
        }
        if (lowerBetter ? a.max() < b.min() * k : a.min() > b.max() * k) {
            return "better";
        }
        if (lowerBetter ? a.min() > b.max() * k : a.max() < b.min() * k) {
            return "worse";
        }
        return "within noise";
    }

    /** Median and spread of jdk-sse's value over the other server's, round by round. */
    private Spread ratio(PerRound f, String other) {
        Map<String, Double> j = perRound("jdksse", f);
        Map<String, Double> o = perRound(other, f);
        List<Double> r = new ArrayList<>();
        for (var e : j.entrySet()) {
            Double v = o.get(e.getKey());
            if (v != null && v != 0 && !v.isNaN() && !v.isInfinite()) {
                r.add(e.getValue() / v);
            }
        }
        return new Spread(r);
    }

    private Spread spread(String server, PerRound f) {
        return new Spread(new ArrayList<>(perRound(server, f).values()));
    }

    private static boolean peer(String s) {
        return !s.startsWith("jdksse") && !s.startsWith("floor");
    }

    /** jdk-sse's verdicts for the targets, each with its median, spread and reasoning. */
    private List<String[]> verdicts() {
        List<String[]> v = new ArrayList<>();
        if (!servers.contains("jdksse")) {
            return v;
        }
        List<Figure> fs = figures();
        for (Figure f : List.of(fs.get(0), fs.get(1))) {
            Spread j = spread("jdksse", f.f());
            if (servers.contains("floor-jdk")) {
                Spread fl = spread("floor-jdk", f.f());
                v.add(new String[] {f.label() + ": within 5% of floor-jdk", j.show() + " vs " + fl.show(),
                        verdict(compare(j, fl, true, 1.05))});
            }
            String worst = "met";
            List<String> parts = new ArrayList<>();
            for (String s : servers) {
                if (!peer(s)) {
                    continue;
                }
                String c = compare(j, spread(s, f.f()), true, 1);
                parts.add(c.equals("better") || c.equals("worse") ? "jdk-sse " + c + " than " + name(s) : name(s) + " " + c);
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
            Spread j = spread("jdksse", f.f());
            String best = null;
            for (String s : servers) {
                if (peer(s) && !spread(s, f.f()).empty()
                        && (best == null || (f.lowerBetter() ? spread(s, f.f()).median() < spread(best, f.f()).median()
                                : spread(s, f.f()).median() > spread(best, f.f()).median()))) {
                    best = s;
                }
            }
            if (best != null) {
                Spread b = spread(best, f.f());
                String c = compare(j, b, f.lowerBetter(), 1);
                v.add(new String[] {f.label() + ": at least the best peer (" + name(best) + ")", j.show() + " vs " + b.show(),
                        c.equals("worse") ? "**not met**" : c.equals("better") ? "**met**"
                                : "**within noise** (medians: " + ((f.lowerBetter() ? j.median() <= b.median() : j.median() >= b.median())
                                        ? "jdk-sse ahead" : "jdk-sse behind") + ")"});
            }
        }
        Figure live = fs.get(11);
        if (servers.contains("floor-jdk")) {
            Spread j = spread("jdksse", live.f());
            Spread fl = spread("floor-jdk", live.f());
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
        Spread r = new Spread(new ArrayList<>(perRound("jdksse", rr -> {
            double rss = d(pick(rr, "idle", step), "value");
            double lv = d(pick(rr, "idle", "live"), "value");
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

    private Path notes = Path.of("NOTES.md");

    private String markdown(Properties run) {
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
        for (String s : servers) {
            sb.append(' ').append(name(s)).append(" |");
        }
        sb.append("\n|---|---|").append("---|".repeat(servers.size())).append('\n');
        for (Figure f : figures()) {
            boolean any = servers.stream().anyMatch(s -> !spread(s, f.f()).empty());
            if (!any) {
                continue;
            }
            sb.append("| ").append(f.label()).append(" | ").append(f.target()).append(" |");
            for (String s : servers) {
                sb.append(' ').append(spread(s, f.f()).show()).append(" |");
            }
            sb.append('\n');
        }
        if (servers.contains("jdksse") && servers.size() > 1) {
            sb.append("\n## jdk-sse over each server (ratio per round: median [min–max]; comparison of the spreads)\n\n| figure |");
            for (String s : servers) {
                if (!s.equals("jdksse")) {
                    sb.append(' ').append(name(s)).append(" |");
                }
            }
            sb.append("\n|---|").append("---|".repeat(servers.size() - 1)).append('\n');
            for (Figure f : figures()) {
                if (spread("jdksse", f.f()).empty()) {
                    continue;
                }
                sb.append("| ").append(f.label()).append(" |");
                for (String s : servers) {
                    if (s.equals("jdksse")) {
                        continue;
                    }
                    Spread r = ratio(f.f(), s);
                    String c = compare(spread("jdksse", f.f()), spread(s, f.f()), f.lowerBetter(), 1);
                    sb.append(' ').append(r.empty() ? "-" : r.show().replace(" (1 round)", "") + " " + (c.equals("better") ? "(jdk-sse better)"
                            : c.equals("worse") ? "(jdk-sse worse)" : "(" + c + ")")).append(" |");
                }
                sb.append('\n');
            }
            sb.append("\nRatios are jdk-sse's value over the other server's in the same round (above 1 is better for capacity, below 1"
                    + " is better for CPU, latency and memory). *better*/*worse* means every round of one is on one side of every round of"
                    + " the other.\n");
        }
        if (Files.exists(notes)) {
            sb.append("\nRead [NOTES.md](NOTES.md) beside this file: what each figure does and does not show, and the profiles.\n");
        }
        sb.append("\n![p99 latency against deliveries per second](latency.png)\n\n![RSS per idle subscriber](memory.png)\n");
        sb.append("\n## Every row (every round)\n\n");
        String[] cols = {"server", "round", "scenario", "step", "subs", "rate", "pub_rate", "deliveries_per_s", "p50_ms", "p99_ms", "max_ms",
                "lost", "dups", "reordered", "errors", "rss_mib", "cpu_pct", "cpu_us_per_delivery", "syscw_per_delivery",
                "alloc_b_per_delivery", "pub_p99_ms", "value", "note"};
        sb.append("| ").append(String.join(" | ", cols)).append(" |\n|").append("---|".repeat(cols.length)).append('\n');
        for (String scen : List.of("idle", "cost", "sweep", "idlecpu", "latency", "single", "storm", "slow", "churn", "hold", "smoke")) {
            for (String s : servers) {
                for (Map<String, String> m : find(s, scen, x -> true)) {
                    sb.append("| ");
                    for (String c : cols) {
                        sb.append(c.equals("server") ? name(m.get(c)) : m.getOrDefault(c, "")).append(" | ");
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
        for (String s : servers) {
            Set<String> keys = new LinkedHashSet<>();
            for (Map<String, String> m : rows) {
                if (m.get("server").equals(s)) {
                    keys.add(m.get("scenario") + "\u0000" + m.get("step"));
                }
            }
            for (String k : keys) {
                String[] ks = k.split("\u0000");
                sb.append("| ").append(name(s)).append(" | ").append(ks[0]).append(" | ").append(ks[1]).append(" | ")
                        .append(rounds(s).size()).append(" |");
                for (String c : List.of("cpu_pct", "value", "cpu_us_per_delivery", "alloc_b_per_delivery", "deliveries_per_s", "p99_ms",
                        "rss_mib")) {
                    sb.append(' ').append(spread(s, col(ks[0], ks[1], c)).show().replace(" (1 round)", "")).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ charts

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private void latencyChart(Path file) throws IOException {
        int w = 1000, h = 620, left = 90, right = 210, top = 60, bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        double maxX = 1;
        double minY = 1, maxY = 1000;
        for (String s : servers) {
            for (Map<String, String> m : find(s, "sweep", x -> true)) {
                maxX = Math.max(maxX, d(m, "deliveries_per_s"));
                minY = Math.min(minY, Math.max(0.1, d(m, "p50_ms")));
                maxY = Math.max(maxY, d(m, "p99_ms"));
            }
        }
        maxX = niceCeil(maxX * 1.05);
        double lo = Math.pow(10, Math.floor(Math.log10(minY)));
        double hi = Math.pow(10, Math.ceil(Math.log10(maxY)));
        int pw = w - left - right, ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.setColor(Color.BLACK);
        g.drawString("Fan-out at 10k subscribers, 128-byte events: latency against deliveries/s", left, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        // axes and grid
        for (double y = lo; y <= hi * 1.001; y *= 10) {
            int py = top + ph - (int) Math.round((Math.log10(y) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * ph);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.BLACK);
            String label = y >= 1000 ? String.format(Locale.ROOT, "%.0f s", y / 1000)
                    : y < 1 ? String.format(Locale.ROOT, "%.1f ms", y) : String.format(Locale.ROOT, "%.0f ms", y);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), py + 5);
        }
        g.setColor(new Color(0xCC0000));
        int oneSec = top + ph - (int) Math.round((3 - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * ph);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        g.drawLine(left, oneSec, left + pw, oneSec);
        g.drawString("p99 limit 1 s", left + pw - 90, oneSec - 5);
        g.setStroke(new BasicStroke(1f));
        for (int i = 0; i <= 5; i++) {
            double x = maxX * i / 5;
            int px = left + (int) Math.round(x / maxX * pw);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(px, top, px, top + ph);
            g.setColor(Color.BLACK);
            String label = String.format(Locale.ROOT, "%,.0f", x);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, top + ph + 20);
        }
        g.drawRect(left, top, pw, ph);
        g.drawString("deliveries per second (events/s x subscribers received)", left + pw / 2 - 170, h - 22);
        Graphics2D gr = (Graphics2D) g.create();
        gr.rotate(-Math.PI / 2);
        gr.drawString("publish-to-receive latency (log)", -(top + ph / 2 + 100), 22);
        gr.dispose();
        int li = 0;
        for (String s : servers) {
            Color c = color(s, li);
            String shown = medianRound(s);
            for (String q : List.of("p99_ms", "p50_ms")) {
                Path2D path = new Path2D.Double();
                boolean first = true;
                for (Map<String, String> m : find(s, "sweep", x -> x.getOrDefault("round", "1").equals(shown))) {
                    double x = d(m, "deliveries_per_s"), y = Math.max(lo, d(m, q));
                    double px = left + x / maxX * pw;
                    double py = top + ph - (Math.log10(y) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * ph;
                    if (first) {
                        path.moveTo(px, py);
                        first = false;
                    } else {
                        path.lineTo(px, py);
                    }
                    g.setColor(c);
                    boolean ok = m.get("note").startsWith("sustained");
                    int r = 5;
                    if (ok) {
                        g.fillOval((int) px - r, (int) py - r, 2 * r, 2 * r);
                    } else {
                        g.drawLine((int) px - r, (int) py - r, (int) px + r, (int) py + r);
                        g.drawLine((int) px - r, (int) py + r, (int) px + r, (int) py - r);
                    }
                }
                g.setColor(c);
                g.setStroke(q.equals("p99_ms") ? new BasicStroke(2.2f)
                        : new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
                g.draw(path);
                g.setStroke(new BasicStroke(1f));
            }
            int ly = top + 10 + li * 24;
            g.setColor(c);
            g.fillRect(left + pw + 18, ly, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(name(s), left + pw + 38, ly + 12);
            li++;
        }
        int ly = top + 20 + li * 24;
        g.setColor(Color.DARK_GRAY);
        g.drawString("solid: p99, dashed: p50", left + pw + 18, ly + 12);
        g.drawString("dot: step sustained", left + pw + 18, ly + 32);
        g.drawString("x: step failed", left + pw + 18, ly + 52);
        g.drawString("each server: its round", left + pw + 18, ly + 80);
        g.drawString("of median capacity", left + pw + 18, ly + 96);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    /** The round whose fan-out capacity is the median of the server's rounds (the first when there is no sweep). */
    private String medianRound(String server) {
        Map<String, Double> cap = perRound(server, CAPACITY);
        if (cap.isEmpty()) {
            return "1";
        }
        double med = new Spread(new ArrayList<>(cap.values())).median();
        String best = null;
        for (var e : cap.entrySet()) {
            if (best == null || Math.abs(e.getValue() - med) < Math.abs(cap.get(best) - med)) {
                best = e.getKey();
            }
        }
        return best;
    }

    private void memoryChart(Path file) throws IOException {
        List<String> levels = new ArrayList<>();
        for (Map<String, String> m : rows) {
            String st = m.get("step");
            if (m.get("scenario").equals("idle") && st.matches("\\d+") && !st.equals("0") && !levels.contains(st)) {
                levels.add(st);
            }
        }
        levels.sort((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        int w = 1000, h = 560, left = 80, right = 210, top = 60, bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        double maxY = 10;
        for (String s : servers) {
            for (String l : levels) {
                double v = spread(s, col("idle", l, "value")).median();
                maxY = Double.isNaN(v) ? maxY : Math.max(maxY, v);
            }
        }
        maxY = niceCeil(maxY * 1.1);
        int pw = w - left - right, ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.setColor(Color.BLACK);
        g.drawString("Memory per idle subscriber: (RSS at N - RSS at 0) / N, median of the rounds", left, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i <= 5; i++) {
            double y = maxY * i / 5;
            int py = top + ph - (int) Math.round(y / maxY * ph);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.BLACK);
            String label = fmt(y) + " KiB";
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), py + 5);
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        int groups = Math.max(1, levels.size());
        double gw = pw / (double) groups;
        double bw = gw * 0.8 / Math.max(1, servers.size());
        for (int li = 0; li < levels.size(); li++) {
            String l = levels.get(li);
            g.setColor(Color.BLACK);
            String label = String.format(Locale.ROOT, "%,d subscribers", Integer.parseInt(l));
            g.drawString(label, (int) (left + gw * li + gw / 2 - g.getFontMetrics().stringWidth(label) / 2.0), top + ph + 20);
            for (int si = 0; si < servers.size(); si++) {
                double v = spread(servers.get(si), col("idle", l, "value")).median();
                if (Double.isNaN(v)) {
                    continue;
                }
                int x = (int) (left + gw * li + gw * 0.1 + bw * si);
                int bh = (int) Math.round(Math.max(0, v) / maxY * ph);
                g.setColor(color(servers.get(si), si));
                g.fillRect(x, top + ph - bh, (int) bw - 2, bh);
                g.setColor(Color.BLACK);
                String t = fmt(v);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(t, x + (int) (bw / 2) - g.getFontMetrics().stringWidth(t) / 2 - 1, top + ph - bh - 4);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            }
        }
        for (int si = 0; si < servers.size(); si++) {
            int ly = top + 10 + si * 24;
            g.setColor(color(servers.get(si), si));
            g.fillRect(left + pw + 18, ly, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(name(servers.get(si)), left + pw + 38, ly + 12);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
