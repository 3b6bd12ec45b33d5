// Run: java -cp build/jdk-sse.jar examples/Stocks.java [port]
// Try: curl -N http://localhost:8080/prices     (a "price" event per symbol every second)
// Try: open http://localhost:8080/ to watch the table update

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jdksse.Sse;
import org.jdksse.SseEvent;

/** A live price feed: named {@code price} events with JSON data, and a page with a table that follows them. */
public class Stocks {
    static final Map<String, Double> OPENING = new TreeMap<>(Map.of("AAPL", 187.50, "AMZN", 178.25, "GOOG", 141.80, "MSFT", 415.20));

    public static void main(String[] args) throws IOException {
        HttpServer server = Sse.server(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        server.createContext("/prices", Sse.handler(stream -> {
            while (stream.isOpen()) {
                long second = System.currentTimeMillis() / 1000;
                for (String symbol : OPENING.keySet()) {
                    double price = price(symbol, second), change = price - price(symbol, second - 1);
                    stream.send(SseEvent.of("price", String.format(Locale.ROOT,
                            "{\"symbol\":\"%s\",\"price\":%.2f,\"change\":%.2f}", symbol, price, change)));
                }
                Thread.sleep(1000);
            }
        }));
        server.createContext("/", Stocks::page);
        server.start();
        System.out.println("Stocks on http://localhost:" + server.getAddress().getPort() + "/");
    }

    /** A made-up but repeatable price: every client sees the same price for the same second. */
    static double price(String symbol, long second) {
        double wave = Math.sin(second / 7.0 + symbol.hashCode()) + 0.5 * Math.sin(second / 2.3 + symbol.length());
        return Math.round(OPENING.get(symbol) * (1 + 0.01 * wave) * 100) / 100.0;
    }

    static void page(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            Sse.respond(exchange, 404, "not found: try / or /prices");
            return;
        }
        StringBuilder rows = new StringBuilder();
        for (String symbol : OPENING.keySet()) {
            rows.append("<tr data-symbol=\"").append(symbol).append("\"><td>").append(symbol)
                    .append("</td><td class=\"price\"></td><td class=\"change\"></td></tr>\n");
        }
        Sse.respond(exchange, 200, "text/html; charset=utf-8", PAGE.replace("<!-- rows -->", rows));
    }

    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>Stocks</title>
            <style>td { padding: 0 1em; text-align: right } .up { color: green } .down { color: firebrick }</style>
            <table id="prices"><tr><th>Symbol</th><th>Price</th><th>Change</th></tr>
            <!-- rows -->
            </table>
            <script>
            const rows = {};
            for (const row of document.querySelectorAll('#prices tr[data-symbol]')) rows[row.dataset.symbol] = row;
            new EventSource('/prices').addEventListener('price', event => {
              const quote = JSON.parse(event.data), row = rows[quote.symbol];
              if (!row) return;
              row.querySelector('.price').textContent = quote.price.toFixed(2);
              row.querySelector('.change').textContent = (quote.change > 0 ? '+' : '') + quote.change.toFixed(2);
              row.className = quote.change > 0 ? 'up' : quote.change < 0 ? 'down' : '';
            });
            </script>
            """;
}
