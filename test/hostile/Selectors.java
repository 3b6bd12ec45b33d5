package hostile;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 7: costly topic selectors. Anonymous Mercure subscribers, each with 63 URI templates
 * built to backtrack ({@code {+a}{+b}...{+j}!N}, never a match), held open while a legitimate
 * client subscribes, publishes to a URL-like topic and waits for its event. The fan-out asks every
 * subscriber's templates about every update, so without a bound each such subscriber would cost
 * it several hundred milliseconds per update; with one, a few.
 */
final class Selectors {
    static final int SUBSCRIBERS = 20;
    static final int SELECTORS = 64;
    /** What a legitimate subscribe, publish and receive may take while they are held. */
    static final double BOUND_SECONDS = 2;
    private static final String BYE = "hostile7-bye";

    private Selectors() {
    }

    static Hostile.Outcome costlyTemplates() throws Exception {
        // 63 templates and one exact topic, through which the hub learns that they left (below).
        StringBuilder query = new StringBuilder("topic=" + BYE);
        for (int i = 1; i < SELECTORS; i++) {
            String template = "{+a}{+b}{+c}{+d}{+e}{+f}{+g}{+h}{+i}{+j}!" + i;
            query.append("&topic=").append(URLEncoder.encode(template, StandardCharsets.UTF_8));
        }
        List<Watchers.Stream> held = new ArrayList<>();
        int refused = 0;
        try {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                try {
                    Watchers.Stream s = Watchers.Stream.open("/.well-known/mercure?" + query, "", 5000);
                    if (s.wire.status == 200) {
                        held.add(s);
                    } else {
                        refused++;
                        s.close();
                    }
                } catch (IOException e) {
                    refused++;
                }
            }
            // A topic as Mercure publishers name them: the templates' backtracking grows with its length.
            double legit = Watchers.legitimate("example.com/books/probe7/1234567890", BOUND_SECONDS);
            boolean pass = held.size() == SUBSCRIBERS && legit >= 0;
            return new Hostile.Outcome(pass, String.format("costly selectors: %d anonymous subscribers held with %d "
                            + "backtracking templates each (%d refused); a legitimate subscribe+publish+receive meanwhile %s "
                            + "(bound %.0f s)", held.size(), SELECTORS - 1, refused,
                    legit < 0 ? "FAILED" : String.format("%.2f s", legit), BOUND_SECONDS));
        } finally {
            held.forEach(Watchers.Stream::close);
            // A stream that nothing is written to learns of its client's leaving at the second write
            // after it (a reset, then an error): two events, rather than two heartbeat intervals.
            for (int i = 0; i < 2; i++) {
                Wire.exchange(Wire.publishRequest(BYE, "bye", false), 2000);
                Thread.sleep(200);
            }
        }
    }
}
