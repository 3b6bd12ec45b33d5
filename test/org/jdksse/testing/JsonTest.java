package org.jdksse.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void integersAreLongsAndEverythingElseExactDecimals() {
        assertEquals(List.of(0L, -7L, Long.MAX_VALUE, new BigDecimal("9223372036854775808"), new BigDecimal("1.50"),
                new BigDecimal("-2E+3"), new BigDecimal("1e-2")),
                Json.parse("[0, -7, 9223372036854775807, 9223372036854775808, 1.50, -2E+3, 1e-2]"));
    }

    @Test
    void objectsKeepTheirOrderAndEveryKindOfValue() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("z", "a\"b\\c/\b\f\n\r\t\u00e9\ud83d\ude00");
        expected.put("a", Arrays.asList(true, false, null, Map.of()));
        Map<String, Object> parsed = Json.object(" {\"z\":\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\", \"a\":[true,false,null,{}]}\n");
        assertEquals(expected, parsed);
        assertEquals(List.of("z", "a"), List.copyOf(parsed.keySet()));
    }

    @Test
    void strictJsonParserRejectsWhatTheGrammarForbids() {
        // The tests that read JSON are only worth something if the parser can say no.
        for (String bad : List.of("{\"a\":1,}", "{\"a\":\"x\ny\"}", "{\"a\":01}", "{\"a\":1} x", "{'a':1}",
                "{\"a\":1,\"a\":2}", "{\"a\":\"\\x\"}", "[1,]", "[.5]", "[1.]", "[+1]", "[1e]", "[tru]", "[nul]",
                "\"\\u12\"", "\"open", "", " ", "[1 2]", "{\"a\" 1}", "{1:2}", "NaN", "[-]")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.object("[1]"), "an array is not an object");
    }
}
