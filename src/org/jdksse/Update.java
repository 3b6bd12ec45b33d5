package org.jdksse;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a publisher hands to an {@link EventLog}: an event, the topics it belongs to, and whether
 * it is private.
 *
 * <p>An update belongs to every topic it names (at least one, each 1 to {@link #MAX_TOPIC_LENGTH}
 * characters with no control character; duplicates are dropped, the order is kept): a subscriber
 * of several of them receives it once. The event's {@code id}, when it has one, is the
 * publisher's own id: it becomes the event's id on the wire instead of the log's position, and a
 * client may resume from it while the log keeps the update. A private update reaches only
 * subscribers allowed to read it (see {@link Interest#privateAccess}).
 *
 * <pre>{@code
 * Update update = Update.of(List.of("books/1", "books"), SseEvent.of("changed", "{\"id\":1}"));
 * }</pre>
 *
 * @param topics    the topics, in order, without duplicates
 * @param event     the event; its id, if any, is the publisher's own
 * @param isPrivate whether only authorized subscribers may receive it
 */
public record Update(List<String> topics, SseEvent event, boolean isPrivate) {
    /**
     * The longest topic accepted, in UTF-16 units: room for Mercure's alternate topics, URLs that
     * hold another URL percent-encoded ({@code https://example.com/users/foo/?topic=https%3A...}).
     */
    public static final int MAX_TOPIC_LENGTH = 2048;

    /**
     * Checks and copies the components.
     *
     * @throws IllegalArgumentException if there is no topic, or a topic is empty, longer than
     *         {@link #MAX_TOPIC_LENGTH} or holds a control character, or the event's id is empty
     * @throws NullPointerException if a component or a topic is null
     */
    public Update {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(event, "event");
        if (event.id() != null && event.id().isEmpty()) {
            // An empty id: line clears the client's last event id, so its next resume would skip the gap.
            throw new IllegalArgumentException("id must not be empty: leave it out to have the log assign one");
        }
        Set<String> distinct = new LinkedHashSet<>(topics.size());
        for (String topic : topics) {
            checkTopic(topic);
            distinct.add(topic);
        }
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("topics must name at least one topic");
        }
        topics = List.copyOf(distinct);
    }

    /**
     * Returns a public update of one topic.
     *
     * @param topic the topic
     * @param event the event
     * @return the update
     * @throws IllegalArgumentException if the topic is invalid (see {@link #checkTopic})
     */
    public static Update of(String topic, SseEvent event) {
        return new Update(List.of(Objects.requireNonNull(topic, "topic")), event, false);
    }

    /**
     * Returns a public update of these topics.
     *
     * @param topics the topics, at least one
     * @param event  the event
     * @return the update
     * @throws IllegalArgumentException if there is no topic or one is invalid
     */
    public static Update of(List<String> topics, SseEvent event) {
        return new Update(topics, event, false);
    }

    /**
     * Returns this update made private: only subscribers allowed to read it receive it.
     *
     * @return the private update
     */
    public Update asPrivate() {
        return new Update(topics, event, true);
    }

    /**
     * Returns the publisher's own id: the event's id, or {@code null} when the log assigns it.
     *
     * @return the publisher's id, or {@code null}
     */
    public String ownId() {
        return event.id();
    }

    /**
     * Throws unless the topic is 1 to {@link #MAX_TOPIC_LENGTH} characters with no control
     * character: a topic turns up in logs, metrics labels and JSON, where a line break would
     * forge an entry.
     *
     * @param topic the topic
     * @throws IllegalArgumentException naming {@code topic} if it is invalid
     * @throws NullPointerException if {@code topic} is null
     */
    public static void checkTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("topic must be at most " + MAX_TOPIC_LENGTH + " characters: " + SseEvent.quote(topic));
        }
        if (topic.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("topic must not contain control characters: " + SseEvent.quote(topic));
        }
    }
}
