package org.jdksse;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link Broadcaster.Builder} collects: each setting with its default and its check, which
 * names it. The builder keeps the documented public methods and this keeps the state, as
 * {@code java.net.http}'s {@code HttpClientBuilderImpl} does for {@code HttpClient.Builder}; the
 * broadcaster reads it once, when it is built.
 *
 * <p>Not safe for use by several threads, as the builder is not.
 */
final class Settings {
    /** The stream options: heartbeat, retry hint, CORS origins. */
    SseOptions options = SseOptions.defaults();
    /** The log to publish to and deliver from; null for the default in-memory one. */
    EventLog log;
    /** The bound of each subscriber's queue, in events. */
    int queueEvents = 1024;
    /** The bound of each subscriber's queue, in encoded bytes. */
    long queueBytes = 1L << 20;
    /** The subscriber limit; 0 for the default, which {@link Admission} works out. */
    int maxSubscribers;
    /** The hook that runs once per new subscriber. */
    Consumer<Subscriber> onSubscribe = sub -> { };

    /** Sets the stream options. */
    void options(SseOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Sets the log. */
    void log(EventLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Sets the queue bound in events, at least 1. */
    void queueEvents(int events) {
        if (events < 1) {
            throw new IllegalArgumentException("queueEvents must be at least 1: " + events);
        }
        this.queueEvents = events;
    }

    /** Sets the queue bound in bytes, at least 1. */
    void queueBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("queueBytes must be at least 1: " + bytes);
        }
        this.queueBytes = bytes;
    }

    /** Sets the subscriber limit, at least 1. */
    void maxSubscribers(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxSubscribers must be at least 1: " + n);
        }
        this.maxSubscribers = n;
    }

    /** Sets the hook. */
    void onSubscribe(Consumer<Subscriber> hook) {
        this.onSubscribe = Objects.requireNonNull(hook, "hook");
    }
}
