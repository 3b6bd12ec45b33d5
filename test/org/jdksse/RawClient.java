package org.jdksse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately raw HTTP/1.1 client for tests: writes exact request bytes, reads the status line
 * and headers, then the chunked body as text. It sees precisely what the server put on the wire.
 */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    private final StringBuilder body = new StringBuilder();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean chunked;
    private boolean ended;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Connects and sends a request; the head is the request line and header lines, without the final CRLF. */
    static RawClient request(int port, String head) throws IOException {
        return request(port, head.getBytes(StandardCharsets.ISO_8859_1));
    }

    static RawClient request(int port, byte[] head) throws IOException {
        return request(port, head, new byte[0]);
    }

    /** Connects and sends a request head, the blank line, and a body. */
    static RawClient request(int port, byte[] head, byte[] body) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(head);
        out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        RawClient client = new RawClient(socket);
        client.readHead();
        return client;
    }

    static RawClient get(int port, String path) throws IOException {
        return request(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1");
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    private void readHead() throws IOException {
        String statusLine = readLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line; !(line = readLine()).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        chunked = "chunked".equalsIgnoreCase(header("Transfer-Encoding"));
    }

    /** Reads body text until it contains {@code expected}; returns everything read so far. */
    String readUntil(String expected) throws IOException {
        while (body.indexOf(expected) < 0) {
            if (!readChunk()) {
                throw new IOException("stream ended before " + expected + " in: " + body);
            }
        }
        return body.toString();
    }

    /** Reads until the server ends the response; returns the whole body. */
    String readToEnd() throws IOException {
        while (readChunk()) {
            // keep reading
        }
        return body.toString();
    }

    private boolean readChunk() throws IOException {
        if (ended) {
            return false;
        }
        if (!chunked && header("Content-Length") != null) {
            byte[] all = in.readNBytes(Integer.parseInt(header("Content-Length")));
            append(all, all.length);
            ended = true;
            return all.length > 0;
        }
        if (!chunked) {
            byte[] buffer = new byte[8192];
            int n = in.read(buffer);
            if (n < 0) {
                ended = true;
                return false;
            }
            append(buffer, n);
            return true;
        }
        int size = Integer.parseInt(readLine().trim(), 16);
        byte[] chunk = in.readNBytes(size);
        readLine();
        if (size == 0) {
            ended = true;
            return false;
        }
        append(chunk, chunk.length);
        return true;
    }

    /** Keeps incomplete UTF-8 sequences until their chunk's successor completes them. */
    private void append(byte[] bytes, int n) {
        pending.write(bytes, 0, n);
        byte[] all = pending.toByteArray();
        int complete = all.length;
        int back = 0;
        while (complete > 0 && back < 3 && (all[complete - 1] & 0xC0) == 0x80) {
            complete--;
            back++;
        }
        if (complete > 0 && (all[complete - 1] & 0xC0) == 0xC0) {
            complete--;
        } else {
            complete = all.length;
        }
        body.append(new String(all, 0, complete, StandardCharsets.UTF_8));
        pending.reset();
        pending.write(all, complete, all.length - complete);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed in a line: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
