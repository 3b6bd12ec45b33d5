package org.jdksse.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jdksse.Entry;
import org.jdksse.EventLog;
import org.jdksse.Update;

/**
 * An {@link EventLog} on one Redis stream, shared by every hub that names the same stream: each
 * publish is an {@code XADD}, each hub's one reader an {@code XREAD BLOCK}, so that all hubs send
 * the same events, in the same order, with the same ids (the entry ids, {@code <ms>-<seq>}).
 *
 * <ul>
 *   <li>{@link #append}: {@code XADD key MAXLEN ~ maxLen * fields}; the id is returned only
 *       after Redis accepted the entry. An update with its own id goes through a small script
 *       that refuses an id still in the stream and indexes it for resume, atomically; an own
 *       id spelled as a stream id is refused before, since a resume could not tell the two apart.</li>
 *   <li>{@link #readAfter}: {@code XRANGE}, paged, from the entry after the id up to the
 *       caller's cursor; an id below the stream's first entry is {@link Gap#EXPIRED}, an id it
 *       does not hold {@link Gap#UNKNOWN}, as is the own id of a private entry the caller's
 *       filter refuses.</li>
 *   <li>{@link #tail}: one virtual thread on its own connection, reconnecting with jittered
 *       backoff from its cursor; {@link EventLog.Sink#lost} when entries after the cursor were
 *       trimmed meanwhile.</li>
 * </ul>
 *
 * <p>When Redis cannot be reached, {@code append} and {@code readAfter} throw
 * {@link UncheckedIOException} within the connect or read timeout (1 and 2 seconds), and
 * {@link #status} says why. What an acknowledged append survives is Redis's durability:
 * with {@code appendfsync always} a Redis restart, with {@code everysec} all but about the last
 * second; an asynchronous replica promoted on failover may lack acknowledged entries.
 *
 * <p>Safe for use by several threads: each call borrows its own connection.
 *
 * <pre>{@code
 * EventLog log = RedisEventLog.connect(URI.create("redis://localhost:6379"), "jdksse", 1_000);
 * Broadcaster broadcaster = Broadcaster.builder().log(log).build();
 * }</pre>
 */
public final class RedisEventLog implements EventLog {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final int PAGE = 512;
    /** Appends with an own id: refuse one still in the stream, add, index it, forget ids trimmed away. */
    private static final String APPEND_OWN = """
            local pos = redis.call('HGET', KEYS[2], ARGV[2])
            if pos and #redis.call('XRANGE', KEYS[1], pos, pos) > 0 then
              return redis.error_reply('DUPLICATE ' .. pos)
            end
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))
            redis.call('HSET', KEYS[2], ARGV[2], id)
            redis.call('ZADD', KEYS[3], tonumber(string.match(id, '^%d+')), ARGV[2])
            local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1][1]
            local stale = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.match(first, '^%d+'), 'LIMIT', 0, 64)
            if #stale > 0 then
              redis.call('HDEL', KEYS[2], unpack(stale))
              redis.call('ZREM', KEYS[3], unpack(stale))
            end
            return id
            """;

    private final RedisUri uri;
    private final String key;
    private final String idsKey;
    private final String idTimesKey;
    private final int maxLen;
    private final Health health;
    private final Commands commands;
    private final ReentrantLock tailLock = new ReentrantLock();
    // Guarded by tailLock.
    private StreamTail tail;
    private boolean closed;

    private RedisEventLog(RedisUri uri, String key, int maxLen) {
        this.uri = uri;
        this.key = key;
        this.idsKey = key + ":ids";
        this.idTimesKey = key + ":idtimes";
        this.maxLen = maxLen;
        this.health = new Health("redis at " + uri.address() + ": not connected yet");
        this.commands = new Commands(uri, CONNECT_TIMEOUT, READ_TIMEOUT, health);
    }

    /**
     * Returns a log on a Redis stream and tries to reach Redis once: an unreachable Redis is not
     * an error here (a hub starts and retries), {@link #status} says why until it answers.
     *
     * @param redisUri  {@code redis://[[user]:password@]host[:port][/db]}
     * @param streamKey the stream's key; the log also uses {@code streamKey:ids} and
     *                  {@code streamKey:idtimes} for publishers' own ids
     * @param maxLen    the approximate number of entries the stream keeps ({@code MAXLEN ~})
     * @return the log
     * @throws IllegalArgumentException in one line if the URL is not a Redis URL, the key is
     *         empty or {@code maxLen} is less than 1
     * @throws NullPointerException if an argument is null
     */
    public static RedisEventLog connect(URI redisUri, String streamKey, int maxLen) {
        Objects.requireNonNull(redisUri, "redisUri");
        return connect(RedisUri.parse(redisUri), streamKey, maxLen);
    }

