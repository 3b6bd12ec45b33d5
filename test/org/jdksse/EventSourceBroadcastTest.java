package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client against the library's own {@link Broadcaster} and against the hub: 100 clients
 * receive 10,000 events each, in order, none lost.
 */
@Timeout(180)
class EventSourceBroadcastTest {

    private static final int CLIENTS = 100;
    private static final int EVENTS = 10_000;

    /** What one client saw: the data in order, and whether the ids only ever rose. */
    private record Received(List<String> data, boolean idsRose) {
    }

    /** Each client's count and last id so far, so that a client that stalls can be named. */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, String> PROGRESS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Starts {@code CLIENTS} pull sources on virtual threads; each reads {@code EVENTS} events, then
     * closes. A first {@code Last-Event-ID} naming the id before the first event asks for everything
     * from the start, so that a client dropped before its first event resumes too; with none it
     * would rejoin live only.
     */
    private static List<CompletableFuture<Received>> subscribe(URI uri, String lastEventId, ExecutorService threads) {
        List<CompletableFuture<Received>> clients = new ArrayList<>();
        PROGRESS.clear();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(CompletableFuture.supplyAsync(() -> {
                List<String> data = new ArrayList<>(EVENTS);
                long lastId = 0;
                boolean rose = true;
                try (EventSource source = EventSource.builder(uri).lastEventId(lastEventId).retry(Duration.ofMillis(50)).build()) {
                    while (data.size() < EVENTS) {
                        MessageEvent e = source.next();
                        if (e == null) {
                            break;
                        }
                        long id = Long.parseLong(e.lastEventId());
                        rose &= id > lastId;
                        lastId = id;
                        data.add(e.data());
                        PROGRESS.put(client, data.size() + " events, last id " + id);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                return new Received(data, rose);
            }, threads));
        }
        return clients;
    }

    private static void assertAllReceivedInOrder(List<CompletableFuture<Received>> clients) throws Exception {
        for (int c = 0; c < clients.size(); c++) {
            Received received;
            try {
                received = clients.get(c).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("client " + c + " stalled; progress: " + new java.util.TreeMap<>(PROGRESS));
            }
            assertEquals(EVENTS, received.data().size(), "client " + c + " count");
            for (int i = 0; i < EVENTS; i++) {
                // One message for the first difference, not a 10,000-line diff.
                assertEquals("event " + i, received.data().get(i), "client " + c + ", event " + i);
            }
            assertTrue(received.idsRose(), "client " + c + " ids");
        }
    }

    /** Polls a condition that has no event to wait on (another process's state), for at most 30 s. */
    private static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 30 s for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static void run(Broadcaster broadcaster, String lastEventId, String label) throws Exception {
        HttpServer server = Sse.server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.createContext("/events", broadcaster.handler());
        server.start();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events?topic=load");
            List<CompletableFuture<Received>> clients = subscribe(uri, lastEventId, threads);
            awaitCondition(CLIENTS + " live subscribers", () -> broadcaster.stats().subscribers() == CLIENTS);
            for (int i = 0; i < EVENTS; i++) {
                broadcaster.publish("load", SseEvent.of("event " + i));
            }
            assertAllReceivedInOrder(clients);
            System.out.println(label + ": " + broadcaster.stats());
        } finally {
            broadcaster.close(Duration.ofSeconds(1));
            server.stop(0);
        }
    }

    @Test
    void hundredClientsReceiveTenThousandEventsEachFromTheBroadcaster() throws Exception {
        // Queues big enough that nobody is dropped: every event arrives live.
        Broadcaster broadcaster = Broadcaster.builder().log(EventLog.inMemory(EVENTS, 4L << 20, 1)).queueEvents(EVENTS + 1).queueBytes(16L << 20).build();
        run(broadcaster, "", "live");
        assertEquals(0L, broadcaster.stats().dropped().get("slow"));
    }

    @Test
    void hundredClientsLoseNothingWhenSmallQueuesDropThemAndTheyResume() throws Exception {
        // Small queues under a publisher that never waits: slow clients are dropped, reconnect with
        // Last-Event-ID and resume from the history, so they still see every event exactly once.
        Broadcaster broadcaster = Broadcaster.builder().log(EventLog.inMemory(EVENTS, 4L << 20, 1))
                .options(SseOptions.defaults().withRetry(Duration.ofMillis(20)))
                .queueEvents(64).build();
        run(broadcaster, "0", "resumed");
    }

    @Test
    void hundredClientsReceiveTenThousandEventsEachFromTheHub() throws Exception {
        Path jar = Path.of("build/jdk-sse.jar");
        assertTrue(Files.isRegularFile(jar), "make test builds " + jar);
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process hub = new ProcessBuilder(java, "-jar", jar.toString(), "--port", "0", "--history", Integer.toString(EVENTS))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        HttpClient http = HttpClient.newHttpClient();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            String line = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Matcher m = Pattern.compile("listening on (http://\\S+/)").matcher(String.valueOf(line));
            assertTrue(m.find(), "hub's first line: " + line);
            URI root = URI.create(m.group(1));
            // The hub's ids start from the clock: resume from a marker's id to ask for everything after it.
            HttpResponse<String> marker = http.send(HttpRequest.newBuilder(root.resolve("/events?topic=other"))
                    .POST(HttpRequest.BodyPublishers.ofString("marker")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, marker.statusCode(), marker.body());
            List<CompletableFuture<Received>> clients = subscribe(root.resolve("/events?topic=load"), marker.body().strip(), threads);
            HttpRequest stats = HttpRequest.newBuilder(root.resolve("/stats")).build();
            awaitCondition(CLIENTS + " subscribers in /stats",
                    () -> http.sendAsync(stats, HttpResponse.BodyHandlers.ofString()).join().body().contains("\"subscribers\":" + CLIENTS + ","));
            URI publish = root.resolve("/events?topic=load");
            for (int i = 0; i < EVENTS; i++) {
                HttpRequest post = HttpRequest.newBuilder(publish)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("data=event+" + i))
                        .build();
                HttpResponse<String> answer = http.send(post, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), answer.body());
                assertTrue(answer.body().strip().matches("[0-9]+"), "the hub answers the assigned id: " + answer.body());
            }
            assertAllReceivedInOrder(clients);
            System.out.println("hub: " + http.send(stats, HttpResponse.BodyHandlers.ofString()).body());
        } finally {
            hub.destroy();
            if (!hub.waitFor(10, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }
}
