// Run: java -cp build/jdk-sse.jar examples/KeepAlive.java [port]
// Try: curl -N http://localhost:8080/events     (": keep-alive" after 3 to 4.5 s of silence, an event every 10 s)

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.time.Duration;
import org.jdksse.Sse;
import org.jdksse.SseEvent;
import org.jdksse.SseOptions;

/**
 * A stream whose events are rare, kept alive by a heartbeat comment with our own text and interval.
 * Proxies close connections that stay silent too long, and only a write finds a client that is gone.
 */
public class KeepAlive {
    public static void main(String[] args) throws IOException {
        SseOptions options = SseOptions.defaults().withHeartbeat(Duration.ofSeconds(3), "keep-alive");
        HttpServer server = Sse.server(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        server.createContext("/events", Sse.handler(options, stream -> {
            for (int i = 1; stream.isOpen(); i++) {
                Thread.sleep(10_000); // something slow: a build, a report, a long query
                stream.send(SseEvent.of("event " + i + ", after 10 s of silence"));
            }
        }));
        server.start();
        System.out.println("KeepAlive on http://localhost:" + server.getAddress().getPort() + "/events");
    }
}