    /**
     * Returns a log on a Redis stream; see {@link #connect(URI, String, int)}. A malformed URL is
     * reported without repeating it, so that a password in it does not reach a log line.
     *
     * @param redisUrl  {@code redis://[[user]:password@]host[:port][/db]}
     * @param streamKey the stream's key
     * @param maxLen    the approximate number of entries the stream keeps
     * @return the log
     * @throws IllegalArgumentException in one line if an argument is invalid
     * @throws NullPointerException if an argument is null
     */
    public static RedisEventLog connect(String redisUrl, String streamKey, int maxLen) {
        Objects.requireNonNull(redisUrl, "redisUrl");
        return connect(RedisUri.parse(redisUrl), streamKey, maxLen);
    }

    /**
     * Checks that a text is a Redis URL this log accepts, without connecting: for validating
     * configuration early. The message names the form expected and never repeats a password.
     *
     * @param redisUrl {@code redis://[[user]:password@]host[:port][/db]}
     * @throws IllegalArgumentException in one line if it is not
     * @throws NullPointerException if {@code redisUrl} is null
     */
    public static void checkUrl(String redisUrl) {
        RedisUri.parse(Objects.requireNonNull(redisUrl, "redisUrl"));
    }

    private static RedisEventLog connect(RedisUri uri, String streamKey, int maxLen) {
        Objects.requireNonNull(streamKey, "streamKey");
        if (streamKey.isEmpty() || streamKey.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("streamKey must be non-empty without control characters");
        }
        if (maxLen < 1) {
            // MAXLEN ~ 0 trims each entry in the XADD that adds it: no hub's tail would ever read one.
            throw new IllegalArgumentException("maxLen must be at least 1 (the stream is how hubs hand entries over): " + maxLen);
        }
        RedisEventLog log = new RedisEventLog(uri, streamKey, maxLen);
        try {
            log.commands.call(true, "PING");
        } catch (Resp.ErrorReply e) {
            // Commands leaves the health alone on an error reply, but PING refused (NOAUTH, say)
            // means this log can serve nothing: a reason better than "not connected yet".
            log.health.down("redis at " + uri.address() + ": " + e.getMessage());
        } catch (IOException e) {
            // health already holds the reason; the first append or the tail tries again.
        }
        return log;
    }

