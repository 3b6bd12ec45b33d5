package org.jdksse.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void samplesComeBackWithUnescapedLabels() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # HELP x_total Things, with a \\\\ and a \\n.
                # TYPE x_total counter
                x_total{a="q\\"b\\\\c\\nd",b=""} 2.5
                x_total 1e3 1700000000000
                # TYPE y gauge
                y -Inf
                """);
        assertEquals(List.of(new PrometheusText.Sample("x_total", Map.of("a", "q\"b\\c\nd", "b", ""), 2.5),
                new PrometheusText.Sample("x_total", Map.of(), 1000.0),
                new PrometheusText.Sample("y", Map.of(), Double.NEGATIVE_INFINITY)), samples);
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
