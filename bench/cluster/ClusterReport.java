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
 * ratio compares neighbours in time), as a median with its spread.
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
        Map<String, String[]> a = byLabel.get("memory");
        Map<String, String[]> b = byLabel.get("cluster");
        if (a != null && b != null) {
            md.append("\nRatios cluster / memory, per round, median (min to max):\n\n| metric | ratio |\n|---|---|\n");
            for (String m : metrics) {
                int col = head.indexOf(m);
                List<Double> ratios = new ArrayList<>();
                for (var round : a.keySet()) {
                    if (b.containsKey(round)) {
                        double x = Double.parseDouble(a.get(round)[col]);
                        double y = Double.parseDouble(b.get(round)[col]);
                        if (x > 0) {
                            ratios.add(y / x);
                        }
                    }
                }
                md.append("| ").append(m).append(" | ").append(summary(ratios)).append(" |\n");
            }
        }
        Files.writeString(Path.of(args[1]), md.toString());
        System.out.print(md);
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
