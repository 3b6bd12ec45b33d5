package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import java.util.Set;

/**
 * A subscriber of a {@link Broadcaster}, as its {@code onSubscribe} hook sees it.
 *
 * <p>Any thread may call any method; none blocks.
 */
public interface Subscriber {
    /**
     * Returns the id of this subscriber, unique within its broadcaster and never 0, for
     * {@link Broadcaster#send} and {@link Broadcaster#publishExcept}.
     *
     * @return the id
     */
    long id();

    /**
     * Returns the topics this subscriber receives.
     *
     * @return the topics, unmodifiable
     */
    Set<String> topics();

    /**
     * Returns the exchange behind this subscription, for its URI, headers and attributes.
     * Writing to its response body directly would corrupt the stream.
     *
     * @return the exchange
     */
    HttpExchange exchange();

    /**
     * Returns the id the client resumes after (its {@code Last-Event-ID}), or the empty
     * string.
     *
     * @return the last event id, never {@code null}
     */
    String lastEventId();

    /**
     * Sends an event to this subscriber only, as {@link Broadcaster#send} does: from the
     * {@code onSubscribe} hook, it is the subscriber's first event.
     *
     * @param event the event
     * @return {@code true} if the event was queued, {@code false} if the subscriber is gone
     */
    boolean send(SseEvent event);
}
