package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.jdksse.Broadcaster;
import org.jdksse.EventLog;
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
                + "\"dropped\":{\"failed\":1,\"slow\":5},\"pruned\":4}\n", json);
    }

    @Test
    void jsonOfEmptyMapsIsValid() {
        Object parsed = Json.parse(StatsFormat.json(stats(Map.of(), Map.of())));
        assertEquals(Map.of("subscribers", 3L, "topics", Map.of(), "published", 12L, "delivered", 30L,
                "dropped", Map.of(), "pruned", 4L), parsed);
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
    void strictJsonParserRejectsWhatTheGrammarForbids() {
        // The checks above are only worth something if the parser can say no.
        for (String bad : List.of("{\"a\":1,}", "{\"a\":\"x\ny\"}", "{\"a\":01}", "{\"a\":1} x", "{'a':1}",
                "{\"a\":1,\"a\":2}", "{\"a\":\"\\x\"}")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
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
                """, text);
        assertEquals(6, PrometheusText.parse(text).size());
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

    @Test
    void strictPrometheusReaderRejectsWhatTheGrammarForbids() {
        for (String bad : List.of("x 1\n", "# TYPE x gauge\nx{a=\"b} 1\n", "# TYPE x gauge\nx{a=\"\\t\"} 1\n",
                "# TYPE x gauge\nx one\n", "# TYPE x gauge\nx 1", "# TYPE x gauge\n# TYPE x gauge\nx 1\n",
                "# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx 2\n", "# TYPE 1x gauge\n", "# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n")) {
            assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(bad), bad);
        }
    }
}
