package org.jdksse.redis;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RESP2, the Redis protocol: commands out as arrays of bulk strings, replies in as the five
 * reply types. Replies map to Java values: a simple string to {@link String}, an integer to
 * {@link Long}, a bulk string to {@link String} (UTF-8), a null bulk or null array to
 * {@code null}, an array to a {@link List} of replies; an error reply is returned as an
 * {@link ErrorReply} value (so that one nested in an array keeps its place) and thrown by
 * {@link RespConnection#call} when it is the whole reply.
 *
 * <p>Not thread-safe: one reader per stream.
 */
final class Resp {
    /** The longest line (simple string, error, integer, length) accepted, against a runaway server. */
    static final int MAX_LINE = 64 * 1024;
    /** The largest bulk string accepted (Redis's own proto-max-bulk-len default). */
    static final int MAX_BULK = 512 * 1024 * 1024;
    /** The deepest nesting of arrays accepted. */
    static final int MAX_DEPTH = 16;

    private Resp() {
    }

    /** An error reply: the server's one line, such as {@code ERR unknown command} or {@code WRONGPASS ...}. */
    static final class ErrorReply extends IOException {
        private static final long serialVersionUID = 1L;

        ErrorReply(String message) {
            super(message);
        }

        /** Returns the error's first word, such as {@code ERR}, {@code WRONGPASS} or {@code NOSCRIPT}. */
        String code() {
            String m = getMessage();
            int space = m.indexOf(' ');
            return space < 0 ? m : m.substring(0, space);
        }
    }

    /** Encodes a command as an array of bulk strings; each argument is a String, a number or byte[]. */
    static byte[] command(Object... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        ascii(out, "*" + args.length + "\r\n");
        for (Object arg : args) {
            byte[] bytes = arg instanceof byte[] b ? b : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
            ascii(out, "$" + bytes.length + "\r\n");
            out.writeBytes(bytes);
            ascii(out, "\r\n");
        }
        return out.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads one whole reply.
     *
     * @throws EOFException if the stream ends before the reply does
     * @throws IOException on a read error or a reply that is not RESP2
     */
    static Object read(InputStream in) throws IOException {
        return read(in, 0);
    }

    private static Object read(InputStream in, int depth) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("redis closed the connection");
        }
        switch (type) {
            case '+':
                return line(in);
            case '-':
                return new ErrorReply(line(in));
            case ':':
                return number(line(in));
            case '$': {
                long length = number(line(in));
                if (length == -1) {
                    return null;
                }
                if (length < 0 || length > MAX_BULK) {
                    throw new IOException("redis sent a bulk string of length " + length);
                }
                byte[] bytes = in.readNBytes((int) length);
                if (bytes.length < length) {
                    throw new EOFException("redis closed the connection in the middle of a reply");
                }
                expectCrLf(in);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                long count = number(line(in));
                if (count == -1) {
                    return null;
                }
                if (count < 0 || count > Integer.MAX_VALUE - 8) {
                    throw new IOException("redis sent an array of length " + count);
                }
                if (depth >= MAX_DEPTH) {
                    throw new IOException("redis sent arrays nested deeper than " + MAX_DEPTH);
                }
                // The count is the server's word; grow as elements arrive rather than trust it up front.
                List<Object> list = new ArrayList<>((int) Math.min(count, 1024));
                for (long i = 0; i < count; i++) {
                    list.add(read(in, depth + 1));
                }
                return list;
            }
            default:
                throw new IOException("redis sent a reply of unknown type " + printable(type));
        }
    }

    /** Reads up to CRLF; a reply's line is ASCII in practice, decoded as UTF-8 to keep any server text. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(32);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("redis closed the connection in the middle of a reply");
            }
            if (b == '\r') {
                int lf = in.read();
                if (lf < 0) {
                    throw new EOFException("redis closed the connection in the middle of a reply");
                }
                if (lf != '\n') {
                    throw new IOException("redis sent CR without LF");
                }
                return buf.toString(StandardCharsets.UTF_8);
            }
            if (buf.size() >= MAX_LINE) {
                throw new IOException("redis sent a line longer than " + MAX_LINE + " bytes");
            }
            buf.write(b);
        }
    }

    private static void expectCrLf(InputStream in) throws IOException {
        int cr = in.read();
        int lf = in.read();
        if (cr < 0 || lf < 0) {
            throw new EOFException("redis closed the connection in the middle of a reply");
        }
        if (cr != '\r' || lf != '\n') {
            throw new IOException("redis sent a bulk string without its CRLF");
        }
    }

    private static long number(String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("redis sent a malformed number: " + text);
        }
    }

    private static String printable(int b) {
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b);
    }
}
