package org.jdksse;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client on a raw socket with a small receive buffer that reads an event stream at a steady,
 * bounded pace: a slow reader that never stops, which the stall checks must leave alone. It can
 * also stop reading for good part-way, as a stuck client does, which they must abort.
 *
 * <p>It reads at most {@link #BYTES_PER_SECOND} on average since it connected (a read takes what
 * the kernel holds, about 8 KiB here, then the reader sleeps off what it is ahead), so a write
 * to it of N bytes more than the server's socket buffers hold lasts at least N / 3 MB/s, even on
 * a fast machine; on a loaded one it reads slower, never faster. It reads every few
 * milliseconds, but the server's writer sees that only when the kernel wakes it: after about a
 * third of its send buffer has drained, which on loopback (MSS 64 KiB, {@code tcp_wmem} up to
 * 4 MiB) holds about 3 MB, so about every 1 MB read, a third of a second at full pace.
 *
 * <p>The response must be chunked, as every event stream is; markers are looked for in the body
 * with the chunked coding undone, so a chunk line never splits one. One thread uses a reader.
 */
final class SteadyReader implements AutoCloseable {
    /** The most the reader reads per second, on average since it connected. */
    static final long BYTES_PER_SECOND = 3_000_000;
    private static final int READ = 16 * 1024;
    // Where the decoder is in the response: headers, a chunk's size line, its data, its CRLF, the end.
    private static final int HEAD = 0;
    private static final int SIZE = 1;
    private static final int DATA = 2;
    private static final int CRLF = 3;
    private static final int DONE = 4;

    private final Socket socket;
    private final InputStream in;
    private final byte[] buffer = new byte[READ];
    private final long connected = System.nanoTime();
    private long bytes;
    private boolean ended;
    private int state = HEAD;
    /** The last four bytes of the headers read so far, to find their blank line. */
    private int headTail;
    private final StringBuilder sizeLine = new StringBuilder();
    private long chunkLeft;
    /** The body read since the last marker looked for, minus what a marker can no longer start in. */
    private final StringBuilder body = new StringBuilder();

    private SteadyReader(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Connects with an 8 KiB receive buffer and sends a GET for the target with these header lines. */
    static SteadyReader get(int port, String target, String... headers) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(8192);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: x\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            return new SteadyReader(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Reads at the steady pace until the body has shown the marker {@code times} times, or until
     * the response ends or is reset.
     *
     * @return how many times the marker was seen: fewer than {@code times} if the server ended
     *     or aborted the response first
     * @throws SocketTimeoutException if the server sent nothing for 10 s: neither slow nor aborted
     */
    int count(String marker, int times) throws IOException {
        int seen = 0;
        while (seen < times && readOnce()) {
            int at = 0;
            for (int i; (i = body.indexOf(marker, at)) >= 0; at = i + marker.length()) {
                seen++;
            }
            // Keep what could begin a marker, never what already completed one.
            body.delete(0, Math.max(at, body.length() - (marker.length() - 1)));
        }
        return seen;
    }

    /** Reads at the steady pace until at least {@code n} bytes in all, or the response's end. */
    long readAtLeast(long n) throws IOException {
        while (bytes < n && readOnce()) {
            body.setLength(0); // no marker is looked for
        }
        return bytes;
    }

    /** Returns how many bytes were read so far, headers and chunk lines included. */
    long bytes() {
        return bytes;
    }

    /** Returns whether a read found the connection ended or reset by the server. */
    boolean ended() {
        return ended;
    }

    /**
     * Drains what the kernel still holds until the connection ends (closed or reset by the
     * server). Call it only once the server has given up on the stream: reading is progress.
     *
     * @return {@code false} if the connection was still open after the timeout
     */
    boolean awaitEnd(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        byte[] drain = new byte[64 * 1024];
        try {
            while (in.read(drain) >= 0) {
                // what the kernel still held for us
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** One read, then a sleep if the reader is ahead of its pace; {@code false} once the connection has ended or was reset. */
    private boolean readOnce() throws IOException {
        if (ended) {
            return false;
        }
        int n;
        try {
            n = in.read(buffer);
        } catch (SocketTimeoutException silent) {
            throw silent;
        } catch (IOException reset) {
            ended = true;
            return false;
        }
        if (n < 0) {
            ended = true;
            return false;
        }
        bytes += n;
        decode(n);
        long ahead = connected + bytes * 1_000_000_000 / BYTES_PER_SECOND - System.nanoTime();
        try {
            if (ahead > 0) {
                Thread.sleep(Duration.ofNanos(ahead));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return true;
    }

    /** Appends the body bytes among the first {@code n} of the buffer to {@link #body}, as Latin-1. */
    private void decode(int n) {
        for (int i = 0; i < n; i++) {
            int b = buffer[i] & 0xFF;
            switch (state) {
                case HEAD -> {
                    headTail = headTail << 8 | b;
                    if (headTail == ('\r' << 24 | '\n' << 16 | '\r' << 8 | '\n')) {
                        state = SIZE;
                    }
                }
                case SIZE -> {
                    if (b == '\n') {
                        chunkLeft = Long.parseLong(sizeLine.toString().trim(), 16);
                        sizeLine.setLength(0);
                        state = chunkLeft == 0 ? DONE : DATA;
                    } else {
                        sizeLine.append((char) b);
                    }
                }
                case DATA -> {
                    int take = (int) Math.min(chunkLeft, n - i);
                    body.append(new String(buffer, i, take, StandardCharsets.ISO_8859_1));
                    chunkLeft -= take;
                    i += take - 1;
                    if (chunkLeft == 0) {
                        state = CRLF;
                    }
                }
                case CRLF -> {
                    if (b == '\n') {
                        state = SIZE;
                    }
                }
                default -> {
                    // after the last chunk: trailers, if any, say nothing to a test
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
