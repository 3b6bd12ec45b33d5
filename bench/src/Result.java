/** The figures of one measured step, as one row of the CSV shows them; NaN or 0 where not measured. */
final class Result {
    int subs;
    int rate;
    int size;
    double seconds;
    long published;
    double pubRate;
    long deliveries;
    double deliveriesPerSec;
    long p50;
    long p99;
    long p999;
    long max;
    long lost;
    long dups;
    long reordered;
    long errors;
    long rssKib;
    double cpuPct = Double.NaN;
    double cpuUs = Double.NaN;
    double syscw = Double.NaN;
    double allocB = Double.NaN;
    double pubP99 = Double.NaN;
    double value = Double.NaN;
    long lastAt;
}
