import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.FutureTask;

/**
 * The generator's single event loop: opens subscriber connections (at most {@code window} with
 * their response head pending), reads every stream, and books each event into the open phase.
 * All state is confined to the loop thread; other threads reach it through {@link #call}.
 */
final class Loop implements Runnable, Conn.Sink {
    /** What one measured phase collects. */
    static final class Phase {
        final long firstSeq;
        final Histogram hist = new Histogram();
        long deliveries;
        long dups;
        long reordered;
        long lastAt;
        boolean skipSlow;

        Phase(long firstSeq) {
            this.firstSeq = firstSeq;
        }
    }

    private static final java.net.InetAddress[] SOURCES = new java.net.InetAddress[16];

    static {
        try {
            for (int i = 0; i < SOURCES.length; i++) {
                SOURCES[i] = java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)});
            }
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final InetSocketAddress target;
    private final byte[] request;
    private final Selector selector;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 18);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    final java.util.Set<Conn> live = new java.util.LinkedHashSet<>();
    Phase phase;
    int window = 1000;
    int inFlight;
    int toStart;
    boolean startSlow;      // every 100th new connection is a slow reader (small receive buffer)
    boolean startChurn;     // new connections close as soon as their head arrives
    int slowRcvBuf = 4096;
    long headTimeoutNanos = 30_000_000_000L;
    private int nextId;
    private final List<Conn> pending = new ArrayList<>();
    long opened;
    long headed;
    /** Written by the loop only; volatile because the scenarios read it between calls. */
    volatile long churned;
    long lastHeadAt;
    final Map<String, Integer> errors = new TreeMap<>();
    /** Written by the loop only; volatile because the scenarios read it between calls. */
    volatile long errorCount;
    long non200;

    Loop(InetSocketAddress target, String path) throws IOException {
        this.target = target;
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + target.getHostString() + ":" + target.getPort()
                + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        this.selector = Selector.open();
    }

    /** Runs the task on the loop thread and returns its result. */
    <T> T call(Callable<T> task) {
        FutureTask<T> f = new FutureTask<>(task);
        tasks.add(f);
        selector.wakeup();
        try {
            return f.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        long lastSweep = System.nanoTime();
        while (running) {
            try {
                selector.select(this::handle, 20);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Runnable t;
            while ((t = tasks.poll()) != null) {
                t.run();
            }
            startConnections();
            long now = System.nanoTime();
            if (now - lastSweep > 1_000_000_000L) {
                lastSweep = now;
                for (int i = pending.size() - 1; i >= 0; i--) {
                    Conn c = pending.get(i);
                    if (now - c.startedAt > headTimeoutNanos) {
                        fail(c, "no response head within " + headTimeoutNanos / 1_000_000_000L + " s");
                    }
                }
            }
        }
        for (Conn c : new ArrayList<>(live)) {
            close(c);
        }
    }

    private void startConnections() {
        while (toStart > 0 && inFlight < window) {
            toStart--;
            int id = nextId++;
            boolean slow = startSlow && id % 100 == 0;
            Conn c = new Conn(id, slow, startChurn);
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                if (slow) {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, slowRcvBuf);
                }
                // Each source address has its own 28k ephemeral ports: spread over 127.0.0.2-17 so that 19k
                // streams plus the TIME_WAIT left by earlier scenarios and the churn never run out.
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(SOURCES[id % SOURCES.length], 0));
                c.ch = ch;
                c.startedAt = System.nanoTime();
                inFlight++;
                pending.add(c);
                opened++;
                if (ch.connect(target)) {
                    c.key = ch.register(selector, SelectionKey.OP_READ, c);
                    sendRequest(c);
                } else {
                    c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                fail(c, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private void sendRequest(Conn c) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(request);
        c.ch.write(b);
        if (b.hasRemaining()) {
            throw new IOException("request not written at once");
        }
    }

    private void handle(SelectionKey k) {
        Conn c = (Conn) k.attachment();
        try {
            if (k.isConnectable()) {
                c.ch.finishConnect();
                k.interestOps(SelectionKey.OP_READ);
                sendRequest(c);
                return;
            }
            if (k.isReadable()) {
                read(c);
            }
        } catch (IOException e) {
            fail(c, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void read(Conn c) throws IOException {
        for (int round = 0; round < 4; round++) {
            buf.clear();
            int n = c.ch.read(buf);
            if (n < 0) {
                fail(c, "EOF from the server");
                return;
            }
            if (n == 0) {
                return;
            }
            now = System.nanoTime();
            if (!c.feed(buf.array(), 0, n, this)) {
                return;
            }
            if (n < buf.capacity()) {
                return;
            }
        }
    }

    private long now;

    @Override
    public void head(Conn c) {
        inFlight--;
        pending.remove(c);
        headed++;
        c.headAt = now;
        lastHeadAt = now;
        if (c.status != 200) {
            non200++;
            fail(c, "HTTP " + c.status);
            return;
        }
        if (c.closeOnHead) {
            churned++;
            c.closing = true;
            closeQuietly(c);
            return;
        }
        c.live = true;
        live.add(c);
        if (phase != null && phase.skipSlow && c.slow) {
            c.key.interestOps(0);
        }
    }

    @Override
    public void event(Conn c, long seq, long ts) {
        c.received++;
        if (seq > c.lastSeq) {
            c.lastSeq = seq;
        }
        Phase p = phase;
        if (p == null || seq < p.firstSeq || (p.skipSlow && c.slow)) {
            return;
        }
        int idx = (int) (seq - p.firstSeq);
        if (c.seen.get(idx)) {
            p.dups++;
            return;
        }
        c.seen.set(idx);
        p.deliveries++;
        p.lastAt = now;
        if (idx < c.maxIdx) {
            p.reordered++;
        } else {
            c.maxIdx = idx;
        }
        p.hist.record(now - ts);
    }

    @Override
    public void end(Conn c, String why) {
        fail(c, why);
    }

    private void fail(Conn c, String why) {
        if (!c.closing) {
            errorCount++;
            errors.merge(why.length() > 80 ? why.substring(0, 80) : why, 1, Integer::sum);
        }
        if (c.headAt == 0 && pending.remove(c)) {
            inFlight--;
        }
        live.remove(c);
        c.live = false;
        closeQuietly(c);
    }

    private static void closeQuietly(Conn c) {
        try {
            if (c.ch != null) {
                c.ch.close();
            }
        } catch (IOException ignored) {
            // closing a broken socket
        }
    }

    void close(Conn c) {
        c.closing = true;
        c.live = false;
        closeQuietly(c);
    }

    /** Closes every live subscriber (on the loop thread). */
    void closeAll() {
        for (Conn c : live) {
            close(c);
        }
        live.clear();
    }

    Map<String, Integer> errorsSnapshot() {
        return new TreeMap<>(errors);
    }
}
