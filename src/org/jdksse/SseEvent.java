package org.jdksse;

import java.time.Duration;
import java.util.Objects;

/**
 * One Server-Sent Event: an immutable value, validated when it is created and encoded to the
 * bytes of the WHATWG {@code text/event-stream} format.
 *
 * <p>Every field is optional ({@code null} means absent), but an event needs at least one of them.
 * The encoder writes, in this order: each comment line as {@code ": text"}, then {@code event},
 * {@code id}, {@code retry}, each data line as {@code "data: line"}, and a blank line that
 * dispatches the event. Multi-line {@code data} and {@code comment} values are split on CR, LF
 * and CRLF only, which are exactly the line ends a conforming parser recognises; U+2028, U+2029,
 * U+0085, VT and FF are data. A value that starts with a space survives the round trip because
 * the encoder always writes the one space that the parser removes.
 *
 * <pre>{@code
 * SseEvent tick = SseEvent.of("tick 1");
 * SseEvent price = SseEvent.builder().event("price").id("42").data("{\"AAPL\":187.5}").build();
 * byte[] wire = price.encode();   // "event: price\nid: 42\ndata: {\"AAPL\":187.5}\n\n"
 * }</pre>
 *
 * @param id      the event id, which the client echoes as {@code Last-Event-ID} when it reconnects;
 *                must not contain CR, LF or NUL
 * @param event   the event type (the browser dispatches it to listeners of that name);
 *                must not contain CR or LF
 * @param data    the payload, any text; may span lines
 * @param retry   the reconnection delay the client should use; must not be negative
 * @param comment a comment the client ignores (used for heartbeats); may span lines
 */
public record SseEvent(String id, String event, String data, Duration retry, String comment) {

    /**
     * Creates an event, validating every field.
     *
     * @throws IllegalArgumentException if {@code id} contains CR, LF or NUL, if {@code event}
     *         contains CR or LF, if {@code retry} is negative or too large for milliseconds in a
     *         {@code long}, if any field holds an unpaired surrogate (which UTF-8 cannot carry),
     *         or if every field is {@code null}
     */
    public SseEvent {
        FrameWriter.requireWellFormed("id", id);
        FrameWriter.requireWellFormed("event", event);
        FrameWriter.requireWellFormed("data", data);
        FrameWriter.requireWellFormed("comment", comment);
        rejectLineBreaks("id", id);
        rejectLineBreaks("event", event);
        if (id != null && id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("id must not contain NUL: " + quote(id));
        }
        if (retry != null) {
            if (retry.isNegative()) {
                throw new IllegalArgumentException("retry must not be negative: " + retry);
            }
            try {
                retry.toMillis();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("retry is too large: " + retry);
            }
        }
        if (id == null && event == null && data == null && retry == null && comment == null) {
            throw new IllegalArgumentException("an event needs at least one of data, event, id, retry, comment");
        }
    }

    /**
     * Returns an event with only {@code data}, dispatched by browsers as a {@code message} event.
     *
     * @param data the payload
     * @return the event
     * @throws NullPointerException if {@code data} is null
     */
    public static SseEvent of(String data) {
        return new SseEvent(null, null, Objects.requireNonNull(data, "data"), null, null);
    }

    /**
     * Returns an event with a type and {@code data}.
     *
     * @param event the event type
     * @param data  the payload
     * @return the event
     * @throws IllegalArgumentException if {@code event} contains CR or LF
     * @throws NullPointerException if either argument is null
     */
    public static SseEvent of(String event, String data) {
        return new SseEvent(null, Objects.requireNonNull(event, "event"), Objects.requireNonNull(data, "data"), null, null);
    }

    /**
     * Returns a comment, which clients ignore; a comment with several lines becomes several
     * comment lines, never a data line.
     *
     * @param text the comment text
     * @return the comment event
     * @throws NullPointerException if {@code text} is null
     */
    public static SseEvent comment(String text) {
        return new SseEvent(null, null, null, null, Objects.requireNonNull(text, "comment"));
    }

    /**
     * Returns an event that only sets the client's reconnection delay.
     *
     * @param retry the delay
     * @return the event
     * @throws IllegalArgumentException if {@code retry} is negative
     * @throws NullPointerException if {@code retry} is null
     */
    public static SseEvent retry(Duration retry) {
        return new SseEvent(null, null, null, Objects.requireNonNull(retry, "retry"), null);
    }

    /**
     * Returns a builder with no field set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a copy of this event with another id.
     *
     * @param newId the id, or {@code null} for none
     * @return the copy
     * @throws IllegalArgumentException if {@code newId} contains CR, LF or NUL
     */
    public SseEvent withId(String newId) {
        return new SseEvent(newId, event, data, retry, comment);
    }

    /**
     * Returns the UTF-8 bytes of this event in the event-stream format, ending with the blank
     * line that dispatches it. Each call encodes anew: encode once and reuse the array when
     * sending one event to many clients.
     *
     * @return a new array holding the encoded event
     */
    public byte[] encode() {
        FrameWriter out = new FrameWriter(32 + (data == null ? 0 : data.length() + data.length() / 8));
        if (comment != null) {
            out.lines("", comment);
        }
        if (event != null) {
            out.field("event", event, 0, event.length());
        }
        if (id != null) {
            out.field("id", id, 0, id.length());
        }
        if (retry != null) {
            String millis = Long.toString(retry.toMillis());
            out.field("retry", millis, 0, millis.length());
        }
        if (data != null) {
            out.lines("data", data);
        }
        out.newline();
        return out.toByteArray();
    }

    private static void rejectLineBreaks(String field, String value) {
        if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException(field + " must not contain CR or LF: " + quote(value));
        }
    }

    /** Shows a bad value with its control characters visible, so that the message fits one line. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("\"");
        int shown = Math.min(value.length(), 80);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\0' -> b.append("\\0");
                case '"' -> b.append("\\\"");
                default -> b.append(c);
            }
        }
        return b.append(value.length() > shown ? "...\"" : "\"").toString();
    }

    /**
     * Builds an {@link SseEvent} field by field; validation happens in {@link #build()}.
     * A builder is not safe for use by several threads.
     */
    public static final class Builder {
        private String id;
        private String event;
        private String data;
        private Duration retry;
        private String comment;

        private Builder() {
        }

        /**
         * Sets the event id.
         *
         * @param id the id, or {@code null} for none
         * @return this builder
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the event type.
         *
         * @param event the type, or {@code null} for the default {@code message}
         * @return this builder
         */
        public Builder event(String event) {
            this.event = event;
            return this;
        }

        /**
         * Sets the payload.
         *
         * @param data the payload, or {@code null} for none
         * @return this builder
         */
        public Builder data(String data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the reconnection delay.
         *
         * @param retry the delay, or {@code null} for none
         * @return this builder
         */
        public Builder retry(Duration retry) {
            this.retry = retry;
            return this;
        }

        /**
         * Sets the comment.
         *
         * @param comment the comment, or {@code null} for none
         * @return this builder
         */
        public Builder comment(String comment) {
            this.comment = comment;
            return this;
        }

        /**
         * Creates the event from the fields set so far.
         *
         * @return the event
         * @throws IllegalArgumentException as {@link SseEvent#SseEvent} does
         */
        public SseEvent build() {
            return new SseEvent(id, event, data, retry, comment);
        }
    }
}
