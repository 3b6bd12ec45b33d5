package org.jdksse;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The ordered, bounded record of published updates that a {@link Broadcaster} delivers from:
 * the seam between publishing and fan-out, so that one process (the in-memory log) and several
 * (a shared log such as Redis Streams) take the same path.
 *
 * <pre>
 * publish ─► append (assigns the position; durable when it returns) ─► the publisher gets the id
 *                 │
 *          tail (one reader per process, in log order) ─► Broadcaster fan-out ─► subscribers
 * </pre>
 *
 * <p>A position is the log's own id for an entry, a string on the wire; only the log can order
 * two positions ({@link #compare}), never a string comparison. An entry's id on the wire is the
 * publisher's own id when the update carries one, else its position; {@link #readAfter} accepts
 * both.
 *
 * <p>Implementations are safe for use by several threads: {@code append} and {@code readAfter}
 * may be called from any thread and may block on I/O; the sink given to {@link #tail} is called
 * by one thread at a time, in log order, and must not block.
 *
 * <pre>{@code
 * EventLog log = EventLog.inMemory(1_000, 4 << 20);
 * Broadcaster broadcaster = Broadcaster.builder().log(log).build();
 * }</pre>
 */
public interface EventLog extends AutoCloseable {

    /**
     * Returns an in-memory log bounded by count and encoded bytes, whose positions are decimal
     * numbers starting from the clock (microseconds since the epoch), so that they keep
     * increasing across restarts of the process. A publisher's own id may be any string but one
     * spelled as a position this log has issued or will issue ({@code append} refuses it with
     * {@code IllegalArgumentException}): a resume could not tell the two apart.
     *
     * @param maxEvents the most entries kept for resume (0 keeps none)
     * @param maxBytes  the most encoded bytes kept for resume
     * @return the log
     * @throws IllegalArgumentException if a bound is negative
     */
    static EventLog inMemory(int maxEvents, long maxBytes) {
        return MemoryLog.create(maxEvents, maxBytes, 0);
    }

    /**
     * Returns an in-memory log as {@link #inMemory(int, long)} does, whose first position is
     * {@code firstId}: for ids read by people or tests. The clock start of the other factory
     * keeps ids increasing across restarts, so that a client resuming with an id from an earlier
     * run gets {@code reset} and never a replay of other events under a reused id; this one
     * does not.
     *
     * @param maxEvents the most entries kept for resume (0 keeps none)
     * @param maxBytes  the most encoded bytes kept for resume
     * @param firstId   the first position, at least 1
     * @return the log
     * @throws IllegalArgumentException if a bound is negative or {@code firstId} is less than 1
     */
    static EventLog inMemory(int maxEvents, long maxBytes, long firstId) {
        if (firstId < 1) {
            throw new IllegalArgumentException("firstId must be at least 1: " + firstId);
        }
        return MemoryLog.create(maxEvents, maxBytes, firstId);
    }

    /**
     * Appends an update and returns its entry's id on the wire (the publisher's own id, else the
     * position) once the log holds it; the tail hands it to the sink afterwards or meanwhile.
     *
     * @param update the update
     * @return the entry's id
     * @throws DuplicateIdException if the update's own id is already held by the log
     * @throws IllegalArgumentException if the update's own id is one the log cannot keep apart
     *         from its own ids
     * @throws java.io.UncheckedIOException if the log cannot take the update now (unreachable,
     *         timed out); nothing was appended, or it is unknown whether it was
     * @throws IllegalStateException if the log is closed
     */
    String append(Update update);

    /**
     * Reads the entries after an id, up to and including a position, that the filter wants, in
     * log order; or says why it cannot.
     *
     * @param after  the id the client saw last (a position or a publisher's own id), or
     *               {@code null} for every entry the log still holds
     * @param upTo   the position to stop at, inclusive: the cursor of the caller's tail
     * @param wanted which updates to return
     * @return the entries, or a gap: {@link Gap#UNKNOWN} for an id the log never issued, or for
     *         the publisher's own id of a private update that {@code wanted} refuses (a resume
     *         must not tell a subscriber who may not read that update that it exists),
     *         {@link Gap#EXPIRED} when entries after it are no longer held; {@link Replay#ahead}
     *         when {@code after} is a position beyond {@code upTo}
     * @throws java.io.UncheckedIOException if the log cannot be read now
     */
    Replay readAfter(String after, String upTo, Predicate<Update> wanted);

    /**
     * Starts the one reader that hands every entry appended from now on to the sink, in log
     * order, and returns the position before the first of them (the end of the log now). Called
     * once.
     *
     * @param sink where entries go
     * @return the starting cursor, a position that {@link #readAfter} accepts
     * @throws IllegalStateException if a tail was already started
     */
    String tail(Sink sink);

    /**
     * Compares two positions this log issued, in log order.
     *
     * @param a a position
     * @param b another position
     * @return a negative number, zero or a positive number as {@code a} comes before, is, or
     *         comes after {@code b}
     */
    int compare(String a, String b);

    /**
     * Returns the log's health now, for {@code /healthz}, {@code /stats} and {@code /metrics}.
     *
     * @return the status
     */
    Status status();

    /** Stops the tail and releases the log's resources; idempotent. */
    @Override
    void close();

    /** Where a tail hands entries; called by one thread at a time, in log order, never blocking. */
    interface Sink {
        /**
         * Takes the next entry.
         *
         * @param entry the entry
         */
        void accept(Entry entry);

        /**
         * Says that entries after the previous cursor were lost to the tail (trimmed while the
         * log was unreachable) and that it goes on after {@code cursor}: subscribers must reload.
         *
         * @param cursor the position the tail continues after
         */
        void lost(String cursor);
    }

    /** Why a {@link #readAfter} cannot replay. */
    enum Gap {
        /** The id was never issued by this log (or is not one of its ids at all). */
        UNKNOWN("unknown"),
        /** Entries after the id are no longer held. */
        EXPIRED("expired");

        private final String label;

        Gap(String label) {
            this.label = label;
        }

        /**
         * Returns the word sent as the data of a {@code reset} event.
         *
         * @return {@code unknown} or {@code expired}
         */
        public String label() {
            return label;
        }
    }

    /**
     * The answer of {@link #readAfter}: entries, a gap, or the position the caller's tail must
     * reach first.
     *
     * @param entries the entries, in log order (empty with a gap)
     * @param gap     why there is no replay, or {@code null}
     * @param ahead   the position of {@code after} when it lies beyond {@code upTo}, else
     *                {@code null}
     */
    record Replay(List<Entry> entries, Gap gap, String ahead) {
        /**
         * Copies the entries.
         *
         * @throws NullPointerException if {@code entries} is null
         */
        public Replay {
            entries = List.copyOf(entries);
        }

        /**
         * Returns a replay of these entries.
         *
         * @param entries the entries, in log order
         * @return the replay
         */
        public static Replay of(List<Entry> entries) {
            return new Replay(entries, null, null);
        }

        /**
         * Returns a gap.
         *
         * @param gap why there is no replay
         * @return the replay
         */
        public static Replay gap(Gap gap) {
            return new Replay(List.of(), Objects.requireNonNull(gap, "gap"), null);
        }

        /**
         * Returns the answer for an id beyond the caller's cursor: wait until the tail has
         * passed this position, then read again.
         *
         * @param position the position of the id asked for
         * @return the replay
         */
        public static Replay ahead(String position) {
            return new Replay(List.of(), null, Objects.requireNonNull(position, "position"));
        }
    }

    /**
     * A log's health.
     *
     * @param reachable  whether the log answers now
     * @param reason     why not, one line, or {@code null}
     * @param lag        entries appended but not yet handed to the sink (0 when unknown)
     * @param reconnects how often the log's connection was re-established
     */
    record Status(boolean reachable, String reason, long lag, long reconnects) {
        /** The status of a log that is always reachable. */
        public static final Status UP = new Status(true, null, 0, 0);
    }

    /** Thrown by {@link #append} when the update's own id is already in the log. */
    final class DuplicateIdException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception for this id.
         *
         * @param id the publisher's id already held
         */
        public DuplicateIdException(String id) {
            super("id is already in the history: " + SseEvent.quote(id));
        }
    }
}
