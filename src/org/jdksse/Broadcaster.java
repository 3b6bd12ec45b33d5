package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * SKELETON with the fixed API (the hub and the examples are written against these exact
 * signatures at the same time): fill in the bodies, keep the names. See /tmp/bapi.md.
 */
public final class Broadcaster implements AutoCloseable {

    private Broadcaster() {
    }

    /**
     * Returns a builder with the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a broadcaster with all defaults.
     *
     * @return the broadcaster
     */
    public static Broadcaster create() {
        return builder().build();
    }

    /**
     * Returns the subscribe handler: GET with ?topic= (repeatable; none: "default"), resume from
     * Last-Event-ID or ?lastEventId=, 503 + Retry-After over the limit, 405 for other methods, CORS.
     *
     * @return the handler
     */
    public HttpHandler handler() {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Publishes to a topic: assigns the next id (increasing across topics), keeps it in the
     * history, fans out without blocking on any subscriber.
     *
     * @param topic the topic
     * @param event the event
     * @return the assigned id
     */
    public long publish(String topic, SseEvent event) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Publishes to the topic "default".
     *
     * @param event the event
     * @return the assigned id
     */
    public long publish(SseEvent event) {
        return publish("default", event);
    }

    /**
     * Publishes to every subscriber of the topic but one.
     *
     * @param topic                the topic
     * @param event                the event
     * @param excludedSubscriberId the subscriber left out
     * @return the assigned id
     */
    public long publishExcept(String topic, SseEvent event, long excludedSubscriberId) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Sends to one subscriber only, not kept in the history.
     *
     * @param subscriberId the subscriber
     * @param event        the event
     * @return false if the subscriber is gone
     */
    public boolean send(long subscriberId, SseEvent event) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Returns the counters.
     *
     * @return the counters now
     */
    public Stats stats() {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Shuts down gracefully within the bound.
     *
     * @param grace the bound
     */
    public void close(Duration grace) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Shuts down within five seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /**
     * The counters.
     *
     * @param subscribers the open subscribers
     * @param topics      subscribers per topic
     * @param published   events published
     * @param delivered   events written to subscribers
     * @param dropped     subscribers dropped, by reason ("slow", "failed", ...)
     * @param pruned      dead subscribers removed
     */
    public record Stats(int subscribers, Map<String, Integer> topics, long published, long delivered,
                        Map<String, Long> dropped, long pruned) {
    }

    /** A subscriber as the onSubscribe hook sees it. */
    public interface Subscriber {
        /**
         * Returns the id.
         *
         * @return the id
         */
        long id();

        /**
         * Returns the topics.
         *
         * @return the topics
         */
        Set<String> topics();

        /**
         * Returns the exchange.
         *
         * @return the exchange
         */
        HttpExchange exchange();

        /**
         * Returns the last event id the client sent, or "".
         *
         * @return the id
         */
        String lastEventId();
    }

    /** Builds a Broadcaster. */
    public static final class Builder {
        private Builder() {
        }

        /**
         * Sets heartbeat, retry hint, CORS origins.
         *
         * @param options the options
         * @return this
         */
        public Builder options(SseOptions options) {
            return this;
        }

        /**
         * Bounds the resume history by count (default 1000).
         *
         * @param events the bound
         * @return this
         */
        public Builder history(int events) {
            return this;
        }

        /**
         * Bounds the resume history by encoded bytes (default 4 MiB).
         *
         * @param bytes the bound
         * @return this
         */
        public Builder historyBytes(long bytes) {
            return this;
        }

        /**
         * Bounds each subscriber's queue by count (default 1024).
         *
         * @param events the bound
         * @return this
         */
        public Builder queueEvents(int events) {
            return this;
        }

        /**
         * Bounds each subscriber's queue by bytes (default 1 MiB).
         *
         * @param bytes the bound
         * @return this
         */
        public Builder queueBytes(long bytes) {
            return this;
        }

        /**
         * Sets the subscriber limit (default: descriptor limit minus headroom).
         *
         * @param n the limit
         * @return this
         */
        public Builder maxSubscribers(int n) {
            return this;
        }

        /**
         * Runs once per new subscriber before any replayed or live event, so that it can
         * send(sub.id(), ...) a first event.
         *
         * @param hook the hook
         * @return this
         */
        public Builder onSubscribe(Consumer<Subscriber> hook) {
            return this;
        }

        /**
         * Creates the broadcaster.
         *
         * @return the broadcaster
         */
        public Broadcaster build() {
            return new Broadcaster();
        }
    }
}
