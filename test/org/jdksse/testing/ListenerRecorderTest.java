package org.jdksse.testing;

import static org.jdksse.testing.ScriptedServer.status;
import static org.jdksse.testing.ScriptedServer.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdksse.client.EventSource;
import org.jdksse.client.MessageEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The recorder under a real {@link EventSource} against a {@link ScriptedServer}. */
@Timeout(30)
class ListenerRecorderTest {

    @Test
    void recordsEveryCallInOrderWithItsThread() throws Exception {
        ListenerRecorder recorder = new ListenerRecorder();
        try (ScriptedServer server = ScriptedServer.start(stream("event: tick\nid: 7\ndata: a\n\n", "data: b\n\n"), status(204, null, ""));
             EventSource source = EventSource.builder(server.uri("/events")).retry(Duration.ofMillis(10)).start(recorder)) {
            List<String> calls = recorder.awaitClosed();
            assertEquals("open", calls.get(0));
            assertEquals(List.of("event tick:a#7", "event message:b#7"), calls.subList(1, 3));
            assertTrue(calls.get(3).startsWith("error closed=false "), calls.get(3));
            assertEquals("closed", calls.getLast());
            assertEquals(List.of(new MessageEvent("tick", "a", "7"), new MessageEvent("message", "b", "7")), recorder.events());
            assertEquals(1, recorder.errors().size());
            assertEquals(1, recorder.threads().stream().distinct().count(), "one thread calls the listener");
            assertTrue(source.isClosed());
        }
    }

    @Test
    void andThenRunsTheActionAfterRecordingEachEventOnTheSourcesThread() throws Exception {
        ListenerRecorder recorder = new ListenerRecorder();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = ScriptedServer.start(stream("data: a\n\ndata: b\n\n"));
             EventSource source = EventSource.builder(server.uri("/events")).retry(Duration.ofMillis(10))
                     .start(recorder.andThen((src, event) -> seen.add(event.data() + " after " + recorder.events().size()
                             + (recorder.threads().getLast() == Thread.currentThread() ? " on its thread" : " elsewhere"))))) {
            List<String> calls = recorder.awaitClosed();
            assertEquals(List.of("a after 1 on its thread", "b after 2 on its thread"), seen);
            assertEquals(List.of("open", "event message:a#", "event message:b#"), calls.subList(0, 3));
            assertEquals("closed", calls.getLast());
            assertTrue(source.isClosed());
        }
    }

    @Test
    void awaitsEventsAndFailsWhenTheyDoNotCome() throws Exception {
        ListenerRecorder recorder = new ListenerRecorder(Duration.ofMillis(300));
        try (ScriptedServer server = ScriptedServer.start(ScriptedServer.streamThenHang("data: only\n\n"));
             EventSource source = EventSource.builder(server.uri("/events")).start(recorder)) {
            // the first event within the usual bound (connecting may take longer than 300 ms)
            assertEquals(List.of(new MessageEvent("message", "only", "")),
                    Await.value("the first event", ListenerRecorder.TIMEOUT, recorder::events, events -> !events.isEmpty()));
            AssertionError e = assertThrows(AssertionError.class, () -> recorder.awaitEvents(2));
            assertTrue(e.getMessage().startsWith("waited 300 ms for 2 events"), e.getMessage());
            assertFalse(source.isClosed());
        }
    }
}
