package bench.peer;

import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

/**
 * Helidon 4 SE broadcaster: GET /events streams, POST /publish sends the body to every subscriber.
 * Each request already runs on its own virtual thread, so a subscriber's handler blocks on its own
 * queue and emits into its SseSink, as the Helidon SSE guide's sink example does for a single stream.
 * Args: PORT [HEARTBEAT_SECONDS]: with a heartbeat, a subscriber whose queue stays empty that long
 * emits a comment.
 */
public final class Main {
    private static final Set<BlockingQueue<String>> SUBSCRIBERS = ConcurrentHashMap.newKeySet();
    private static long heartbeatSeconds;

    public static void main(String[] args) {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "8080");
        heartbeatSeconds = args.length > 1 ? Long.parseLong(args[1]) : 0;
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(r -> r.get("/events", Main::events).post("/publish", Main::publish))
                .build()
                .start();
        System.out.println("helidon peer listening on " + server.port());
    }

    private static void events(ServerRequest req, ServerResponse res) {
        // Bounded like the Go peer's channel: a subscriber that falls 256 events behind loses events.
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(256);
        SUBSCRIBERS.add(queue);
        try (SseSink sink = res.sink(SseSink.TYPE)) {
            while (true) {
                if (heartbeatSeconds == 0) {
                    sink.emit(SseEvent.create(queue.take()));
                    continue;
                }
                String data = queue.poll(heartbeatSeconds, TimeUnit.SECONDS);
                sink.emit(data != null ? SseEvent.create(data) : SseEvent.builder().comment("").build());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the client went away: the write failed
        } finally {
            SUBSCRIBERS.remove(queue);
        }
    }

    private static void publish(ServerRequest req, ServerResponse res) {
        String body = req.content().as(String.class);
        for (BlockingQueue<String> queue : SUBSCRIBERS) {
            queue.offer(body);
        }
        res.send("ok");
    }
}
