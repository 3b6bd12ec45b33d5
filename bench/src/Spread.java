import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A figure over the rounds: every round's value, its median, min and max, and the method's rule for
 * comparing two of them (DESIGN.md, "Measuring").
 */
record Spread(List<Double> values) {
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

    /** "median [min–max]", or the one value with "(1 round)", or "-" when nothing was measured. */
    String show() {
        if (values.isEmpty()) {
            return "-";
        }
        if (values.size() == 1) {
            return fmt(median()) + " (1 round)";
        }
        return fmt(median()) + " [" + fmt(min()) + "–" + fmt(max()) + "]";
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

    /** A figure with as many digits as its size needs: 12,345, 123, 12.3, 1.23. */
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
}
