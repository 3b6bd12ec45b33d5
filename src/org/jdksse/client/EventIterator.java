package org.jdksse.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A pull source's events as an {@link Iterator}, for a for-each loop: {@link #hasNext()} blocks
 * like {@link EventSource#next()} and keeps the event it fetched for {@link #next()}.
 *
 * <p>Concurrency: one thread at a time, like the source's {@code next()}.
 */
final class EventIterator implements Iterator<MessageEvent> {
    private final EventSource source;
    private MessageEvent next;

    EventIterator(EventSource source) {
        this.source = source;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = source.next();
            } catch (IOException e) {
                // Iterator cannot throw a checked exception; the for-each loop's caller gets its cause.
                throw new UncheckedIOException(e);
            }
        }
        return next != null;
    }

    @Override
    public MessageEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        MessageEvent event = next;
        next = null;
        return event;
    }
}
