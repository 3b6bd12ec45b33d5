package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one decoder of query strings and form bodies. */
class FormTest {
    @Test
    void plusIsASpaceAndEscapesAreUtf8() {
        assertEquals(Map.of("a", List.of("x y é"), "b", List.of(""), "c", List.of("1", "2")),
                Form.decode("a=x+y%20%C3%A9&b&&c=1&c=2&", "form field"));
        assertEquals(Map.of("é", List.of("😀")), Form.decode("%C3%A9=😀", "form field"));
        assertEquals(Map.of(), Form.decode("", "form field"));
        assertEquals(Map.of(), Form.decode(null, "form field"));
    }

    @Test
    void brokenEscapesAndNonUtf8AreRefusedNotSkipped() {
        for (String bad : List.of("a=%", "a=%4", "a=%zz", "a=%FF", "a=%C3", "a=%ED%A0%80", "%C0%AF=1", "ok=1&a=%ZZ")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Form.decode(bad, "form field"), bad);
            assertTrue(e.getMessage().contains("form field"), e.getMessage());
        }
    }

    /** {@code %ZZ} never gets this far: the JDK's server refuses a URI with it (400) before any handler. */
    @Test
    void theMessageNamesTheMalformedParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sse.query(URI.create("/events?topic=%FF")));
        assertEquals("the query parameter \"topic\" is not validly percent-encoded UTF-8", e.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> Sse.form("%ZZ=1"));
        assertEquals("a form field name is not validly percent-encoded UTF-8: \"%ZZ\"", name.getMessage());
    }
}
