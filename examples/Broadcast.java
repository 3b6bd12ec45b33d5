// Run: java -cp build/jdk-sse.jar examples/Broadcast.java [port]
// Try: curl -N http://localhost:8080/events            (first "connected", then every broadcast)
//      curl http://localhost:8080/events/hello          (or: curl -d hello http://localhost:8080/events)
//      curl http://localhost:8080/stats                 (stop a curl -N: the next ping prunes it within 10 s)

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.time.Duration;
import org.jdksse.Broadcaster;
import org.jdksse.Sse;
import org.jdksse.SseEvent;
import org.jdksse.SseOptions;

/** The actix-web-lab broadcaster: everyone subscribed gets every message; dead clients are pruned by a ping. */
public class Broadcast {
    static Broadcaster broadcaster;

    public static void main(String[] args) throws IOException {
        // Only a write finds a client that vanished: a ": ping" comment on streams quiet for 4 s;
        // the first draws the reset, the second fails, so a vanished client is gone within 10 s.
        broadcaster = Broadcaster.builder()
                .options(SseOptions.defaults().withHeartbeat(Duration.ofSeconds(4), "ping"))
                .onSubscribe(client -> client.send(SseEvent.of("connected")))
                .build();
        HttpHandler subscribe = broadcaster.handler();
        HttpServer server = Sse.server(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        server.createContext("/events", exchange -> {
            String path = exchange.getRequestURI().getPath();
            boolean post = "POST".equals(exchange.getRequestMethod());
            if (path.equals("/events") && !post) {
                subscribe.handle(exchange); // GET /events stays here, streaming, until the client leaves
            } else if (path.equals("/events")) {
                broadcast(exchange, Sse.readText(exchange, 4096)); // POST /events with the message as body
            } else if (path.startsWith("/events/") && !post) {
                broadcast(exchange, path.substring("/events/".length())); // GET /events/{msg}, as in the original
            } else {
                Sse.respond(exchange, 404, "use GET /events, GET /events/{msg} or POST /events");
            }
        });
        server.createContext("/stats", exchange -> {
            Broadcaster.Stats stats = broadcaster.stats();
            Sse.respond(exchange, 200, "clients " + stats.subscribers() + ", published " + stats.published()
                    + ", pruned " + stats.pruned() + ", dropped " + stats.dropped());
        });
        server.createContext("/", Broadcast::page);
        server.start();
        System.out.println("Broadcast on http://localhost:" + server.getAddress().getPort() + "/");
    }

    static void broadcast(HttpExchange exchange, String msg) throws IOException {
        if (msg == null) {
            return; // already answered
        } else if (msg.isEmpty()) {
            Sse.respond(exchange, 400, "empty message");
        } else {
            broadcaster.publish(SseEvent.of(msg));
            Sse.respond(exchange, 200, "msg sent");
        }
    }

    static void page(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getPath().equals("/")) {
            Sse.respond(exchange, 200, "text/html; charset=utf-8", PAGE);
        } else {
            Sse.respond(exchange, 404, "not found: try / or /events");
        }
    }

    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>Broadcast</title>
            <pre id="events"></pre>
            <script>
            new EventSource('/events').onmessage = event => document.getElementById('events').textContent += event.data + '\\n';
            </script>
            """;
}
