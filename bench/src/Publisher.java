import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Publishes events with HTTP/1.1 POST over one keep-alive connection, one request at a time, so
 * the server sees events in sequence order. The body is the event's data: the sequence number, the
 * send timestamp (System.nanoTime of this process) and padding up to the event size.
 */
final class Publisher implements AutoCloseable {
    private final InetSocketAddress target;
    private final String path;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    long errors;
    String lastError = "";
    /** Round trips of successful publishes (request written to response read), reset by the caller per phase. */
    Histogram rtt = new Histogram();

    Publisher(InetSocketAddress target, String path) {
        this.target = target;
        this.path = path;
    }

    /** Sends one event and waits for the answer; returns the HTTP status, or -1 when the connection failed. */
    int publish(long seq, long ts, int size) {
        byte[] body = body(seq, ts, size);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(target, 5000);
                    socket.setSoTimeout(60_000);
                    in = new BufferedInputStream(socket.getInputStream(), 8192);
                    out = socket.getOutputStream();
                }
                long t0 = System.nanoTime();
                String head = "POST " + path + " HTTP/1.1\r\nHost: " + target.getHostString() + ":" + target.getPort()
                        + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length + "\r\n\r\n";
                byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
                byte[] req = Arrays.copyOf(h, h.length + body.length);
                System.arraycopy(body, 0, req, h.length, body.length);
                out.write(req);
                out.flush();
                int status = readResponse();
                if (status < 200 || status > 299) {
                    errors++;
                    lastError = "HTTP " + status;
                } else {
                    rtt.record(System.nanoTime() - t0);
                }
                return status;
            } catch (IOException e) {
                closeQuietly();
                if (attempt == 1) {
                    errors++;
                    lastError = e.toString();
                }
            }
        }
        return -1;
    }

    static byte[] body(long seq, long ts, int size) {
        byte[] prefix = (seq + " " + ts + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[Math.max(size, prefix.length)];
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        Arrays.fill(b, prefix.length, b.length, (byte) 'x');
        return b;
    }

    private int readResponse() throws IOException {
        String status = line();
        if (status.length() < 12) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String l = line(); !l.isEmpty(); l = line()) {
            String lower = l.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (chunked) {
            for (long n = Long.parseLong(line().split(";")[0].trim(), 16); n > 0; n = Long.parseLong(line().split(";")[0].trim(), 16)) {
                skip(n);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            skip(length);
        } else if (length < 0) {
            close = true; // body delimited by the close: nothing more to reuse
        }
        if (close) {
            closeQuietly();
        }
        return code;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("EOF in body");
                }
                s = 1;
            }
            n -= s;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("EOF in response");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private void closeQuietly() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // reconnecting anyway
        }
        socket = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
