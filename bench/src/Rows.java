import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The load generator's CSV as Report and Charts read it: every row as a map from column to value,
 * the servers in a fixed order, and each figure per round.
 */
final class Rows {
    /** The known servers in the order every table and chart shows them; others follow in the CSV's order. */
    static final List<String> ORDER = List.of("jdksse", "floor-jdk", "floor-nio", "go", "node", "helidon", "spring");
    private static final Map<String, String> NAMES = Map.of("jdksse", "jdk-sse", "go", "Go net/http", "node", "Node.js http",
            "helidon", "Helidon 4 SE", "spring", "Spring SseEmitter", "floor-jdk", "floor-jdk", "floor-nio", "floor-nio");

    /** A figure of one round, from that round's rows of one server. */
    interface PerRound {
        /** The figure of one round from that round's rows of one server, NaN when it was not measured. */
        double of(List<Map<String, String>> roundRows);
    }

    /** The highest sweep step sustained, at either try (deliveries/s); 0 when the sweep ran and none was. */
    static final PerRound CAPACITY = rr -> {
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

    final List<Map<String, String>> all = new ArrayList<>();
    final List<String> servers = new ArrayList<>();

    private Rows() {
    }

    /** Reads a CSV written by LoadGen (a repeated header line, as in a concatenation of runs, is skipped). */
    static Rows load(Path csv) throws IOException {
        Rows r = new Rows();
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
            r.all.add(m);
            seen.add(m.get("server"));
        }
        for (String s : ORDER) {
            if (seen.remove(s)) {
                r.servers.add(s);
            }
        }
        r.servers.addAll(seen);
        return r;
    }

    /** The name a reader knows a server by; "+hb" marks a peer run with a comment heartbeat. */
    static String name(String s) {
        String base = s.endsWith("+hb") ? s.substring(0, s.length() - 3) : s;
        return NAMES.getOrDefault(base, base) + (base.equals(s) ? "" : " +hb");
    }

    static boolean peer(String s) {
        return !s.startsWith("jdksse") && !s.startsWith("floor");
    }

    List<Map<String, String>> find(String server, String scenario, Predicate<Map<String, String>> p) {
        List<Map<String, String>> r = new ArrayList<>();
        for (Map<String, String> m : all) {
            if (m.get("server").equals(server) && m.get("scenario").equals(scenario) && p.test(m)) {
                r.add(m);
            }
        }
        return r;
    }

    /** A column as a number: NaN when the row or the value is missing. */
    static double d(Map<String, String> m, String col) {
        if (m == null) {
            return Double.NaN;
        }
        String v = m.get(col);
        return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    /** The last row of one round with this scenario and step, or null. */
    static Map<String, String> pick(List<Map<String, String>> rr, String scenario, String step) {
        Map<String, String> found = null;
        for (Map<String, String> m : rr) {
            if (m.get("scenario").equals(scenario) && m.get("step").equals(step)) {
                found = m;
            }
        }
        return found;
    }

    static PerRound col(String scenario, String step, String column) {
        return rr -> d(pick(rr, scenario, step), column);
    }

    /** The rounds present for a server, in order. */
    List<String> rounds(String server) {
        return new ArrayList<>(byRound(server).keySet());
    }

    private Map<String, List<Map<String, String>>> byRound(String server) {
        Map<String, List<Map<String, String>>> r = new LinkedHashMap<>();
        for (Map<String, String> m : all) {
            if (m.get("server").equals(server)) {
                r.computeIfAbsent(m.getOrDefault("round", "1"), k -> new ArrayList<>()).add(m);
            }
        }
        return r;
    }

    /** The figure of each round the server measured it in, by round. */
    Map<String, Double> perRound(String server, PerRound f) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (var e : byRound(server).entrySet()) {
            double v = f.of(e.getValue());
            if (!Double.isNaN(v)) {
                r.put(e.getKey(), v);
            }
        }
        return r;
    }

    Spread spread(String server, PerRound f) {
        return new Spread(new ArrayList<>(perRound(server, f).values()));
    }

    /** Median and spread of jdk-sse's value over the other server's, round by round. */
    Spread ratio(PerRound f, String other) {
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

    /** The round whose fan-out capacity is the median of the server's rounds (the first when there is no sweep). */
    String medianRound(String server) {
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
}
