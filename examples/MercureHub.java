// Run: MERCURE_JWT_SECRET='!ChangeThisMercureHubJWTSecretKey!' java -cp build/jdk-sse.jar examples/MercureHub.java [port]
// Try: open http://localhost:8080/ (a clock published from Java, and private notes for visitors with the page's cookie), or
//      curl -N 'localhost:8080/.well-known/mercure?topic=https%3A%2F%2Fexample.com%2F%7Bthing%7D'   (the clock only: no token)
import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdksse.Broadcaster;
import org.jdksse.Sse;
import org.jdksse.SseEvent;
import org.jdksse.Update;
import org.jdksse.mercure.Mercure;
import org.jdksse.mercure.MercureOptions;
import org.jdksse.mercure.TokenVerifier;

/** An application with its own Mercure hub: its page, its updates from Java, and a subscriber cookie it signs. */
public class MercureHub {
    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>Mercure</title><h1>Clock <span id="clock">-</span></h1><ul id="notes"></ul>
            <script>
            const url = new URL('/.well-known/mercure', location);  // the Link header names it too
            for (const t of ['https://example.com/clock', 'https://example.com/notes/{id}']) url.searchParams.append('topic', t);
            const es = new EventSource(url, { withCredentials: true });  // the cookie carries this page's token
            es.onmessage = (e) => {
              const { topic, text } = JSON.parse(e.data);
              if (topic === 'clock') document.getElementById('clock').textContent = text;
              else document.getElementById('notes').appendChild(document.createElement('li')).textContent = text;
            };
            </script>""";

    public static void main(String[] args) throws Exception {
        String secret = System.getenv().getOrDefault("MERCURE_JWT_SECRET", "!ChangeThisMercureHubJWTSecretKey!");
        TokenVerifier key = TokenVerifier.of("HS256", secret);
        Broadcaster broadcaster = Broadcaster.create();
        HttpServer server = Sse.server(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        server.createContext("/.well-known/mercure", Mercure.handler(broadcaster,
                MercureOptions.builder().publisherKey(key).subscriberKey(key).anonymous(true).build()));
        // The page: a token that may read the private notes, in an HttpOnly cookie scoped to the hub's path.
        String token = sign(secret, "{\"mercure\":{\"subscribe\":[\"https://example.com/notes/{id}\"]}}");
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Set-Cookie", "mercureAuthorization=" + token
                    + "; Path=/.well-known/mercure; HttpOnly; SameSite=Strict");
            Mercure.addLink(exchange, "/.well-known/mercure");
            Sse.respond(exchange, 200, "text/html; charset=utf-8", PAGE);
        });
        server.start();
        System.out.println("MercureHub on http://localhost:" + server.getAddress().getPort() + "/");
        for (long n = 1; ; n++) {
            String now = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
            broadcaster.publish(Update.of("https://example.com/clock", SseEvent.of("{\"topic\":\"clock\",\"text\":\"" + now + "\"}")));
            if (n % 5 == 0) { // a private update: only subscribers whose token allows notes get it
                broadcaster.publish(Update.of("https://example.com/notes/" + n, SseEvent.of("{\"topic\":\"notes\",\"text\":\"note " + n + " at " + now + "\"}")).asPrivate());
            }
            Thread.sleep(1000);
        }
    }

    /** An HS256 JWT with these claims: applications sign, the hub only verifies. */
    static String sign(String secret, String claims) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }
}
