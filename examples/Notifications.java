// Run: java -cp build/jdk-sse.jar examples/Notifications.java [port]
// Try: curl -N http://localhost:8080/notifications                       (each event has an id)
//      curl -d 'Build 42 passed' http://localhost:8080/notify              (answers the new id)
//      curl -N -H 'Last-Event-ID: ID' http://localhost:8080/notifications  (an id you saw: first what came after it, then live)

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import org.jdksse.Broadcaster;
import org.jdksse.EventLog;
import org.jdksse.Sse;
import org.jdksse.SseEvent;

/**
 * Notifications that survive a dropped connection: every event has an id, the browser sends the
 * last one it saw when it reconnects, and the broadcaster replays what came after it.
 */
public class Notifications {
    public static void main(String[] args) throws IOException {
        // The last 100 notifications are kept for replay; a client further behind gets a "reset" event.
        // Ids start from the clock, so that they keep increasing when the server restarts.
        Broadcaster notifications = Broadcaster.builder().log(EventLog.inMemory(100, 1 << 20)).build();
        HttpServer server = Sse.server(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        server.createContext("/notifications", notifications.handler());
        server.createContext("/notify", exchange -> {
            String text = readNotification(exchange);
            if (text != null) {
                String id = notifications.publish(SseEvent.of(text));
                Sse.respond(exchange, 200, id);
            }
        });
        server.createContext("/", Notifications::page);
        server.start();
        System.out.println("Notifications on http://localhost:" + server.getAddress().getPort() + "/");
    }

    /** Returns the POSTed text, or answers 405, 413 or 400 itself and returns null. */
    static String readNotification(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            Sse.respond(exchange, 405, "use POST with the notification as the body");
            return null;
        }
        String text = Sse.readText(exchange, 4096);
        if (text != null && text.isBlank()) {
            Sse.respond(exchange, 400, "empty notification");
            return null;
        }
        return text;
    }

    static void page(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getPath().equals("/")) {
            Sse.respond(exchange, 200, "text/html; charset=utf-8", PAGE);
        } else {
            Sse.respond(exchange, 404, "not found: try / or /notifications");
        }
    }

    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>Notifications</title>
            <form id="form"><input id="text" autocomplete="off"> <button id="notify">Notify</button></form>
            <ul id="notifications"></ul>
            <script>
            const $ = id => document.getElementById(id);
            // EventSource reconnects by itself and sends Last-Event-ID: nothing is lost while offline.
            const source = new EventSource('/notifications');
            source.onmessage = event => {
              const item = document.createElement('li');
              item.dataset.id = event.lastEventId;
              item.textContent = '#' + event.lastEventId + ' ' + event.data;
              $('notifications').prepend(item);
            };
            source.addEventListener('reset', () => $('notifications').replaceChildren()); // too far behind: start afresh
            $('form').onsubmit = event => {
              event.preventDefault();
              fetch('/notify', {method: 'POST', body: $('text').value});
              $('text').value = '';
            };
            </script>
            """;
}
