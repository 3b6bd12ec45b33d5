package org.jdksse.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connections that {@code append} and {@code readAfter} borrow: one per concurrent caller,
 * opened on demand, a few kept idle. A connection that fails is closed and so is every idle one,
 * since they share its fate (a Redis restart leaves them all dead).
 */
final class Commands implements AutoCloseable {
    private static final int MAX_IDLE = 8;
    /** How long a connection may sit idle before a write checks that it still answers. */
    static final Duration STALE = Duration.ofSeconds(1);

    private final RedisUri uri;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Health health;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final ArrayDeque<RespConnection> idle = new ArrayDeque<>();
    private boolean closed;

    Commands(RedisUri uri, Duration connectTimeout, Duration readTimeout, Health health) {
        this.uri = uri;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.health = health;
    }

    /**
     * Runs a command. With {@code idempotent}, a failure on a connection that was idle is retried
     * once on a new one (it was likely left dead by a restart); a write is never retried, since
     * Redis may have applied it before the connection broke. An error reply is neither retried nor
     * news about health: Redis answered, so it is reachable, yet the answer may be NOAUTH, which
     * must not look healthy either.
     *
     * @throws Resp.ErrorReply if Redis answered with an error
     * @throws IOException if Redis could not be reached or did not answer in time
     */
    Object call(boolean idempotent, Object... args) throws IOException {
        RespConnection connection = borrow();
        if (connection != null && !idempotent && connection.idle().compareTo(STALE) > 0 && !connection.answersPing()) {
            // A write cannot be retried, so it must not go out on a connection that Redis (its
            // timeout) or a NAT closed while it sat idle: one PING first, then a fresh connection.
            connection.close();
            dropIdle();
            connection = null;
        }
        boolean reused = connection != null;
        if (connection == null) {
            connection = open();
        }
        try {
            Object reply = call(connection, args);
            health.up();
            return reply;
        } catch (Resp.ErrorReply e) {
            throw e;
        } catch (IOException e) {
            if (!(idempotent && reused)) {
                health.down(e.getMessage());
                throw e;
            }
        }
        connection = open();
        try {
            Object reply = call(connection, args);
            health.up();
            return reply;
        } catch (Resp.ErrorReply e) {
            throw e;
        } catch (IOException e) {
            health.down(e.getMessage());
            throw e;
        }
    }

    private Object call(RespConnection connection, Object... args) throws IOException {
        try {
            Object reply = connection.call(args);
            release(connection);
            return reply;
        } catch (Resp.ErrorReply e) {
            release(connection);
            throw e;
        } catch (IOException e) {
            connection.close();
            dropIdle();
            throw e;
        }
    }

    private RespConnection open() throws IOException {
        try {
            return RespConnection.open(uri, connectTimeout, readTimeout);
        } catch (IOException e) {
            health.down(e.getMessage());
            throw e;
        }
    }

    private RespConnection borrow() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the log is closed");
            }
            return idle.pollLast();
        } finally {
            lock.unlock();
        }
    }

    private void release(RespConnection connection) {
        lock.lock();
        try {
            if (!closed && idle.size() < MAX_IDLE) {
                idle.addLast(connection);
                return;
            }
        } finally {
            lock.unlock();
        }
        connection.close();
    }

    private void dropIdle() {
        lock.lock();
        try {
            idle.forEach(RespConnection::close);
            idle.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        dropIdle();
    }
}
