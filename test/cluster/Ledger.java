import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the publishers of one scenario know: each publish acknowledged with its id, and each whose
 * outcome is unknown (refused with 503, or cut off: it may or may not be in the stream). Then the
 * check of every subscriber against it, event by event.
 *
 * <p>The rules: every acknowledged publish of a subscriber's topics after its start reaches it
 * exactly once, with the id its publisher got, ids strictly increasing; an unknown one may reach
 * it at most once; nothing else reaches it; a gap is allowed only where a {@code reset} event
 * says so (from the last id before it up to the reset's id); and subscribers of the same topics
 * receive the same events in the same order, whichever hub they are on.
 */
final class Ledger {
    /** A publish: its topic, unique data, and id (null when the outcome is unknown). */
    record Publish(String topic, String data, String id) {
    }

    /** The outcome of a check. */
    record Result(long checked, long lost, long duplicated, long outOfOrder, long foreign, long differing, long resets, List<String> problems) {
        boolean ok() {
            return lost == 0 && duplicated == 0 && outOfOrder == 0 && foreign == 0 && differing == 0;
        }
    }

    private final Map<String, Publish> byData = new ConcurrentHashMap<>();

    void acked(String topic, String data, String id) {
        byData.put(data, new Publish(topic, data, id));
    }

    void unknown(String topic, String data) {
        byData.put(data, new Publish(topic, data, null));
    }

    long ackedCount() {
        return byData.values().stream().filter(p -> p.id() != null).count();
    }

    List<Publish> ackedOf(List<String> topics) {
        return byData.values().stream().filter(p -> p.id() != null && topics.contains(p.topic()))
                .sorted(Comparator.comparing(Publish::id, Ledger::compareIds)).toList();
    }

    /** Returns the last acknowledged id of these topics, or null. */
    String lastAcked(List<String> topics) {
        List<Publish> acked = ackedOf(topics);
        return acked.isEmpty() ? null : acked.get(acked.size() - 1).id();
    }

    /** Whether the subscriber has received (or was reset past) the last acknowledged publish of its topics. */
    boolean caughtUp(Subscriber s) {
        String last = lastAcked(s.topics);
        if (last == null) {
            return true;
        }
        List<Subscriber.Event> events = s.events;
        return !events.isEmpty() && events.get(events.size() - 1).id() != null
                && compareIds(events.get(events.size() - 1).id(), last) >= 0;
    }

    /** Compares two Redis entry ids as two numbers; any other id sorts first. */
    static int compareIds(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        int c = Long.compareUnsigned(x[0], y[0]);
        return c != 0 ? c : Long.compareUnsigned(x[1], y[1]);
    }

    private static long[] parse(String id) {
        int dash = id == null ? -1 : id.indexOf('-');
        try {
            return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
        } catch (RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    Result check(List<Subscriber> subscribers) {
        long checked = 0;
        long lost = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long foreign = 0;
        long resets = 0;
        List<String> problems = new ArrayList<>();
        for (Subscriber s : subscribers) {
            List<Subscriber.Event> events = List.copyOf(s.events);
            Set<String> seenData = new HashSet<>();
            Map<String, String> receivedIds = new HashMap<>();
            // Windows (after, upTo] in which loss is allowed because a reset said so.
            List<String[]> excused = new ArrayList<>();
            String previous = s.startAfter;
            for (Subscriber.Event e : events) {
                if (e.type().equals("reset")) {
                    resets++;
                    excused.add(new String[] {previous, e.id()});
                    previous = e.id();
                    continue;
                }
                Publish p = byData.get(e.data());
                if (p == null || !s.topics.contains(p.topic())) {
                    foreign++;
                    note(problems, s.name + " got an event nobody published to its topics: " + e);
                    continue;
                }
                if (!seenData.add(e.data())) {
                    duplicated++;
                    note(problems, s.name + " got " + e.data() + " twice");
                    continue;
                }
                if (p.id() != null && !p.id().equals(e.id())) {
                    foreign++;
                    note(problems, s.name + " got " + e.data() + " with id " + e.id() + ", its publisher got " + p.id());
                }
                if (previous != null && compareIds(e.id(), previous) <= 0) {
                    outOfOrder++;
                    note(problems, s.name + " got " + e.id() + " after " + previous);
                }
                receivedIds.put(e.data(), e.id());
                previous = e.id();
            }
            for (Publish p : ackedOf(s.topics)) {
                if (s.startAfter != null && compareIds(p.id(), s.startAfter) <= 0) {
                    continue;
                }
                checked++;
                if (!receivedIds.containsKey(p.data()) && !isExcused(excused, p.id())) {
                    lost++;
                    note(problems, s.name + " (" + s.topics + ") never got " + p.data() + " id " + p.id());
                }
            }
        }
        long differing = compareHubs(subscribers, problems);
        return new Result(checked, lost, duplicated, outOfOrder, foreign, differing, resets, problems);
    }

    private static boolean isExcused(List<String[]> excused, String id) {
        for (String[] w : excused) {
            if ((w[0] == null || compareIds(id, w[0]) > 0) && compareIds(id, w[1]) <= 0) {
                return true;
            }
        }
        return false;
    }

    /** Subscribers of the same topics without resets must hold the same ids in the same order after both starts. */
    private long compareHubs(List<Subscriber> subscribers, List<String> problems) {
        long differing = 0;
        Map<List<String>, Subscriber> reference = new HashMap<>();
        for (Subscriber s : subscribers) {
            if (s.events.stream().anyMatch(e -> e.type().equals("reset"))) {
                continue;
            }
            Subscriber r = reference.putIfAbsent(s.topics, s);
            if (r == null) {
                continue;
            }
            // Up to the last acknowledged id: an unknown publish after it may still be on its way.
            String from = later(r.startAfter, s.startAfter);
            String upTo = lastAcked(s.topics);
            List<String> a = ids(r, from, upTo);
            List<String> b = ids(s, from, upTo);
            if (!a.equals(b)) {
                differing++;
                note(problems, s.name + " and " + r.name + " received different sequences (" + b.size() + " vs " + a.size() + " events)");
            }
        }
        return differing;
    }

    private static String later(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return compareIds(a, b) >= 0 ? a : b;
    }

    private static List<String> ids(Subscriber s, String after, String upTo) {
        return s.events.stream().map(Subscriber.Event::id)
                .filter(id -> (after == null || compareIds(id, after) > 0) && (upTo == null || compareIds(id, upTo) <= 0)).toList();
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < 20) {
            problems.add(problem);
        }
    }
}
