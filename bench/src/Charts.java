import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The two charts of bench/results, drawn with Java2D: p99/p50 latency against deliveries per second
 * in the fan-out sweep, and memory per idle subscriber.
 */
final class Charts {
    private static final Color[] COLORS = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD),
            new Color(0xFF7F0E), new Color(0x8C564B), new Color(0x17BECF), new Color(0x7F7F7F)};

    private final Rows rows;

    Charts(Rows rows) {
        this.rows = rows;
    }

    /** Returns a server's colour: fixed for the known ones, so every chart of every run reads the same. */
    private static Color color(String server, int index) {
        int i = Rows.ORDER.indexOf(server);
        return COLORS[i >= 0 ? i : (Rows.ORDER.size() + index) % COLORS.length];
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** p99 and p50 against deliveries per second over the sweep, each server in its round of median capacity. */
    void latencyChart(Path file) throws IOException {
        int w = 1000, h = 620, left = 90, right = 210, top = 60, bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        double maxX = 1;
        double minY = 1, maxY = 1000;
        for (String s : rows.servers) {
            for (Map<String, String> m : rows.find(s, "sweep", x -> true)) {
                maxX = Math.max(maxX, Rows.d(m, "deliveries_per_s"));
                minY = Math.min(minY, Math.max(0.1, Rows.d(m, "p50_ms")));
                maxY = Math.max(maxY, Rows.d(m, "p99_ms"));
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
        for (String s : rows.servers) {
            Color c = color(s, li);
            String shown = rows.medianRound(s);
            for (String q : List.of("p99_ms", "p50_ms")) {
                Path2D path = new Path2D.Double();
                boolean first = true;
                for (Map<String, String> m : rows.find(s, "sweep", x -> x.getOrDefault("round", "1").equals(shown))) {
                    double x = Rows.d(m, "deliveries_per_s"), y = Math.max(lo, Rows.d(m, q));
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
            g.drawString(Rows.name(s), left + pw + 38, ly + 12);
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

    /** RSS per idle subscriber at each idle level, the median of each server's rounds. */
    void memoryChart(Path file) throws IOException {
        List<String> levels = new ArrayList<>();
        for (Map<String, String> m : rows.all) {
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
        for (String s : rows.servers) {
            for (String l : levels) {
                double v = rows.spread(s, Rows.col("idle", l, "value")).median();
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
            String label = Spread.fmt(y) + " KiB";
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), py + 5);
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        int groups = Math.max(1, levels.size());
        double gw = pw / (double) groups;
        double bw = gw * 0.8 / Math.max(1, rows.servers.size());
        for (int li = 0; li < levels.size(); li++) {
            String l = levels.get(li);
            g.setColor(Color.BLACK);
            String label = String.format(Locale.ROOT, "%,d subscribers", Integer.parseInt(l));
            g.drawString(label, (int) (left + gw * li + gw / 2 - g.getFontMetrics().stringWidth(label) / 2.0), top + ph + 20);
            for (int si = 0; si < rows.servers.size(); si++) {
                double v = rows.spread(rows.servers.get(si), Rows.col("idle", l, "value")).median();
                if (Double.isNaN(v)) {
                    continue;
                }
                int x = (int) (left + gw * li + gw * 0.1 + bw * si);
                int bh = (int) Math.round(Math.max(0, v) / maxY * ph);
                g.setColor(color(rows.servers.get(si), si));
                g.fillRect(x, top + ph - bh, (int) bw - 2, bh);
                g.setColor(Color.BLACK);
                String t = Spread.fmt(v);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(t, x + (int) (bw / 2) - g.getFontMetrics().stringWidth(t) / 2 - 1, top + ph - bh - 4);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            }
        }
        for (int si = 0; si < rows.servers.size(); si++) {
            int ly = top + 10 + si * 24;
            g.setColor(color(rows.servers.get(si), si));
            g.fillRect(left + pw + 18, ly, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(Rows.name(rows.servers.get(si)), left + pw + 38, ly + 12);
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
