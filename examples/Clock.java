// Run: java -cp build/jdk-sse.jar examples/Clock.java [port]
// Try: open http://localhost:8081/ (the page) which reads http://localhost:8080/clock (the stream), or curl -N localhost:8080/clock
import com.sun.net.httpserver.HttpServer;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import org.jdksse.Sse;
import org.jdksse.SseOptions;

/**
 * The server time every second, read by a page from another origin: the axum and Go examples.
 * The stream (on port) opts in to CORS for exactly the page's origins (on port + 1); any other
 * site's page is refused by the browser.
 */
public class Clock {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        HttpServer stream = Sse.server(port);
        HttpServer pages = Sse.server(port == 0 ? 0 : port + 1);
        port = stream.getAddress().getPort();
        int pagePort = pages.getAddress().getPort();

        SseOptions cors = SseOptions.defaults().withCorsOrigins("http://localhost:" + pagePort, "http://127.0.0.1:" + pagePort);
        stream.createContext("/clock", Sse.handler(cors, events -> {
            while (events.isOpen()) {
                events.send(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
                Thread.sleep(1000);
            }
        }));
        stream.start();

        String page = PAGE.replace("PORT", Integer.toString(port));
        pages.createContext("/", exchange -> Sse.respond(exchange, 200, "text/html; charset=utf-8", page));
        pages.start();
        System.out.println("Clock on http://localhost:" + pagePort + "/ reading http://localhost:" + port + "/clock");
    }

    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8"><title>Clock</title>
            <h1 id="time">connecting...</h1>
            <script>
              const source = new EventSource(location.protocol + "//" + location.hostname + ":PORT/clock");
              source.onmessage = e => document.getElementById("time").textContent = e.data;
              source.onerror = () => document.getElementById("time").textContent = "reconnecting...";
            </script>
            """;
}
