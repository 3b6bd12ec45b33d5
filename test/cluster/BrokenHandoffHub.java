package org.jdksse.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jdksse.Entry;
import org.jdksse.EventLog;
import org.jdksse.Update;

/**
 * The hub with a deliberately broken resume hand-off, to show that the cluster suite catches one
 * (test only; run by {@code HUB_MAIN=org.jdksse.hub.BrokenHandoffHub BREAK=gap|overlap test/cluster/run}):
 * <ul>
 *   <li>{@code gap}: the replay stops one entry short of the cursor, a window between replay and
 *       live in which an entry reaches no one;</li>
 *   <li>{@code overlap}: the replay reads on to the end of the log (after a pause) instead of
 *       stopping at the cursor, so that entries published meanwhile come twice, replayed and live.</li>
 * </ul>
 */
final class BrokenHandoffHub {
    private BrokenHandoffHub() {
    }

    public static void main(String[] args) {
        String mode = System.getenv().getOrDefault("BREAK", "gap");
        int code = Hub.run(args, System.getenv(), System.out, System.err, log -> new Broken(log, mode));
        if (code != 0) {
            System.exit(code);
        }
    }

    private record Broken(EventLog log, String mode) implements EventLog {
        @Override
        public Replay readAfter(String after, String upTo, Predicate<Update> wanted) {
            if (mode.equals("overlap")) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return log.readAfter(after, "18446744073709551615-18446744073709551615", wanted);
            }
            Replay replay = log.readAfter(after, upTo, wanted);
            if (replay.entries().isEmpty()) {
                return replay;
            }
            List<Entry> shorter = new ArrayList<>(replay.entries());
            shorter.remove(shorter.size() - 1);
            return Replay.of(shorter);
        }

        @Override
        public String append(Update update) {
            return log.append(update);
        }

        @Override
        public String tail(Sink sink) {
            return log.tail(sink);
        }

        @Override
        public int compare(String a, String b) {
            return log.compare(a, b);
        }

        @Override
        public Status status() {
            return log.status();
        }

        @Override
        public void close() {
            log.close();
        }
    }
}
