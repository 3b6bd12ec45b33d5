package org.jdksse.hub;

import java.util.Map;
import java.util.TreeMap;
import org.jdksse.Broadcaster;
import org.jdksse.EventLog;

/**
 * The broadcaster's counters as {@code /stats} JSON and as {@code /metrics} in the Prometheus
 * text format 0.0.4, written by hand (the JDK has no JSON writer). Topic names come from clients,
 * so every one is escaped; maps are sorted so that two snapshots are easy to compare.
 */
final class StatsFormat {
    /** The content type Prometheus expects for its text format. */
    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private StatsFormat() {
    }

    /** The most topics shown: each subscriber may name 64, and the output must stay a page, not a dump. */
    static final int MAX_TOPICS_SHOWN = 1000;

    /** Returns the topics with the most subscribers, at most {@link #MAX_TOPICS_SHOWN}, sorted by name. */
    static Map<String, Integer> busiest(Map<String, Integer> topics) {
        if (topics.size() <= MAX_TOPICS_SHOWN) {
            return new TreeMap<>(topics);
        }
        Map<String, Integer> shown = new TreeMap<>();
        topics.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).limit(MAX_TOPICS_SHOWN)
                .forEach(e -> shown.put(e.getKey(), e.getValue()));
        return shown;
    }

    static String json(Broadcaster.Stats stats) {
        StringBuilder out = new StringBuilder(128);
        out.append("{\"subscribers\":").append(stats.subscribers()).append(",\"topics\":{");
        String comma = "";
        Map<String, Integer> shown = busiest(stats.topics());
        for (var topic : shown.entrySet()) {
            out.append(comma);
            JsonString.ASCII.append(out, topic.getKey()).append(':').append(topic.getValue());
            comma = ",";
        }
        out.append('}');
        if (shown.size() < stats.topics().size()) {
            // Only then: the document is as it always was below the cap.
            out.append(",\"topicsNotShown\":").append(stats.topics().size() - shown.size());
        }
        out.append(",\"published\":").append(stats.published())
                .append(",\"delivered\":").append(stats.delivered())
                .append(",\"dropped\":{");
        comma = "";
        for (var reason : new TreeMap<>(stats.dropped()).entrySet()) {
            out.append(comma);
            JsonString.ASCII.append(out, reason.getKey()).append(':').append(reason.getValue());
            comma = ",";
        }
        out.append("},\"pruned\":").append(stats.pruned());
        EventLog.Status log = stats.log();
        if (log != null) {
            out.append(",\"log\":{\"connected\":").append(log.reachable()).append(",\"reason\":");
            if (log.reason() == null) {
                out.append("null");
            } else {
                JsonString.ASCII.append(out, log.reason());
            }
            out.append(",\"lag\":").append(log.lag()).append(",\"reconnects\":").append(log.reconnects()).append('}');
        }
        return out.append("}\n").toString();
    }

    static String prometheus(Broadcaster.Stats stats) {
        StringBuilder out = new StringBuilder(512);
        family(out, "jdksse_subscribers", "gauge", "Open event streams.");
        out.append("jdksse_subscribers ").append(stats.subscribers()).append('\n');
        family(out, "jdksse_topic_subscribers", "gauge", "Open event streams per topic.");
        labelled(out, "jdksse_topic_subscribers", "topic", busiest(stats.topics()));
        if (stats.topics().size() > MAX_TOPICS_SHOWN) {
            family(out, "jdksse_topics_not_shown", "gauge", "Topics with subscribers beyond the " + MAX_TOPICS_SHOWN + " busiest shown.");
            out.append("jdksse_topics_not_shown ").append(stats.topics().size() - MAX_TOPICS_SHOWN).append('\n');
        }
        family(out, "jdksse_published_total", "counter", "Events published.");
        out.append("jdksse_published_total ").append(stats.published()).append('\n');
        family(out, "jdksse_delivered_total", "counter", "Events written to subscribers.");
        out.append("jdksse_delivered_total ").append(stats.delivered()).append('\n');
        family(out, "jdksse_dropped_total", "counter", "Subscribers dropped, by reason.");
        labelled(out, "jdksse_dropped_total", "reason", stats.dropped());
        family(out, "jdksse_pruned_total", "counter", "Dead subscribers removed.");
        out.append("jdksse_pruned_total ").append(stats.pruned()).append('\n');
        EventLog.Status log = stats.log();
        if (log != null) {
            family(out, "jdksse_log_connected", "gauge", "1 when the event log answers (always for the in-memory log), else 0.");
            out.append("jdksse_log_connected ").append(log.reachable() ? 1 : 0).append('\n');
            family(out, "jdksse_log_lag", "gauge", "Entries appended to the log but not yet handed to this hub's fan-out.");
            out.append("jdksse_log_lag ").append(log.lag()).append('\n');
            family(out, "jdksse_log_reconnects_total", "counter", "Times the log's reader reconnected.");
            out.append("jdksse_log_reconnects_total ").append(log.reconnects()).append('\n');
        }
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void labelled(StringBuilder out, String name, String label, Map<String, ? extends Number> values) {
        for (var entry : new TreeMap<>(values).entrySet()) {
            out.append(name).append('{').append(label).append("=\"");
            labelValue(out, entry.getKey());
            out.append("\"} ").append(entry.getValue()).append('\n');
        }
    }

    /**
     * Escapes a label value as the text format requires: backslash, double quote and line feed.
     * A CR or an unpaired surrogate is replaced, since the format has no escape for them and
     * scrapers split lines on CR too.
     */
    static void labelValue(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append('\uFFFD');
                default -> {
                    if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1)))) {
                        out.append('\uFFFD');
                    } else if (Character.isHighSurrogate(c)) {
                        out.append(c).append(value.charAt(++i));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
