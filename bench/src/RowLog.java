import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** The rows of one run of the load generator: each printed on a line and appended to the CSV. */
final class RowLog {
    static final String COLUMNS = "server,round,scenario,step,subs,rate,event_bytes,seconds,published,pub_rate,deliveries,"
            + "deliveries_per_s,p50_ms,p99_ms,p999_ms,max_ms,lost,dups,reordered,errors,rss_mib,cpu_pct,"
            + "cpu_us_per_delivery,syscw_per_delivery,alloc_b_per_delivery,pub_p99_ms,value,note";

    private final String server;
    private final String round;
    private final Path csv;

    /** Rows of the server's round, appended to csv, or printed only when csv is null. */
    RowLog(String server, String round, Path csv) {
        this.server = server;
        this.round = round;
        this.csv = csv;
    }

    /** Prints one step's figures and appends them to the CSV, when there is one (a comma in the note becomes ";"). */
    void row(String scen, String step, Result r, String note) throws IOException {
        String line = String.join(",", server, round, scen, step, String.valueOf(r.subs), String.valueOf(r.rate), String.valueOf(r.size),
                f(r.seconds), String.valueOf(r.published), f(r.pubRate), String.valueOf(r.deliveries), f(r.deliveriesPerSec),
                ms(r.p50), ms(r.p99), ms(r.p999), ms(r.max), String.valueOf(r.lost), String.valueOf(r.dups),
                String.valueOf(r.reordered), String.valueOf(r.errors), f(r.rssKib / 1024.0), f(r.cpuPct), f(r.cpuUs), f(r.syscw),
                f(r.allocB), f(r.pubP99), f(r.value), note.replace(',', ';'));
        System.out.printf(Locale.ROOT, "  %-8s r%s %-7s %-9s subs=%d rate=%d deliv/s=%.0f p50=%s p99=%s max=%s lost=%d dups=%d "
                        + "reord=%d err=%d rss=%.1fMiB cpu=%s us/deliv=%s syscw/deliv=%s B/deliv=%s pubp99=%s value=%s %s%n", server, round,
                scen, step, r.subs, r.rate, r.deliveriesPerSec, ms(r.p50), ms(r.p99), ms(r.max), r.lost, r.dups, r.reordered, r.errors,
                r.rssKib / 1024.0, f(r.cpuPct), f(r.cpuUs), f(r.syscw), f(r.allocB), f(r.pubP99), f(r.value), note);
        if (csv != null) {
            if (!Files.exists(csv)) {
                Files.writeString(csv, COLUMNS + "\n");
            }
            Files.writeString(csv, line + "\n", StandardOpenOption.APPEND);
        }
    }

    private static String f(double d) {
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.2f", d);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
