package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.jdksse.Broadcaster;
import org.jdksse.EventLog;
import org.jdksse.testing.Json;
import org.jdksse.testing.PrometheusText;
import org.junit.jupiter.api.Test;

class StatsFormatTest {
    private static final String NASTY = "q\"b\\s\nl\tt\u0001c é😀";

    private static Broadcaster.Stats stats(Map<String, Integer> topics, Map<String, Long> dropped) {
        return new Broadcaster.Stats(3, topics, 12, 30, dropped, 4, EventLog.Status.UP);
    }

    @Test
    void jsonHasEveryCounterWithSortedMaps() {
        String json = StatsFormat.json(stats(Map.of("b", 1, "a", 2), Map.of("slow", 5L, "failed", 1L)));
        assertEquals("{\"subscribers\":3,\"topics\":{\"a\":2,\"b\":1},\"published\":12,\"delivered\":30,"
                + "\"dropped\":{\"failed\":1,\"slow\":5},\"pruned\":4,"
                + "\"log\":{\"connected\":true,\"reason\":null,\"lag\":0,\"reconnects\":0}}\n", json);
    }

    @Test
    void jsonOfEmptyMapsIsValid() {
        Object parsed = Json.parse(StatsFormat.json(stats(Map.of(), Map.of())));
        Map<String, Object> log = new java.util.HashMap<>(Map.of("connected", true, "lag", 0L, "reconnects", 0L));
        log.put("reason", null);
        assertEquals(Map.of("subscribers", 3L, "topics", Map.of(), "published", 12L, "delivered", 30L,
                "dropped", Map.of(), "pruned", 4L, "log", log), parsed);
    }

    @Test
    void topicNamesAreEscapedSoThatJsonReadsThemBack() {
        String json = StatsFormat.json(stats(Map.of(NASTY, 7, "\ud800lone", 1), Map.of()));
        assertTrue(json.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), json);
        @SuppressWarnings("unchecked")
        Map<String, Object> topics = (Map<String, Object>) ((Map<String, Object>) Json.parse(json)).get("topics");
        assertEquals(Map.of(NASTY, 7L, "\ud800lone", 1L), topics);
    }

    @Test
    void onlyTheThousandBusiestTopicsAreShownAndTheRestCounted() {
        Map<String, Integer> topics = new java.util.HashMap<>();
        for (int i = 1; i <= 1200; i++) {
            topics.put("t" + i, i);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(StatsFormat.json(stats(topics, Map.of())));
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) json.get("topics");
        assertEquals(1000, shown.size());
        assertEquals(201L, shown.get("t201"), "the busiest");
        assertTrue(!shown.containsKey("t200"), "the 200 quietest are left out");
        assertEquals(200L, json.get("topicsNotShown"));
        var samples = PrometheusText.parse(StatsFormat.prometheus(stats(topics, Map.of())));
        assertEquals(1000, samples.stream().filter(x -> x.name().equals("jdksse_topic_subscribers")).count());
        assertEquals(200.0, samples.stream().filter(x -> x.name().equals("jdksse_topics_not_shown")).findFirst().orElseThrow().value());
    }

    @Test
    void metricsAreExactPrometheusText() {
        String text = StatsFormat.prometheus(stats(Map.of("t", 2), Map.of("slow", 1L)));
        assertEquals("""
                # HELP jdksse_subscribers Open event streams.
                # TYPE jdksse_subscribers gauge
                jdksse_subscribers 3
                # HELP jdksse_topic_subscribers Open event streams per topic.
                # TYPE jdksse_topic_subscribers gauge
                jdksse_topic_subscribers{topic="t"} 2
                # HELP jdksse_published_total Events published.
                # TYPE jdksse_published_total counter
                jdksse_published_total 12
                # HELP jdksse_delivered_total Events written to subscribers.
                # TYPE jdksse_delivered_total counter
                jdksse_delivered_total 30
                # HELP jdksse_dropped_total Subscribers dropped, by reason.
                # TYPE jdksse_dropped_total counter
                jdksse_dropped_total{reason="slow"} 1
                # HELP jdksse_pruned_total Dead subscribers removed.
                # TYPE jdksse_pruned_total counter
                jdksse_pruned_total 4
                # HELP jdksse_log_connected 1 when the event log answers (always for the in-memory log), else 0.
                # TYPE jdksse_log_connected gauge
                jdksse_log_connected 1
                # HELP jdksse_log_lag Entries appended to the log but not yet handed to this hub's fan-out.
                # TYPE jdksse_log_lag gauge
                jdksse_log_lag 0
                # HELP jdksse_log_reconnects_total Times the log's reader reconnected.
                # TYPE jdksse_log_reconnects_total counter
                jdksse_log_reconnects_total 0
                """, text);
        assertEquals(9, PrometheusText.parse(text).size());
    }

    @Test
    void aLogThatIsDownSaysWhyInJsonAndZeroInMetrics() {
        EventLog.Status down = new EventLog.Status(false, "redis at h:1 refused the connection", 7, 3);
        Broadcaster.Stats stats = new Broadcaster.Stats(0, Map.of(), 0, 0, Map.of(), 0, down);
        assertTrue(StatsFormat.json(stats).endsWith(
                ",\"log\":{\"connected\":false,\"reason\":\"redis at h:1 refused the connection\",\"lag\":7,\"reconnects\":3}}\n"));
        String text = StatsFormat.prometheus(stats);
        assertTrue(text.contains("\njdksse_log_connected 0\n") && text.contains("\njdksse_log_lag 7\n")
                && text.contains("\njdksse_log_reconnects_total 3\n"), text);
    }

    @Test
    void labelValuesAreEscapedAsTheFormatRequires() {
        String text = StatsFormat.prometheus(stats(Map.of("a\"b\\c\nd", 1), Map.of()));
        assertTrue(text.contains("jdksse_topic_subscribers{topic=\"a\\\"b\\\\c\\nd\"} 1\n"), text);
        var samples = PrometheusText.parse(text);
        assertEquals(List.of(Map.of("topic", "a\"b\\c\nd")), samples.stream()
                .filter(s -> s.name().equals("jdksse_topic_subscribers")).map(PrometheusText.Sample::labels).toList());
    }

    @Test
    void aCarriageReturnOrLoneSurrogateInATopicCannotBreakTheText() {
        String text = StatsFormat.prometheus(stats(Map.of("a\rb", 1, "x\udc00y", 2, NASTY, 3), Map.of()));
        var topics = PrometheusText.parse(text).stream().filter(s -> s.name().equals("jdksse_topic_subscribers"))
                .map(s -> s.labels().get("topic")).sorted().toList();
        assertEquals(List.of("a\uFFFDb", NASTY, "x\uFFFDy").stream().sorted().toList(), topics);
    }
}
