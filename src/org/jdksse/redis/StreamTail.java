package org.jdksse.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jdksse.Entry;
import org.jdksse.EventLog;
import org.jdksse.Update;

/**
 * The one reader of a hub: {@code XREAD BLOCK} on its own connection from its cursor, handing each
 * entry to the sink in stream order. States and transitions:
 *
 * <ol>
 *   <li>started: the first cursor is the stream's last generated id now ({@code 0-0} for a new
 *       stream, and also when Redis cannot be reached at start; then the first connection moves the
 *       cursor to the end and reports the skipped entries as lost);</li>
 *   <li>reading: each reply's entries go to the sink and advance the cursor; after a reply with
 *       entries, it checks that nothing after the cursor was trimmed meanwhile (one
 *       {@code XINFO STREAM} per batch, sent with the next read in one write; an empty reply
 *       needs none);</li>
 *   <li>disconnected: the health turns down with the reason, the reader waits with jittered
 *       exponential backoff (50 ms doubling to 2 s) and reconnects; on reconnecting it checks for
 *       trimmed entries and goes on from the cursor (never {@code $});</li>
 *   <li>lost: entries after the cursor are gone (trimmed, or Redis came back older than the
 *       cursor): the cursor moves to the stream's last id and the sink hears {@code lost}.</li>
 * </ol>
 *
 * <p>Trimming is detected with {@code entries-added} (Redis 7): the entries added after the cursor
 * must all still be in the stream when its first entry is past the cursor. Before Redis 7 the check
 * is conservative (a cursor older than the first entry counts as lost).
 */
final class StreamTail implements Runnable {
    static final int COUNT = 512;
    private static final Duration BLOCK = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger("org.jdksse.redis");

    private final RedisUri uri;
    private final String key;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Health health;
    private final EventLog.Sink sink;
    private volatile boolean closed;
    private volatile RespConnection connection;
    private Thread thread;

    // Owned by the reader thread (and by start, before the thread exists).
    private StreamId cursor = StreamId.ZERO;
    /** entries-added when the cursor's entry was added; -1 when unknown. */
    private long addedAtCursor = -1;
    private boolean cursorKnown;
    /** Whether entries arrived since the last check for trimmed ones. */
    private boolean unchecked;

    StreamTail(RedisUri uri, String key, Duration connectTimeout, Duration readTimeout, Health health, EventLog.Sink sink) {
        this.uri = uri;
        this.key = key;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.health = health;
        this.sink = sink;
    }

    /** Connects once (bounded by the timeouts), starts the reader and returns its first cursor. */
    String start() {
        try {
            RespConnection c = RespConnection.open(uri, connectTimeout, readTimeout);
            try {
                StreamInfo info = StreamInfo.read(c::call, key);
                cursor = info.lastGenerated();
                addedAtCursor = info.entriesAdded();
                cursorKnown = true;
                connection = c;
                health.up();
            } catch (IOException e) {
                c.close();
                throw e;
            }
        } catch (IOException e) {
            health.down(e.getMessage());
        }
        String first = cursor.toString();
        thread = Thread.ofVirtual().name("jdksse-redis-tail").start(this);
        return first;
    }

    @Override
    public void run() {
        int failures = 0;
        boolean connectedBefore = connection != null;
        while (!closed) {
            RespConnection c = connection;
            try {
                if (c == null) {
                    c = RespConnection.open(uri, connectTimeout, readTimeout);
                    connection = c;
                    if (closed) {
                        break;
                    }
                    catchUp(StreamInfo.read(c::call, key));
                    if (connectedBefore) {
                        health.reconnected();
                    }
                    connectedBefore = true;
                    failures = 0;
                    health.up();
                }
                read(c);
            } catch (IOException | RuntimeException e) {
                if (c != null) {
                    c.close();
                }
                connection = null;
                if (closed) {
                    break;
                }
                health.down(e instanceof IOException ? e.getMessage() : "redis reader failed: " + e);
                if (e instanceof RuntimeException) {
                    LOG.log(System.Logger.Level.WARNING, "redis reader failed; reconnecting", e);
                }
                failures++;
                if (!pause(backoff(failures))) {
                    break;
                }
            }
        }
    }

