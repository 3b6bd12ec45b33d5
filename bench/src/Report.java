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
    private static final String[] ORDER = {"jdksse", "go", "node", "helidon", "spring"};
    private static final Map<String, String> NAMES = Map.of("jdksse", "jdk-sse", "go", "Go net/http", "node", "Node.js http",
            "helidon", "Helidon 4 SE", "spring", "Spring MVC SseEmitter");
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
        return NAMES.getOrDefault(s, s);
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

    private Map<String, String> one(String server, String scenario, String step) {
        List<Map<String, String>> r = find(server, scenario, m -> m.get("step").equals(step));
        return r.isEmpty() ? null : r.get(r.size() - 1);
    }

    private static double d(Map<String, String> m, String col) {
        if (m == null) {
            return Double.NaN;
        }
        String v = m.get(col);
        return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    /** One metric of the target table: a value per server and whether lower is better. */
    private record Metric(String label, String target, boolean lowerBetter, Map<String, Double> values, Predicate<Double> met,
            boolean ratio) {
        Metric(String label, String target, boolean lowerBetter, Map<String, Double> values, Predicate<Double> met) {
            this(label, target, lowerBetter, values, met, true);
        }
    }

    private List<Metric> metrics() {
        List<Metric> ms = new ArrayList<>();
        Map<String, Double> cap = new LinkedHashMap<>();
        Map<String, Double> p50 = new LinkedHashMap<>();
        Map<String, Double> p99 = new LinkedHashMap<>();
        Map<String, Double> lat1k = new LinkedHashMap<>();
        Map<String, Double> single = new LinkedHashMap<>();
        Map<String, Double> idle10k = new LinkedHashMap<>();
        Map<String, Double> idleMax = new LinkedHashMap<>();
        Map<String, Double> storm = new LinkedHashMap<>();
        Map<String, Double> slowRise = new LinkedHashMap<>();
        Map<String, Double> slowMem = new LinkedHashMap<>();
        Map<String, Double> churnFd = new LinkedHashMap<>();
        Map<String, Double> churnHeap = new LinkedHashMap<>();
        Map<String, Double> liveHeap = new LinkedHashMap<>();
        for (String s : servers) {
            double best = Double.NaN;
            for (Map<String, String> m : find(s, "sweep", m -> m.get("note").startsWith("sustained"))) {
                best = Double.isNaN(best) ? d(m, "deliveries_per_s") : Math.max(best, d(m, "deliveries_per_s"));
            }
            cap.put(s, Double.isNaN(best) ? 0 : best);
            Map<String, String> five = one(s, "sweep", "5");
            p50.put(s, d(five, "p50_ms"));
            p99.put(s, d(five, "p99_ms"));
            lat1k.put(s, d(one(s, "latency", "10ev/s"), "p99_ms"));
            single.put(s, d(one(s, "single", "100ev/s"), "p99_ms"));
            idle10k.put(s, d(one(s, "idle", "10000"), "value"));
            idleMax.put(s, d(one(s, "idle", "19000"), "value"));
            Map<String, String> st = one(s, "storm", "19000");
            storm.put(s, st == null ? Double.NaN : d(st, "errors") + d(st, "lost") > 0 || d(st, "subs") < 19000 ? Double.POSITIVE_INFINITY
                    : d(st, "value"));
            slowRise.put(s, d(one(s, "slow", "1%-stalled"), "value"));
            slowMem.put(s, d(one(s, "slow", "1%-stalled-later"), "value"));
            List<Map<String, String>> ch = find(s, "churn", m -> !m.get("step").equals("before"));
            churnFd.put(s, ch.isEmpty() ? Double.NaN : d(ch.get(ch.size() - 1), "value"));
            java.util.regex.Matcher hm = java.util.regex.Pattern.compile("heap KiB (-?\\d+)->(-?\\d+)")
                    .matcher(ch.isEmpty() ? "" : ch.get(ch.size() - 1).get("note"));
            churnHeap.put(s, hm.find() && !hm.group(1).equals("-1")
                    ? (Long.parseLong(hm.group(2)) - Long.parseLong(hm.group(1))) / 1024.0 : Double.NaN);
            java.util.regex.Matcher lm = java.util.regex.Pattern.compile("= ([0-9.]+) KiB per subscriber")
                    .matcher(Objects.toString(one(s, "idle", "check") == null ? "" : one(s, "idle", "check").get("note")));
            liveHeap.put(s, lm.find() && Double.parseDouble(lm.group(1)) > 0 ? Double.parseDouble(lm.group(1)) : Double.NaN);
        }
        ms.add(new Metric("Fan-out capacity, 10k subscribers (deliveries/s, no loss, p99 < 1 s)", ">= 1.5 x best peer", false, cap,
                v -> v >= 1.5 * bestPeer(cap, false)));
        ms.add(new Metric("p50 at 10k subscribers, 5 events/s (ms)", "<= best peer", true, p50, v -> v <= bestPeer(p50, true)));
        ms.add(new Metric("p99 at 10k subscribers, 5 events/s (ms)", "<= best peer", true, p99, v -> v <= bestPeer(p99, true)));
        ms.add(new Metric("p99 at 1k subscribers, 10 events/s (ms)", "<= 20 ms", true, lat1k, v -> v <= 20));
        ms.add(new Metric("p99 at 1 subscriber, 100 events/s (ms)", "<= 2 ms", true, single, v -> v <= 2));
        ms.add(new Metric("RSS per idle subscriber at 10k (KiB)", "<= 40 KiB", true, idle10k, v -> v <= 40));
        ms.add(new Metric("RSS per idle subscriber at 19k (KiB)", "<= 40 KiB", true, idleMax, v -> v <= 40));
        ms.add(new Metric("Live Java heap per idle subscriber after a full GC, at the largest level (KiB)", "(the floor)", true,
                liveHeap, null, true));
        ms.add(new Metric("Connect storm, 19k subscribers (s to the last first byte)", "<= 10 s", true, storm, v -> v <= 10));
        ms.add(new Metric("Slow readers: healthy p99 rise with 1% stalled (%)", "<= 20 %", true, slowRise, v -> v <= 20, false));
        ms.add(new Metric("Slow readers: RSS growth over the longer stalled phase (MiB)", "bounded (<= 100 stalled x 1 MiB queue)", true, slowMem, v -> v <= 100, false));
        ms.add(new Metric("Churn: server descriptors left after the cycles", "0 growth", true, churnFd, v -> v <= 2, false));
        ms.add(new Metric("Churn: live Java heap growth after the cycles and a full GC (MiB)", "0 growth (<= 8 MiB)", true, churnHeap,
                v -> v <= 8, false));
        return ms;
    }

    private double bestPeer(Map<String, Double> values, boolean lowerBetter) {
        double best = lowerBetter ? Double.POSITIVE_INFINITY : 0;
        for (var e : values.entrySet()) {
            if (e.getKey().equals("jdksse") || e.getKey().startsWith("jdksse") || e.getValue().isNaN()) {
                continue;
            }
            best = lowerBetter ? Math.min(best, e.getValue()) : Math.max(best, e.getValue());
        }
        return best;
    }

    private static String fmt(double v) {
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
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private Path notes = Path.of("NOTES.md");

    private String markdown(Properties run) {
        StringBuilder sb = new StringBuilder();
        sb.append("# jdk-sse benchmark results\n\n");
        sb.append("- date: ").append(run.getProperty("date", "?")).append('\n');
        sb.append("- machine: ").append(run.getProperty("machine", "?")).append('\n');
        sb.append("- command: `").append(run.getProperty("command", "?")).append("`\n");
        sb.append("- jdk-sse JVM flags: `").append(run.getProperty("jdksse_opts", "?")).append("`; Helidon and Spring: ")
                .append(run.getProperty("peer_jvm_opts", "?")).append('\n');
        sb.append("- server pinned to CPU 0, load generator to CPU 1 (taskset); the run took ").append(run.getProperty("seconds", "?"))
                .append(" s. The machine is shared with other work: compare servers within this run, not with other runs.\n\n");
        sb.append("## Targets (jdk-sse against each peer, same run)\n\n");
        sb.append("| metric | target |");
        for (String s : servers) {
            sb.append(' ').append(name(s)).append(" |");
        }
        sb.append(" jdk-sse met? | jdk-sse / peer |\n|---|---|");
        sb.append("---|".repeat(servers.size())).append("---|---|\n");
        for (Metric m : metrics()) {
            sb.append("| ").append(m.label()).append(" | ").append(m.target()).append(" |");
            for (String s : servers) {
                sb.append(' ').append(fmt(m.values().getOrDefault(s, Double.NaN))).append(" |");
            }
            Double j = m.values().get("jdksse");
            boolean have = j != null && !j.isNaN();
            sb.append(' ').append(!have ? "not run" : m.met() == null ? "(figure)" : m.met().test(j) ? "**met**" : "not met").append(" |");
            List<String> ratios = new ArrayList<>();
            for (String s : servers) {
                if (s.equals("jdksse") || !have || !m.ratio()) {
                    continue;
                }
                Double p = m.values().getOrDefault(s, Double.NaN);
                if (!p.isNaN() && !Double.isInfinite(p) && p != 0 && !Double.isInfinite(j)) {
                    ratios.add(name(s).split(" ")[0] + " " + String.format(Locale.ROOT, "%.2f", j / p));
                }
            }
            sb.append(' ').append(String.join(", ", ratios)).append(" |\n");
        }
        sb.append("\nRatios are jdk-sse's value over the peer's (above 1 is better for capacity, below 1 is better for"
                + " latency and memory).\n");
        if (Files.exists(notes)) {
            sb.append("\nRead [NOTES.md](NOTES.md) beside this file: what each figure does and does not show, and the profile.\n");
        }
        sb.append("\n![p99 latency against deliveries per second](latency.png)\n\n![RSS per idle subscriber](memory.png)\n");
        sb.append("\n## Every row\n\n");
        String[] cols = {"server", "scenario", "step", "subs", "rate", "event_bytes", "published", "pub_rate", "deliveries_per_s", "p50_ms",
                "p99_ms", "p999_ms", "max_ms", "lost", "dups", "reordered", "errors", "rss_mib", "cpu_pct", "value", "note"};
        sb.append("| ").append(String.join(" | ", cols)).append(" |\n|").append("---|".repeat(cols.length)).append('\n');
        for (String scen : List.of("idle", "sweep", "latency", "single", "storm", "slow", "churn", "hold", "smoke")) {
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
                + " (a server that slows the publisher pays for it); `lost` = deliveries that never arrived within the drain"
                + " window; `cpu_pct` = the server's CPU over the step (100 = the whole core); `value` is the scenario's headline"
                + " figure named in `note`.\n");
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
            for (String q : List.of("p99_ms", "p50_ms")) {
                Path2D path = new Path2D.Double();
                boolean first = true;
                for (Map<String, String> m : find(s, "sweep", x -> true)) {
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
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
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
        double maxY = 40;
        for (String s : servers) {
            for (String l : levels) {
                maxY = Math.max(maxY, d(one(s, "idle", l), "value"));
            }
        }
        maxY = niceCeil(maxY * 1.1);
        int pw = w - left - right, ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.setColor(Color.BLACK);
        g.drawString("Memory per idle subscriber: (RSS at N - RSS at 0) / N", left, 32);
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
        int target = top + ph - (int) Math.round(40 / maxY * ph);
        g.setColor(new Color(0xCC0000));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        g.drawLine(left, target, left + pw, target);
        g.drawString("- - jdk-sse target: 40 KiB", left + pw + 18, top + 20 + servers.size() * 24 + 12);
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
                double v = d(one(servers.get(si), "idle", l), "value");
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
