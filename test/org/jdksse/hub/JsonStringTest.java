package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jdksse.testing.Json;
import org.junit.jupiter.api.Test;

class JsonStringTest {
    /** Every kind of character the two forms treat apart, and lone surrogates at both ends. */
    private static final List<String> NASTY = List.of("", "plain", "q\"b\\s/", "\n\r\t\b\f\u0000\u0001\u001f\u007f",
            "é ß 中 😀 𝄞", "\u2028\u2029", "\ud800", "x\udc00y", "\ud83d\ude00\ud83d", "\u0080\u00a0\uffff");

    private static String ascii(String text) {
        return JsonString.ASCII.append(new StringBuilder(), text).toString();
    }

    private static String readable(String text) {
        return JsonString.READABLE.append(new StringBuilder(), text).toString();
    }

    @Test
    void bothFormsReadBackAsTheSameString() {
        for (String text : NASTY) {
            assertEquals(text, Json.parse(ascii(text)), ascii(text));
            assertEquals(text, Json.parse(readable(text)), readable(text));
        }
    }

    @Test
    void asciiFormWritesOnlyPrintableAscii() {
        for (String text : NASTY) {
            String json = ascii(text);
            assertTrue(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f), json);
        }
        assertEquals("\"caf\\u00e9 \\ud834\\udd1e\"", ascii("café 𝄞"));
    }

    @Test
    void readableFormKeepsTextOutsideAsciiButEscapesWhatBreaksALine() {
        assertEquals("\"café 𝄞 中\"", readable("café 𝄞 中"));
        assertEquals("\"\\u2028\\u2029\\u007f\\u0001\"", readable("\u2028\u2029\u007f\u0001"));
        assertEquals("\"a\\ud800b\\udc00\"", readable("a\ud800b\udc00"), "unpaired surrogates cannot be written as UTF-8");
    }

    @Test
    void bothFormsUseTheShortEscapes() {
        for (JsonString form : JsonString.values()) {
            assertEquals("\"\\\"\\\\\\n\\r\\t\\b\\f/\"", form.append(new StringBuilder(), "\"\\\n\r\t\b\f/").toString(), form.name());
        }
    }
}