    /**
     * Reads one reply (or the block's timeout) and hands its entries to the sink. After a reply with
     * entries, the check for trimmed ones goes out with the next read, in the same write: one round
     * trip for both, and Redis runs the read right after the check.
     */
    private void read(RespConnection c) throws IOException {
        Object[] xread = {"XREAD", "COUNT", COUNT, "BLOCK", BLOCK.toMillis(), "STREAMS", key, cursor.toString()};
        StreamId from = cursor;
        Object reply;
        if (unchecked) {
            List<Object> replies = c.callBlocking(BLOCK, readTimeout, StreamInfo.command(key), xread);
            // A lost() here moves the cursor past what this read returns up to the stream's end then.
            catchUp(StreamInfo.of(replies.get(0)));
            reply = replies.get(1);
        } else {
            reply = c.callBlocking(BLOCK, readTimeout, xread);
        }
        health.up();
        if (reply == null) {
            unchecked = false;
            health.lag(0);
            return;
        }
        List<?> entries = (List<?>) ((List<?>) ((List<?>) reply).get(0)).get(1);
        for (Object item : entries) {
            List<?> pair = (List<?>) item;
            String id = (String) pair.get(0);
            StreamId position = StreamId.parse(id);
            if (position == null || position.compareTo(from) <= 0) {
                throw new IOException("redis sent an entry id out of order: " + id + " after " + from);
            }
            from = position;
            if (position.compareTo(cursor) <= 0) {
                continue; // reported lost by the check sent with this read
            }
            Update update = pair.get(1) instanceof List<?> fields ? Fields.parse(fields) : null;
            cursor = position;
            if (addedAtCursor >= 0) {
                addedAtCursor++;
            }
            if (update != null) {
                deliver(Entry.of(id, update));
            }
        }
        // Any batch, not only a full one: the hub may stall between replies (a GC pause, a slow
        // fan-out) while other hubs add more than the stream keeps, and the next reply would then
        // start after the trimmed entries without a word. The check before the next read sees it.
        unchecked = !entries.isEmpty();
        if (entries.size() < COUNT) {
            health.lag(0);
        }
    }

    /** Checks, after a reconnect or a reply with entries, that nothing after the cursor is gone; reports it when it is. */
    private void catchUp(StreamInfo info) {
        if (!cursorKnown) {
            // Redis was down when the tail started: begin at the end, as a start would have.
            cursorKnown = true;
            StreamId was = cursor;
            cursor = info.lastGenerated();
            addedAtCursor = info.entriesAdded();
            if (cursor.compareTo(was) > 0) {
                lost();
            }
            return;
        }
        boolean lost;
        if (info.lastGenerated().compareTo(cursor) < 0) {
            // Redis came back without entries the reader had seen: acknowledged writes are gone.
            lost = true;
        } else if (info.first() == null) {
            lost = info.lastGenerated().compareTo(cursor) > 0;
        } else if (info.first().compareTo(cursor) <= 0) {
            lost = false;
        } else if (info.entriesAdded() >= 0 && addedAtCursor >= 0) {
            lost = info.entriesAdded() - addedAtCursor > info.length();
        } else {
            lost = true;
        }
        if (lost) {
            cursor = info.lastGenerated();
            addedAtCursor = info.entriesAdded();
            lost();
        } else if (info.entriesAdded() >= 0 && addedAtCursor >= 0) {
            health.lag(info.entriesAdded() - addedAtCursor);
        }
    }

    private void lost() {
        unchecked = false;
        health.lag(0);
        try {
            sink.lost(cursor.toString());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the sink failed on lost(" + cursor + ")", e);
        }
    }

    private void deliver(Entry entry) {
        try {
            sink.accept(entry);
        } catch (RuntimeException e) {
            // A failing sink must not stop the hub's only reader; the entry is skipped for it alone.
            LOG.log(System.Logger.Level.WARNING, "the sink failed on " + entry, e);
        }
    }

    /** Full jitter over an exponential step: 50 ms doubling to 2 s, at least half of the step. */
    static long backoff(int failures) {
        long step = Math.min(2_000, 50L << Math.min(failures - 1, 10));
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    void close() {
        closed = true;
        RespConnection c = connection;
        if (c != null) {
            c.close();
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
