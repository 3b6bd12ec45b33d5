import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * floor-jdk: the smallest correct broadcaster on the JDK's HttpServer with a virtual thread per
 * subscriber, the floor of jdk-sse's design. GET /events streams, POST /events (or /publish) sends
 * the body as one event to every subscriber. Each subscriber has a lock and a condition; its thread
 * writes everything queued and flushes once. Args: PORT [HEARTBEAT_SECONDS] (0: none, the default).
 */
public final class FloorJdk {
    static final Set<Sub> SUBS = ConcurrentHashMap.newKeySet();

    static final class Sub {
        final ReentrantLock lock = new ReentrantLock();
        final Condition ready = lock.newCondition();
        List<byte[]> queue = new ArrayList<>();

        void offer(byte[] frame) {
            lock.lock();
            try {
                if (queue.size() < 256) { // bounded like the Go peer: a reader 256 behind loses events
                    queue.add(frame);
                    ready.signal();
                }
            } finally {
                lock.unlock();
            }
        }

        void run(OutputStream out) throws IOException, InterruptedException {
            List<byte[]> spare = new ArrayList<>();
            while (true) {
                List<byte[]> batch;
                lock.lock();
                try {
                    while (queue.isEmpty()) {
                        ready.await();
                    }
                    batch = queue;
                    queue = spare;
                } finally {
                    lock.unlock();
                }
                for (byte[] f : batch) {
                    out.write(f);
                }
                out.flush();
                batch.clear();
                spare = batch;
            }
        }
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", FloorJdk::handle);
        server.start();
        long heartbeat = args.length > 1 ? Long.parseLong(args[1]) : 0;
        if (heartbeat > 0) { // a comment to every stream each interval, as a ticker would
            byte[] ping = ":\n\n".getBytes(StandardCharsets.US_ASCII);
            Thread.ofPlatform().daemon().start(() -> {
                while (true) {
                    try {
                        Thread.sleep(heartbeat * 1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    SUBS.forEach(s -> s.offer(ping));
                }
            });
        }
        System.out.println("floor-jdk listening on " + args[0]);
    }

    static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestMethod().equals("POST")) {
                byte[] body = ex.getRequestBody().readAllBytes();
                byte[] frame = new byte[body.length + 8];
                System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, frame, 0, 6);
                System.arraycopy(body, 0, frame, 6, body.length);
                frame[frame.length - 2] = '\n';
                frame[frame.length - 1] = '\n';
                SUBS.forEach(s -> s.offer(frame));
                ex.sendResponseHeaders(200, 2);
                ex.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.flush(); // the JDK sends the headers with the first flush
            Sub sub = new Sub();
            SUBS.add(sub);
            try {
                sub.run(out);
            } catch (IOException | InterruptedException e) {
                // the client went away
            } finally {
                SUBS.remove(sub);
            }
        }
    }
}
