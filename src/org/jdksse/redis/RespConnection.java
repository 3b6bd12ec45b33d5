package org.jdksse.redis;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One connection to Redis: a socket with connect and read timeouts, logged in ({@code AUTH}) and
 * on its database ({@code SELECT}) before it is returned. Calls are request then reply, one at a
 * time; the caller serializes them (a connection is used by one thread at a time).
 *
 * <p>Every failure is an {@link IOException} with one line that says what went wrong where:
 * a refused connection, a timeout, a wrong password. After any exception other than
 * {@link Resp.ErrorReply} the connection is unusable and must be closed.
 */
final class RespConnection implements Closeable {
    private final RedisUri uri;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** When a command last went out: a connection idle for long may have been closed by Redis ({@code timeout}) or a NAT. */
    private volatile long lastUsed = System.nanoTime();

    private RespConnection(RedisUri uri, Socket socket) throws IOException {
        this.uri = uri;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects, logs in and selects the database.
     *
     * @param readTimeout how long one reply may take (a blocking command adds its own wait)
     */
    static RespConnection open(RedisUri uri, Duration connectTimeout, Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(uri.host(), uri.port()), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
        } catch (UnknownHostException e) {
            close(socket);
            throw new IOException("redis at " + uri.address() + ": unknown host");
        } catch (ConnectException e) {
            close(socket);
            throw new IOException("redis at " + uri.address() + " refused the connection (is redis-server running?)");
        } catch (SocketTimeoutException e) {
            close(socket);
            throw new IOException("redis at " + uri.address() + " did not accept the connection within " + connectTimeout.toMillis() + " ms");
        } catch (IOException e) {
            close(socket);
            throw new IOException("redis at " + uri.address() + ": " + e.getMessage());
        }
        RespConnection connection = new RespConnection(uri, socket);
        try {
            if (uri.password() != null) {
                try {
                    if (uri.user() != null) {
                        connection.call("AUTH", uri.user(), uri.password());
                    } else {
                        connection.call("AUTH", uri.password());
                    }
                } catch (Resp.ErrorReply e) {
                    // Never echo what was sent; Redis's own line does not contain the password.
                    throw new IOException("redis at " + uri.address() + " refused the login: " + e.getMessage());
                }
            }
            if (uri.db() != 0) {
                try {
                    connection.call("SELECT", uri.db());
                } catch (Resp.ErrorReply e) {
                    throw new IOException("redis at " + uri.address() + " refused database " + uri.db() + ": " + e.getMessage());
                }
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Sends a command and returns its reply.
     *
     * @throws Resp.ErrorReply if Redis answered with an error (the connection stays usable)
     * @throws IOException if the connection failed, timed out or was closed; then it is unusable
     */
    Object call(Object... args) throws IOException {
        send(Resp.command(args));
        return thrown(receive());
    }

    /** Sends a command that may block on the server for {@code block}, reading with that much longer a timeout. */
    Object callBlocking(Duration block, Duration readTimeout, Object... args) throws IOException {
        return callBlocking(block, readTimeout, null, args).get(0);
    }

    /**
     * Sends a command, then one that may block on the server, in one write, and returns both replies
     * in order (only the blocking one's without {@code first}). A pipeline saves a round trip, and
     * Redis runs the two back to back. The first's error reply is returned as a value, not thrown, so
     * that the second's reply is always read.
     *
     * @throws Resp.ErrorReply if Redis answered the blocking command with an error
     */
    List<Object> callBlocking(Duration block, Duration readTimeout, Object[] first, Object... args) throws IOException {
        try {
            socket.setSoTimeout((int) (readTimeout.toMillis() + block.toMillis()));
            if (first == null) {
                send(Resp.command(args));
                return Arrays.asList(thrown(receive())); // a nil reply is null
            }
            byte[] a = Resp.command(first);
            byte[] b = Resp.command(args);
            byte[] both = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            send(both);
            Object firstReply = receive();
            return Arrays.asList(firstReply, thrown(receive()));
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) readTimeout.toMillis());
            }
        }
    }

    private void send(byte[] commands) throws IOException {
        lastUsed = System.nanoTime();
        try {
            out.write(commands);
            out.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private Object receive() throws IOException {
        try {
            return Resp.read(in);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Throws an error reply (a fresh one, with this caller's stack), returns any other. */
    private static Object thrown(Object reply) throws Resp.ErrorReply {
        if (reply instanceof Resp.ErrorReply error) {
            throw new Resp.ErrorReply(error.getMessage());
        }
        return reply;
    }

    /** Returns how long no command has gone out on this connection. */
    Duration idle() {
        return Duration.ofNanos(System.nanoTime() - lastUsed);
    }

    /** Says whether Redis still answers on this connection; an error reply is an answer. */
    boolean answersPing() {
        try {
            call("PING");
            return true;
        } catch (Resp.ErrorReply e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private IOException failure(IOException e) {
        close();
        if (e instanceof SocketTimeoutException) {
            return new IOException("redis at " + uri.address() + " did not answer in time");
        }
        String message = e.getMessage();
        return new IOException("redis at " + uri.address() + ": " + (message != null ? message : e.getClass().getSimpleName()));
    }

    /** Returns whether the socket is closed (by {@link #close} or a failure). */
    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        close(socket);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is best effort: the socket is dropped either way.
        }
    }
}
