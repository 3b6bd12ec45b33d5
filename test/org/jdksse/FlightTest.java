package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The broadcaster's Flight Recorder events: recorded when a recording names them, absent otherwise. */
class FlightTest {
    private static final Subscription.Policy POLICY = new Subscription.Policy(100, 1 << 20, ":\n\n".getBytes(), "retry: 1\n\n".getBytes());

    /** Runs the work inside a recording set up by {@code setup}, then returns the jdk-sse events it holds. */
    private static List<RecordedEvent> record(Consumer<Recording> setup, Runnable work) throws Exception {
        Path file = Files.createTempFile("flight", ".jfr");
        try (Recording recording = new Recording()) {
            setup.accept(recording);
            recording.start();
            work.run();
            recording.stop();
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("org.jdksse."))
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private static Subscription subscriber(long id, String topic, Subscription.Owner owner) {
        return new Subscription(id, Interest.topics(Set.of(topic)), POLICY, new FakeWriter(), owner);
    }

    @Test
    void aRecordingThatNamesThemGetsPublishFanOutAndDropEvents() throws Exception {
        FanOut fanOut = new FanOut();
        fanOut.start("0");
        Counters counters = new Counters(fanOut);
        Subscription first = subscriber(1, "prices", counters);
        Subscription second = subscriber(2, "prices", counters);
        fanOut.join(first);
        fanOut.join(second);
        Broadcaster broadcaster = Broadcaster.create();
        Entry entry = Entry.of("7", Update.of(List.of("prices"), SseEvent.of("42")));
        String[] id = new String[1];

        List<RecordedEvent> events = record(r -> {
            r.enable("org.jdksse.Publish");
            r.enable("org.jdksse.FanOut");
            r.enable("org.jdksse.Drop");
        }, () -> {
            id[0] = broadcaster.publish("news", SseEvent.of("hello"));
            fanOut.accept(entry);
            counters.departed(second, Departure.SLOW);
        });
        broadcaster.close(Duration.ZERO);

        // Matched by their fields, not by position: JFR records every broadcaster of the process.
        RecordedEvent publish = named(events, "org.jdksse.Publish").stream()
                .filter(e -> id[0].equals(e.getString("id"))).findFirst().orElseThrow(() -> new AssertionError("no publish event: " + events));
        assertEquals("news", publish.getString("topics"));
        List<RecordedEvent> fanOuts = named(events, "org.jdksse.FanOut");
        RecordedEvent prices = fanOuts.stream().filter(e -> e.getString("topics").equals("prices")).findFirst().orElseThrow();
        assertEquals(2, prices.getInt("subscribers"), "offered to both subscribers of the topic");
        assertEquals(entry.frame().length, prices.getInt("frameBytes"));
        RecordedEvent news = fanOuts.stream().filter(e -> e.getString("topics").equals("news")).findFirst().orElseThrow();
        assertEquals(0, news.getInt("subscribers"), "nobody subscribes to news");
        RecordedEvent drop = named(events, "org.jdksse.Drop").stream()
                .filter(e -> e.getString("topics").equals("prices")).findFirst().orElseThrow(() -> new AssertionError("no drop event: " + events));
        assertEquals(2, drop.getLong("subscriber"));
        assertEquals("slow", drop.getString("reason"));
            }

    @Test
    void theJdksOwnSettingsLeaveThemOff() throws Exception {
        for (String settings : List.of("default", "profile")) {
            Broadcaster broadcaster = Broadcaster.create();
            List<RecordedEvent> events = record(r -> {
                try {
                    r.setSettings(Configuration.getConfiguration(settings).getSettings());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> broadcaster.publish("news", SseEvent.of("hello")));
            broadcaster.close(Duration.ZERO);
            assertTrue(events.isEmpty(), settings + " recorded " + events);
        }
    }
}
