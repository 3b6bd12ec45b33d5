/**
 * A log-linear latency histogram in the manner of HdrHistogram: values below 128 get a bucket each,
 * above that every power of two is split into 64 buckets, so a reported value is within 1/64 (1.6%)
 * of the true one. Values are nanoseconds; one histogram is written by one thread.
 */
final class Histogram {
    private static final int SUB_BITS = 7;              // 128 linear buckets at the bottom
    private static final int HALF = 1 << (SUB_BITS - 1); // 64 buckets per power of two above
    private static final int BUCKETS = (1 << SUB_BITS) + 57 * HALF;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;
    private long min = Long.MAX_VALUE;
    private double sum;

    void record(long value) {
        if (value < 0) {
            value = 0; // a clock read on another core can be a hair behind; never a real negative delay
        }
        counts[index(value)]++;
        total++;
        sum += value;
        if (value > max) {
            max = value;
        }
        if (value < min) {
            min = value;
        }
    }

    void add(Histogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
        min = Math.min(min, other.min);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /** Returns the value at the given quantile (0..1): the upper edge of its bucket, never above the maximum seen. */
    long quantile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upper(i), max);
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < (1 << SUB_BITS)) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - (SUB_BITS - 1);
        int sub = (int) (v >>> shift); // in [64, 128)
        int i = (1 << SUB_BITS) + (shift - 1) * HALF + (sub - HALF);
        return Math.min(i, BUCKETS - 1);
    }

    static long upper(int i) {
        if (i < (1 << SUB_BITS)) {
            return i;
        }
        int shift = (i - (1 << SUB_BITS)) / HALF + 1;
        int sub = (i - (1 << SUB_BITS)) % HALF + HALF;
        return (((long) sub + 1) << shift) - 1;
    }
}
