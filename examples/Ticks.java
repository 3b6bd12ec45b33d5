// Run: java -cp build/jdk-sse.jar examples/Ticks.java [port]
// Try: curl -N localhost:8080/ticks      (then: curl -N -H 'Last-Event-ID: 41' localhost:8080/ticks)
import com.sun.net.httpserver.HttpServer;
import org.jdksse.Sse;
import org.jdksse.SseEvent;

/** A counter, one event a second: the salvo and warp "/ticks" example, with resume from Last-Event-ID. */
public class Ticks {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        HttpServer server = Sse.server(port);
        server.createContext("/ticks", Sse.handler(stream -> {
            // A reconnecting client says where it stopped; carry on from there.
            long tick = stream.lastEventId().matches("\\d{1,18}") ? Long.parseLong(stream.lastEventId()) + 1 : 0;
            for (; stream.isOpen(); tick++) {
                stream.send(SseEvent.builder().id(Long.toString(tick)).data("tick " + tick).build());
                Thread.sleep(1000);
            }
        }));
        server.start();
        System.out.println("Ticks on http://localhost:" + server.getAddress().getPort() + "/ticks");
    }
}