    @Override
    public String append(Update update) {
        Objects.requireNonNull(update, "update");
        List<String> fields = Fields.of(update);
        String own = update.ownId();
        List<Object> args = new ArrayList<>(fields.size() + 8);
        try {
            if (own == null) {
                args.addAll(List.of("XADD", key, "MAXLEN", "~", maxLen, "*"));
                args.addAll(fields);
                return (String) commands.call(false, args.toArray());
            }
            StreamId spelled = StreamId.parse(own);
            if (spelled != null && spelled.toString().equals(own)) {
                throw new IllegalArgumentException("id must not be spelled as a Redis stream id (<ms>-<seq>): a resume from "
                        + own + " could not tell it from the stream's own entry");
            }
            // EVAL rather than EVALSHA: Redis caches the compiled script by its digest either way,
            // and a restarted Redis (which forgets scripts) needs no second round trip.
            args.addAll(List.of("EVAL", APPEND_OWN, 3, key, idsKey, idTimesKey, maxLen, own));
            args.addAll(fields);
            try {
                commands.call(false, args.toArray());
            } catch (Resp.ErrorReply e) {
                if (e.getMessage().startsWith("DUPLICATE")) {
                    throw new DuplicateIdException(own);
                }
                throw e;
            }
            return own;
        } catch (IllegalStateException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public Replay readAfter(String after, String upTo, Predicate<Update> wanted) {
        StreamId limit = StreamId.require("upTo", upTo);
        Objects.requireNonNull(wanted, "wanted");
        try {
            if (after == null) {
                return Replay.of(range(null, limit, wanted));
            }
            StreamId from = resolve(after, wanted);
            if (from == null) {
                return Replay.gap(Gap.UNKNOWN);
            }
            if (from.equals(limit)) {
                // The client is exactly at the cursor (the hub's Last-Event-ID, even 0-0 on a new stream).
                return Replay.of(List.of());
            }
            if (from.compareTo(limit) > 0) {
                return exists(from) ? Replay.ahead(from.toString()) : Replay.gap(Gap.UNKNOWN);
            }
            List<Entry> entries = range(from, limit, wanted);
            if (entries == null) {
                return Replay.gap(classify(from));
            }
            return Replay.of(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Returns the position of an id: a publisher's own id through the index, else the id itself;
     * null if neither, or if it is the own id of a private entry that {@code wanted} refuses (a
     * resume from it must not tell a subscriber who may not read the entry that it exists).
     */
    private StreamId resolve(String after, Predicate<Update> wanted) throws IOException {
        if (!(commands.call(true, "HGET", idsKey, after) instanceof String position)) {
            return StreamId.parse(after);
        }
        Update update = read(position);
        if (update != null && update.isPrivate() && !wanted.test(update)) {
            return null;
        }
        return StreamId.parse(position);
    }

    /** Returns the update of the entry at a position, or null if the stream no longer holds it. */
    private Update read(String position) throws IOException {
        List<?> held = (List<?>) commands.call(true, "XRANGE", key, position, position);
        return !held.isEmpty() && ((List<?>) held.get(0)).get(1) instanceof List<?> fields ? Fields.parse(fields) : null;
    }

    private boolean exists(StreamId id) throws IOException {
        return commands.call(true, "XRANGE", key, id.toString(), id.toString()) instanceof List<?> l && !l.isEmpty();
    }

    /**
     * Reads the entries after {@code from} up to {@code limit}, page by page; with a {@code from},
     * the first page starts at it, inclusive, to see that the stream still holds it (any Redis
     * accepts this, unlike the exclusive {@code (id} of Redis 6.2). Returns null when it does not.
     */
    private List<Entry> range(StreamId from, StreamId limit, Predicate<Update> wanted) throws IOException {
        List<Entry> out = new ArrayList<>();
        String start = from == null ? "-" : from.toString();
        boolean first = from != null;
        while (true) {
            List<?> page = (List<?>) commands.call(true, "XRANGE", key, start, limit.toString(), "COUNT", PAGE);
            if (first) {
                if (page.isEmpty() || !from.toString().equals(((List<?>) page.get(0)).get(0))) {
                    return null;
                }
            }
            StreamId last = null;
            for (int i = first ? 1 : 0; i < page.size(); i++) {
                List<?> pair = (List<?>) page.get(i);
                String id = (String) pair.get(0);
                last = StreamId.parse(id);
                Update update = pair.get(1) instanceof List<?> fields ? Fields.parse(fields) : null;
                if (update != null && wanted.test(update)) {
                    out.add(Entry.of(id, update));
                }
            }
            if (first && page.size() == 1) {
                last = from;
            }
            first = false;
            if (page.size() < PAGE || last == null || last.compareTo(limit) >= 0) {
                return out;
            }
            start = last.next().toString();
        }
    }

    /** Says why the stream lacks an id at or below the cursor: below its first entry it was trimmed. */
    private Gap classify(StreamId id) throws IOException {
        StreamInfo info = StreamInfo.read(args -> commands.call(true, args), key);
        if (id.compareTo(info.lastGenerated()) > 0) {
            return Gap.UNKNOWN;
        }
        return info.first() == null || id.compareTo(info.first()) < 0 ? Gap.EXPIRED : Gap.UNKNOWN;
    }

    @Override
    public String tail(Sink sink) {
        Objects.requireNonNull(sink, "sink");
        StreamTail started;
        tailLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the log is closed");
            }
            if (tail != null) {
                throw new IllegalStateException("the log already has a tail");
            }
            started = new StreamTail(uri, key, CONNECT_TIMEOUT, READ_TIMEOUT, health, sink);
            tail = started;
            // Connecting may take the connect timeout; under the lock, so that close waits for it.
            return started.start();
        } finally {
            tailLock.unlock();
        }
    }

    /**
     * Compares two entry ids as two unsigned numbers each ({@code 9-5} before {@code 10-0}).
     *
     * @throws IllegalArgumentException if either is not an entry id
     */
    @Override
    public int compare(String a, String b) {
        return StreamId.require("a", a).compareTo(StreamId.require("b", b));
    }

    /**
     * Returns whether Redis answered last time it was asked (by the reader or a command), why not,
     * the reader's lag in entries (measured while it is behind, 0 once it caught up) and how often
     * the reader reconnected.
     */
    @Override
    public Status status() {
        return health.status();
    }

    /**
     * Returns the stream's key and Redis's address (without any password), for logs.
     *
     * @return a description
     */
    @Override
    public String toString() {
        return "RedisEventLog[" + uri + " " + key + " maxLen ~" + maxLen + "]";
    }

    @Override
    public void close() {
        StreamTail t;
        tailLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            t = tail;
        } finally {
            tailLock.unlock();
        }
        if (t != null) {
            t.close();
        }
        commands.close();
    }
}
