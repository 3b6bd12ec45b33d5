import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summarizes the cluster benchmark's rows: per configuration the median of each round with its
 * spread (min to max), and the ratio cluster / memory of each round (rounds interleave A B, so a
 * ratio compares neighbours in time), as a median with its spread; with a {@code cluster-base}
 * configuration (an older build), also its ratio to memory and cluster / cluster-base.
 *
 * <pre>java -cp build/bench-cluster ClusterReport rows.csv results.md "machine line"</pre>
 */
public final class ClusterReport {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        List<String> head = List.of(lines.get(0).split(","));
        Map<String, Map<String, String[]>> byLabel = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            byLabel.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], f);
        }
        String[] metrics = {"p50_ms", "p99_ms", "cpu_us_per_delivery", "server_cpu_pct"};
        StringBuilder md = new StringBuilder();
        md.append("# cluster: three hubs on one Redis against one in-memory hub\n\n");
        if (args.length > 2) {
            md.append(args[2]).append("\n\n");
        }
        md.append("| configuration | rounds | p50 ms | p99 ms | server CPU per delivery (us) | server CPU % | lost | dups |\n|---|---|---|---|---|---|---|---|\n");
        for (var e : byLabel.entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().size());
            for (String m : metrics) {
                md.append(" | ").append(summary(values(e.getValue().values(), head.indexOf(m))));
            }
            md.append(" | ").append((long) sum(values(e.getValue().values(), head.indexOf("lost"))));
            md.append(" | ").append((long) sum(values(e.getValue().values(), head.indexOf("dups")))).append(" |\n");
        }
        ratios(md, byLabel, head, metrics, "cluster", "memory");
        ratios(md, byLabel, head, metrics, "cluster-base", "memory");
        ratios(md, byLabel, head, metrics, "cluster", "cluster-base");
        Files.writeString(Path.of(args[1]), md.toString());
        System.out.print(md);
    }

    /** Appends the ratio y / x of each round that has both, per metric, when both configurations ran. */
    private static void ratios(StringBuilder md, Map<String, Map<String, String[]>> byLabel, List<String> head,
                               String[] metrics, String y, String x) {
        Map<String, String[]> a = byLabel.get(x);
        Map<String, String[]> b = byLabel.get(y);
        if (a == null || b == null) {
            return;
        }
        md.append("\nRatios ").append(y).append(" / ").append(x)
                .append(", per round, median (min to max):\n\n| metric | ratio |\n|---|---|\n");
        for (String m : metrics) {
            int col = head.indexOf(m);
            List<Double> ratios = new ArrayList<>();
            for (var round : a.keySet()) {
                if (b.containsKey(round)) {
                    double denominator = Double.parseDouble(a.get(round)[col]);
                    if (denominator > 0) {
                        ratios.add(Double.parseDouble(b.get(round)[col]) / denominator);
                    }
                }
            }
            md.append("| ").append(m).append(" | ").append(summary(ratios)).append(" |\n");
        }
    }

    private static List<Double> values(Iterable<String[]> rows, int col) {
        List<Double> out = new ArrayList<>();
        for (String[] r : rows) {
            if (!r[col].isEmpty()) {
                out.add(Double.parseDouble(r[col]));
            }
        }
        return out;
    }

    private static double sum(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The median and the spread: "1.23 (1.10-1.40)". */
    private static String summary(List<Double> v) {
        if (v.isEmpty()) {
            return "n/a";
        }
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", median, s.get(0), s.get(n - 1));
    }
}
