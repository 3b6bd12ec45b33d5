package org.jdksse;

import java.util.Objects;

/**
 * One entry of an {@link EventLog}: an update at its position.
 *
 * <p>Immutable; its encoding is made once, on first use, and shared by every subscriber.
 *
 * <pre>{@code
 * Entry entry = Entry.of("1795247596031399", Update.of("news", SseEvent.of("hello")));
 * entry.id();   // "1795247596031399", or the update's own id when it has one
 * }</pre>
 */
public final class Entry {
    private final String position;
    private final Update update;
    /** The event-stream frame, made on first use; a race makes it twice, with equal bytes. */
    private byte[] frame;

    private Entry(String position, Update update) {
        this.position = position;
        this.update = update;
    }

    /**
     * Returns an entry.
     *
     * @param position the log's position of the entry
     * @param update   the update
     * @return the entry
     * @throws IllegalArgumentException if {@code position} is empty
     * @throws NullPointerException if an argument is null
     */
    public static Entry of(String position, Update update) {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(update, "update");
        if (position.isEmpty()) {
            throw new IllegalArgumentException("position must not be empty");
        }
        return new Entry(position, update);
    }

    /**
     * Returns the log's position of this entry.
     *
     * @return the position
     */
    public String position() {
        return position;
    }

    /**
     * Returns the update.
     *
     * @return the update
     */
    public Update update() {
        return update;
    }

    /**
     * Returns the event's id on the wire: the publisher's own id, else the position.
     *
     * @return the id
     */
    public String id() {
        String own = update.ownId();
        return own != null ? own : position;
    }

    /** Returns the encoded frame, with {@link #id()} as its id; callers must not change it. */
    byte[] frame() {
        byte[] f = frame;
        if (f == null) {
            f = update.event().withId(id()).encode();
            frame = f;
        }
        return f;
    }

    @Override
    public String toString() {
        return "Entry[" + position + " " + update.topics() + "]";
    }
}
