package org.jdksse.client;

import static org.jdksse.client.EventSourceTest.source;
import static org.jdksse.testing.ScriptedServer.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdksse.testing.ListenerRecorder;
import org.jdksse.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The push source's thread when a listener fails; EventSourceTest covers ordinary delivery. */
@Timeout(30)
class DispatcherTest {

    @Test
    void anErrorFromTheListenerClosesTheSourceReleasesItsConnectionAndPropagates() throws Exception {
        List<Object> steps = new ArrayList<>(List.of("data: a\n\n"));
        // Then a comment every 20 ms for 20 s: the script ends only when a write finds the connection gone.
        for (int i = 0; i < 1000; i++) {
            steps.add(Duration.ofMillis(20));
            steps.add(":\n");
        }
        AssertionError thrown = new AssertionError("a listener's bug");
        CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (thread.getName().startsWith("EventSource ")) {
                uncaught.complete(e);
            } else if (previous != null) {
                previous.uncaughtException(thread, e);
            }
        });
        ListenerRecorder recorder = new ListenerRecorder();
        try (ScriptedServer server = ScriptedServer.start(stream(steps.toArray()))) {
            EventSource source = source(server).start(recorder.andThen((src, event) -> {
                        throw thrown;
                    }));
            try {
                assertEquals(List.of("open", "event message:a#", "closed"), recorder.awaitClosed());
                assertTrue(source.isClosed());
                server.awaitFinished(1); // the server's writes failed: the socket was released
                assertSame(thrown, uncaught.get(10, TimeUnit.SECONDS), "the Error reaches the uncaught-exception handler");
                assertTrue(recorder.threads().get(0).join(Duration.ofSeconds(10)), "the source's thread ended");
                assertEquals(1, server.requests().size(), "no reconnect");
            } finally {
                source.close();
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }
}
