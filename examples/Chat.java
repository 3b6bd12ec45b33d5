// Run: java -cp build/jdk-sse.jar examples/Chat.java [port]
// Try: open http://localhost:8080/ in two windows and talk, or with curl:
//      curl -N http://localhost:8080/chat                 (the first event, "user", is your id: say 1)
//      curl -d 'hello' http://localhost:8080/chat/1       (every other user gets "<User#1>: hello")

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdksse.Broadcaster;
import org.jdksse.Sse;
import org.jdksse.SseEvent;

/** The salvo and warp chat: each user gets an id on arrival, and each message goes to everyone else. */
public class Chat {
    static final int MAX_MESSAGE = 4096;

    public static void main(String[] args) throws IOException {
        // A new user's first event is its own id, sent before any message can reach it.
        Broadcaster chat = Broadcaster.builder()
                .onSubscribe(user -> user.send(SseEvent.of("user", Long.toString(user.id()))))
                .build();
        HttpHandler subscribe = chat.handler();
        HttpServer server = Sse.server(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        server.createContext("/chat", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Matcher from = Pattern.compile("/chat/(\\d{1,18})").matcher(path);
            if (path.equals("/chat")) {
                subscribe.handle(exchange); // GET /chat stays here, streaming, until the user leaves
            } else if (!from.matches()) {
                Sse.respond(exchange, 404, "use GET /chat to join and POST /chat/{your id} to talk");
            } else if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                Sse.respond(exchange, 405, "use POST to send a message");
            } else {
                String text = readMessage(exchange);
                if (text != null) {
                    long sender = Long.parseLong(from.group(1));
                    chat.publishExcept("default", SseEvent.of("<User#" + sender + ">: " + text), sender); // not back to the sender
                    Sse.respond(exchange, 200, "sent");
                }
            }
        });
        server.createContext("/", Chat::page);
        server.start();
        System.out.println("Chat on http://localhost:" + server.getAddress().getPort() + "/");
    }

    /** Returns the body as text, or answers 413, 400 itself and returns null: only sane UTF-8 text gets through. */
    static String readMessage(HttpExchange exchange) throws IOException {
        String text = Sse.readText(exchange, MAX_MESSAGE);
        if (text != null && text.isBlank()) {
            Sse.respond(exchange, 400, "empty message");
            return null;
        }
        return text;
    }

    static void page(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getPath().equals("/")) {
            Sse.respond(exchange, 200, "text/html; charset=utf-8", PAGE);
        } else {
            Sse.respond(exchange, 404, "not found: the chat is at /");
        }
    }

    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>Chat</title>
            <p>You are User#<b id="me"></b></p>
            <div id="messages"></div>
            <form id="form"><input id="text" autocomplete="off" autofocus> <button id="send">Send</button></form>
            <script>
            const $ = id => document.getElementById(id);
            let me = null;
            const mine = new Set(); // every id this page has had: a reconnect gets a new one, and replays what it sent
            function show(text) { // text, never markup: a message cannot inject HTML
              const line = document.createElement('p');
              line.className = 'message';
              line.textContent = text;
              $('messages').append(line);
            }
            const chat = new EventSource('/chat');
            chat.addEventListener('user', event => { mine.add(event.data); $('me').textContent = me = event.data; });
            chat.onmessage = event => { // shown already as <You>: when it was sent
              const from = /^<User#(\\d+)>: /.exec(event.data);
              if (!from || !mine.has(from[1])) show(event.data);
            };
            $('form').onsubmit = event => {
              event.preventDefault();
              const text = $('text').value;
              if (!text.trim() || me === null) return;
              fetch('/chat/' + me, {method: 'POST', body: text});
              show('<You>: ' + text);
              $('text').value = '';
            };
            </script>
            """;
}
