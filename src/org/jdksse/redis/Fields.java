package org.jdksse.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jdksse.SseEvent;
import org.jdksse.Update;

/**
 * An update as the fields of a stream entry, and back. One letter per field keeps entries small:
 * {@code t} topics (joined by LF, which a topic cannot contain), {@code e} event type, {@code d}
 * data, {@code r} retry in milliseconds, {@code c} comment, {@code p} {@code 1} when private,
 * {@code i} the publisher's own id. Absent fields are not written.
 */
final class Fields {
    private Fields() {
    }

    /** Returns the field-value pairs of an update, in a stable order. */
    static List<String> of(Update update) {
        SseEvent event = update.event();
        List<String> out = new ArrayList<>(14);
        add(out, "t", String.join("\n", update.topics()));
        add(out, "e", event.event());
        add(out, "d", event.data());
        add(out, "r", event.retry() == null ? null : Long.toString(event.retry().toMillis()));
        add(out, "c", event.comment());
        add(out, "p", update.isPrivate() ? "1" : null);
        add(out, "i", event.id());
        return out;
    }

    private static void add(List<String> out, String field, String value) {
        if (value != null) {
            out.add(field);
            out.add(value);
        }
    }

    /**
     * Returns the update of an entry's field-value pairs, or {@code null} for an entry this log
     * did not write (no topic, or an event the library would refuse): the reader skips it, and
     * so does every hub, so they all still send the same events.
     */
    static Update parse(List<?> pairs) {
        String topics = null;
        String type = null;
        String data = null;
        String retry = null;
        String comment = null;
        String own = null;
        boolean isPrivate = false;
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            if (!(pairs.get(i) instanceof String field) || !(pairs.get(i + 1) instanceof String value)) {
                continue;
            }
            switch (field) {
                case "t" -> topics = value;
                case "e" -> type = value;
                case "d" -> data = value;
                case "r" -> retry = value;
                case "c" -> comment = value;
                case "p" -> isPrivate = value.equals("1");
                case "i" -> own = value;
                default -> {
                    // A field from a newer writer: ignored.
                }
            }
        }
        if (topics == null) {
            return null;
        }
        try {
            Duration retryDuration = retry == null ? null : Duration.ofMillis(Long.parseLong(retry));
            SseEvent event = new SseEvent(own, type, data, retryDuration, comment);
            Update update = Update.of(Arrays.asList(topics.split("\n", -1)), event);
            return isPrivate ? update.asPrivate() : update;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
