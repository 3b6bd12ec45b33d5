package org.jdksse.client;

import java.util.Objects;

/**
 * One event received by an {@link EventSource}: the same three facts a browser's
 * {@code MessageEvent} carries for a server-sent event.
 *
 * <pre>{@code
 * MessageEvent event = new MessageEvent("price", "{\"AAPL\":187.5}", "42");
 * if (event.type().equals("price")) {
 *     System.out.println(event.data() + " (id " + event.lastEventId() + ")");
 * }
 * }</pre>
 *
 * <p>Concurrency: immutable, so any thread may read it.
 *
 * @param type        the event type: the stream's {@code event} field, or {@code "message"} when the
 *                    stream gave none
 * @param data        the event's data lines joined with LF, without a trailing LF; may be empty
 * @param lastEventId the last event id the stream set at the time of this event, which persists
 *                    across events until the stream sets another; empty when none was set
 */
public record MessageEvent(String type, String data, String lastEventId) {

    /**
     * Creates an event.
     *
     * @throws NullPointerException if any component is null
     */
    public MessageEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(lastEventId, "lastEventId");
    }
}
