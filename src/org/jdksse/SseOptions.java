package org.jdksse;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The protocol settings of an event stream: heartbeats, the reconnection hint and the origins
 * allowed to read it from another site. An immutable value; the {@code with} methods return copies.
 *
 * <pre>{@code
 * SseOptions options = SseOptions.defaults()
 *         .withHeartbeat(Duration.ofSeconds(5), "keep-alive")
 *         .withCorsOrigins("https://example.com");
 * }</pre>
 *
 * @param heartbeat        how long a stream may stay silent before a heartbeat comment is sent;
 *                         {@link Duration#ZERO} turns heartbeats off. Heartbeats keep proxies from
 *                         closing idle streams and find dead clients, which only a write reveals.
 *                         A client that accepts no bytes for two intervals is treated as dead.
 * @param heartbeatComment the text of the heartbeat comment (empty for a bare {@code ":"})
 * @param retry            the reconnection delay sent when a stream opens, or {@code null} for none
 * @param corsOrigins      the origins (such as {@code https://example.com}, or {@code *} for any)
 *                         whose pages may read the stream; empty allows none
 */
public record SseOptions(Duration heartbeat, String heartbeatComment, Duration retry, Set<String> corsOrigins) {

    /** The heartbeat interval of {@link #defaults()}: 15 seconds, well under common proxy idle timeouts. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    private static final Duration MIN_HEARTBEAT = Duration.ofMillis(4);
    private static final Duration MAX_HEARTBEAT = Duration.ofDays(365);

    /**
     * Creates options, validating them.
     *
     * @throws IllegalArgumentException if {@code heartbeat} is neither zero nor from 4 ms to 365
     *         days, if {@code retry} is negative, or
     *         {@code heartbeatComment} is not a valid comment
     * @throws NullPointerException if {@code heartbeat}, {@code heartbeatComment} or
     *         {@code corsOrigins} is null
     */
    public SseOptions {
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(heartbeatComment, "heartbeatComment");
        // The watchdog looks every quarter interval: below 4 ms that is no period at all, and
        // beyond a year (long past any proxy's idle timeout) its arithmetic would overflow.
        if (!heartbeat.isZero() && (heartbeat.compareTo(MIN_HEARTBEAT) < 0 || heartbeat.compareTo(MAX_HEARTBEAT) > 0)) {
            throw new IllegalArgumentException("heartbeat must be zero (off) or from " + MIN_HEARTBEAT.toMillis()
                    + " ms to " + MAX_HEARTBEAT.toDays() + " days, not " + heartbeat);
        }
        FrameWriter.requireWellFormed("heartbeatComment", heartbeatComment);
        if (retry != null) {
            SseEvent.retry(retry);
        }
        corsOrigins = Set.copyOf(corsOrigins);
    }

    /**
     * Returns the defaults: a bare heartbeat comment every 15 seconds, no retry hint, no CORS.
     *
     * @return the default options
     */
    public static SseOptions defaults() {
        return new SseOptions(DEFAULT_HEARTBEAT, "", null, Set.of());
    }

    /**
     * Returns a copy with another heartbeat interval.
     *
     * @param interval the interval, {@link Duration#ZERO} for none
     * @return the copy
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public SseOptions withHeartbeat(Duration interval) {
        return new SseOptions(interval, heartbeatComment, retry, corsOrigins);
    }

    /**
     * Returns a copy with another heartbeat interval and comment text.
     *
     * @param interval the interval, {@link Duration#ZERO} for none
     * @param comment  the comment text
     * @return the copy
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public SseOptions withHeartbeat(Duration interval, String comment) {
        return new SseOptions(interval, comment, retry, corsOrigins);
    }

    /**
     * Returns a copy that sends this reconnection delay when a stream opens.
     *
     * @param delay the delay, or {@code null} for none
     * @return the copy
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public SseOptions withRetry(Duration delay) {
        return new SseOptions(heartbeat, heartbeatComment, delay, corsOrigins);
    }

    /**
     * Returns a copy that lets pages from these origins read streams across sites; an origin
     * named exactly may send credentials (cookies) too, one let in by {@code *} alone may not.
     *
     * @param origins exact origins such as {@code https://example.com}, or {@code *} for any
     * @return the copy
     */
    public SseOptions withCorsOrigins(String... origins) {
        return new SseOptions(heartbeat, heartbeatComment, retry, Set.of(origins));
    }

    /** The encoded retry hint a stream opens with, or no bytes when the options set none. */
    byte[] retryFrame() {
        return retry == null ? new byte[0] : SseEvent.retry(retry).encode();
    }

    /** The encoded heartbeat, made once per stream rather than once per beat. */
    byte[] heartbeatFrame() {
        return SseEvent.comment(heartbeatComment).encode();
    }
}
