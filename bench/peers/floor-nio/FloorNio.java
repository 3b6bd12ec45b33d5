import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * floor-nio: the machine's floor for an SSE broadcaster. One thread, one selector: it accepts, reads
 * requests, and writes each event as one pre-encoded HTTP chunk to every subscriber's socket
 * (non-blocking; what a socket does not take waits in a per-socket queue, capped at 1 MiB, past
 * which the subscriber is closed). GET /events streams; POST /events (or /publish) broadcasts the
 * body. Args: PORT [HEARTBEAT_SECONDS] (0: none, the default). Not a general HTTP server: it reads
 * exactly the requests the load generator sends (Content-Length bodies, no pipelining beyond that).
 */
public final class FloorNio {
    static final byte[] HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PING = "3\r\n:\n\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int CAP = 1 << 20;

    /** One connection: its request bytes so far, and for a subscriber what its socket has not taken yet. */
    static final class Conn {
        final SocketChannel ch;
        ByteBuffer in = ByteBuffer.allocate(1024);
        boolean subscriber;
        final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
        long pendingBytes;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    final Selector selector = Selector.open();
    final List<Conn> subs = new ArrayList<>();

    FloorNio() throws IOException {
    }

    public static void main(String[] args) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 4096);
        server.configureBlocking(false);
        long heartbeat = args.length > 1 ? Long.parseLong(args[1]) * 1_000_000_000L : 0;
        FloorNio f = new FloorNio();
        server.register(f.selector, SelectionKey.OP_ACCEPT);
        System.out.println("floor-nio listening on " + args[0]);
        long nextPing = System.nanoTime() + heartbeat;
        while (true) {
            f.selector.select(k -> f.ready(k, server), heartbeat > 0 ? 1000 : 0);
            if (heartbeat > 0 && System.nanoTime() >= nextPing) { // a comment to every stream each interval
                nextPing += heartbeat;
                f.broadcast(PING);
            }
        }
    }

    void ready(SelectionKey k, ServerSocketChannel server) {
        try {
            if (k.isAcceptable()) {
                for (SocketChannel ch; (ch = server.accept()) != null; ) {
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_READ, new Conn(ch));
                }
                return;
            }
            Conn c = (Conn) k.attachment();
            if (k.isWritable()) {
                flush(c);
            }
            if (k.isValid() && k.isReadable()) {
                read(c, k);
            }
        } catch (IOException e) {
            close((Conn) k.attachment());
        }
    }

    final ByteBuffer scratch = ByteBuffer.allocate(512);

    void read(Conn c, SelectionKey k) throws IOException {
        if (c.subscriber) { // only its end matters
            scratch.clear();
            if (c.ch.read(scratch) < 0) {
                close(c);
            }
            return;
        }
        if (!c.in.hasRemaining()) {
            c.in = ByteBuffer.allocate(c.in.capacity() * 2).put(c.in.flip());
        }
        if (c.ch.read(c.in) < 0) {
            close(c);
            return;
        }
        while (true) {
            String text = new String(c.in.array(), 0, c.in.position(), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return;
            }
            int length = 0;
            for (String line : text.substring(0, end).split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            int total = end + 4 + length;
            if (c.in.position() < total) {
                return;
            }
            if (text.startsWith("GET ")) {
                c.subscriber = true;
                c.in = null; // a subscriber sends nothing more that matters
                k.interestOps(SelectionKey.OP_READ);
                subs.add(c);
                send(c, ByteBuffer.wrap(HEAD));
                return;
            }
            byte[] body = new byte[length];
            System.arraycopy(c.in.array(), end + 4, body, 0, length);
            c.in = ByteBuffer.allocate(c.in.capacity()).put(c.in.array(), total, c.in.position() - total);
            byte[] data = new byte[body.length + 8];
            System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 6);
            System.arraycopy(body, 0, data, 6, body.length);
            data[data.length - 2] = '\n';
            data[data.length - 1] = '\n';
            byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] chunk = new byte[size.length + data.length + 2];
            System.arraycopy(size, 0, chunk, 0, size.length);
            System.arraycopy(data, 0, chunk, size.length, data.length);
            chunk[chunk.length - 2] = '\r';
            chunk[chunk.length - 1] = '\n';
            broadcast(chunk);
            send(c, ByteBuffer.wrap(OK));
        }
    }

    void broadcast(byte[] chunk) {
        ByteBuffer shared = ByteBuffer.wrap(chunk); // one buffer for every socket: nothing allocated per delivery
        for (int i = subs.size() - 1; i >= 0; i--) {
            shared.clear();
            send(subs.get(i), shared);
        }
    }

    void send(Conn c, ByteBuffer b) {
        try {
            if (c.pending.isEmpty()) {
                c.ch.write(b);
                if (!b.hasRemaining()) {
                    return;
                }
                c.ch.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
            // what the socket did not take, copied: the caller's buffer is reused for the next socket
            ByteBuffer rest = ByteBuffer.allocate(b.remaining()).put(b).flip();
            c.pending.add(rest);
            c.pendingBytes += rest.remaining();
            if (c.pendingBytes > CAP) {
                close(c);
            }
        } catch (IOException e) {
            close(c);
        }
    }

    void flush(Conn c) throws IOException {
        for (ByteBuffer b; (b = c.pending.peek()) != null; c.pending.poll()) {
            c.pendingBytes -= c.ch.write(b);
            if (b.hasRemaining()) {
                return;
            }
        }
        c.ch.keyFor(selector).interestOps(SelectionKey.OP_READ);
    }

    void close(Conn c) {
        if (c == null) {
            return;
        }
        if (c.subscriber && c.ch.isOpen()) {
            subs.remove(c); // linear, but only when a subscriber leaves
        }
        try {
            c.ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
