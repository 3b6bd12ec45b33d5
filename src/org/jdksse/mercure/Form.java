package org.jdksse.mercure;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jdksse.Sse;

/**
 * Reads {@code application/x-www-form-urlencoded} text and request bodies through the library's
 * one decoder and one body reader, with Mercure's refusals.
 */
final class Form {
    /** The largest publish body: an update is a message, not an upload. */
    static final int BODY_LIMIT = 1 << 20;

    private Form() {
    }

    /**
     * Decodes the pairs in order, each name with its values in order, with the library's one
     * decoder ({@link Sse#form}); a malformed pair is refused with 400 naming it.
     */
    static Map<String, List<String>> decode(String text, String what) throws Refusal {
        try {
            return Sse.form(text);
        } catch (IllegalArgumentException malformed) {
            throw new Refusal(400, malformed.getMessage().replace("form field", what));
        }
    }

    /**
     * Reads the body as text with the library's one body reader ({@link Sse#readText}: 413 over
     * {@link #BODY_LIMIT}, 408 for a body too slow, 400 if not UTF-8), which answers a refusal
     * itself: then this throws a {@link Refusal#ANSWERED} refusal.
     */
    static String body(HttpExchange exchange) throws Refusal, IOException {
        String text = Sse.readText(exchange, BODY_LIMIT);
        if (text == null) {
            throw new Refusal(Refusal.ANSWERED, "answered by the body reader");
        }
        return text;
    }

    /** Returns the field's only value, or null; a repeated single-valued field is refused. */
    static String single(Map<String, List<String>> fields, String name) throws Refusal {
        List<String> values = fields.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new Refusal(400, name + " is given more than once");
        }
        return values.get(0);
    }

    /** Says whether a Content-Type is the form type, whatever its parameters. */
    static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.equalsIgnoreCase("application/x-www-form-urlencoded");
    }
}
