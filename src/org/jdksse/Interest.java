package org.jdksse;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one subscriber of a {@link Broadcaster} receives and where it resumes: built by a handler
 * from its request and handed to {@link Broadcaster#serve}.
 *
 * <p>A subscriber receives a public update when one of the update's topics is among its
 * {@link #topics} (looked up in a map) or its {@link #matcher} accepts the update (asked for
 * every update: for patterns such as URI templates); it receives a private update only when,
 * in addition, its {@link #privateAccess} accepts it. It resumes after {@link #lastEventId}, or
 * from the oldest entry kept with {@link #earliest}; its stream ends at {@link #expires}.
 *
 * <pre>{@code
 * Interest interest = Interest.topics(Set.of("news")).after(lastEventId);
 * broadcaster.serve(exchange, interest);
 * }</pre>
 *
 * @param topics        exact topics, possibly empty when a matcher is set
 * @param matcher       updates wanted besides those of {@code topics}, or {@code null}
 * @param privateAccess private updates this subscriber may read, or {@code null} for none
 * @param lastEventId   the id to resume after, or the empty string for live events only
 * @param earliest      whether to replay every entry kept (then {@code lastEventId} is ignored)
 * @param expires       when the stream must end (with a retry hint), or {@code null}
 */
public record Interest(Set<String> topics, Predicate<Update> matcher, Predicate<Update> privateAccess,
                       String lastEventId, boolean earliest, Instant expires) {

    /**
     * Checks and copies the components.
     *
     * @throws IllegalArgumentException if there is neither a topic nor a matcher, or a topic is
     *         invalid (see {@link Update#checkTopic})
     * @throws NullPointerException if {@code topics} or {@code lastEventId} is null
     */
    public Interest {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(lastEventId, "lastEventId");
        topics.forEach(Update::checkTopic);
        topics = Set.copyOf(new LinkedHashSet<>(topics));
        if (topics.isEmpty() && matcher == null) {
            throw new IllegalArgumentException("topics must name a topic when there is no matcher");
        }
    }

    /**
     * Returns the interest in these topics, live events only, public updates only.
     *
     * @param topics the topics, at least one
     * @return the interest
     */
    public static Interest topics(Set<String> topics) {
        return new Interest(topics, null, null, "", false, null);
    }

    /**
     * Returns the interest in every update this matcher accepts (and none by exact topic).
     *
     * @param matcher the updates wanted
     * @return the interest
     */
    public static Interest matching(Predicate<Update> matcher) {
        return new Interest(Set.of(), Objects.requireNonNull(matcher, "matcher"), null, "", false, null);
    }

    /**
     * Returns this interest resuming after an id.
     *
     * @param id the client's last event id, or the empty string for none
     * @return the new interest
     */
    public Interest after(String id) {
        return new Interest(topics, matcher, privateAccess, id, false, expires);
    }

    /**
     * Returns this interest replaying every entry the log keeps.
     *
     * @return the new interest
     */
    public Interest fromEarliest() {
        return new Interest(topics, matcher, privateAccess, "", true, expires);
    }

    /**
     * Returns this interest also matching what {@code more} accepts.
     *
     * @param more further updates wanted
     * @return the new interest
     */
    public Interest alsoMatching(Predicate<Update> more) {
        Objects.requireNonNull(more, "more");
        Predicate<Update> both = matcher == null ? more : matcher.or(more);
        return new Interest(topics, both, privateAccess, lastEventId, earliest, expires);
    }

    /**
     * Returns this interest allowed to read the private updates this predicate accepts.
     *
     * @param access the private updates allowed
     * @return the new interest
     */
    public Interest withPrivateAccess(Predicate<Update> access) {
        return new Interest(topics, matcher, access, lastEventId, earliest, expires);
    }

    /**
     * Returns this interest ending at this instant.
     *
     * @param end when the stream ends, or {@code null} for never
     * @return the new interest
     */
    public Interest until(Instant end) {
        return new Interest(topics, matcher, privateAccess, lastEventId, earliest, end);
    }

    /**
     * Says whether this subscriber receives the update, by topic, matcher and private access.
     *
     * @param update the update
     * @return {@code true} if it is to be delivered
     */
    public boolean wants(Update update) {
        if (update.isPrivate() && (privateAccess == null || !privateAccess.test(update))) {
            return false;
        }
        for (String topic : update.topics()) {
            if (topics.contains(topic)) {
                return true;
            }
        }
        return matcher != null && matcher.test(update);
    }
}
