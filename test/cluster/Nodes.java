import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jdksse.redis.Relay;

/**
 * The processes of the cluster suite: one redis-server (started by test/cluster/redis-up, so that
 * other suites start it the same way), a TCP relay per hub between it and Redis, and the hubs,
 * each {@code java -jar build/jdk-sse.jar --redis redis://127.0.0.1:<its relay>}. Every pid goes
 * to work/pids, which the shell script kills on exit whatever happened here.
 */
final class Nodes implements AutoCloseable {
    final int count;
    final Path work;
    final String stream;
    final int history;
    final List<String> hubCommand;
    final Relay[] relays;
    final Process[] hubs;
    final String[] urls;
    int redisPort;

    Nodes(int count, Path work, String stream, int history, List<String> hubCommand) {
        this.count = count;
        this.work = work;
        this.stream = stream;
        this.history = history;
        this.hubCommand = hubCommand;
        this.relays = new Relay[count];
        this.hubs = new Process[count];
        this.urls = new String[count];
    }

    void startRedis() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "test/cluster/redis-up", work.resolve("redis").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (redisPort != 0) {
            pb.environment().put("REDIS_PORT", Integer.toString(redisPort));
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IOException("redis-up failed");
        }
        redisPort = Integer.parseInt(out);
        record(Long.parseLong(Files.readString(work.resolve("redis/redis.pid")).strip()));
    }

    /** Stops Redis with SIGTERM (it writes its AOF and exits) and waits for the process to go. */
    void stopRedis() throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readString(work.resolve("redis/redis.pid")).strip());
        ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
        if (handle == null) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
    }

    void startRelays() throws IOException {
        for (int i = 0; i < count; i++) {
            relays[i] = Relay.to(redisPort);
        }
    }

    /** Starts hub i on a free port and waits for its "listening on" line. */
    void startHub(int i) throws IOException {
        List<String> command = new ArrayList<>(hubCommand);
        command.addAll(List.of("--port", "0", "--history", Integer.toString(history),
                "--redis", "redis://127.0.0.1:" + relays[i].port(), "--redis-stream", stream));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("hub" + (i + 1) + ".log").toFile()))
                .start();
        record(p.pid());
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.contains("listening on ")) {
            // lines before it (none today) are skipped
        }
        if (line == null) {
            throw new IOException("hub " + (i + 1) + " exited at start; see " + work.resolve("hub" + (i + 1) + ".log"));
        }
        urls[i] = line.substring(line.indexOf("listening on ") + "listening on ".length()).strip();
        hubs[i] = p;
        // Drain the rest so that the hub never blocks on a full pipe.
        Thread.ofVirtual().start(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the hub exited
            }
        });
    }

    /** kill -9: the hub gets no chance to close anything. */
    void killHub(int i) throws InterruptedException {
        Process p = hubs[i];
        hubs[i] = null;
        p.destroyForcibly();
        p.waitFor(20, TimeUnit.SECONDS);
    }

    boolean alive(int i) {
        return hubs[i] != null && hubs[i].isAlive();
    }

    /** Returns hub i's URL when it is alive, else another live hub's. */
    String urlOrOther(int i) {
        if (alive(i)) {
            return urls[i];
        }
        return urls[otherThan(i)];
    }

    int otherThan(int i) {
        List<Integer> live = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            if (j != i && alive(j)) {
                live.add(j);
            }
        }
        return live.get(ThreadLocalRandom.current().nextInt(live.size()));
    }

    int randomLive() {
        return otherThan(-1);
    }

    private void record(long pid) throws IOException {
        Files.writeString(work.resolve("pids"), pid + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void close() throws Exception {
        for (int i = 0; i < count; i++) {
            if (hubs[i] != null) {
                hubs[i].destroy();
                hubs[i].waitFor(10, TimeUnit.SECONDS);
            }
            if (relays[i] != null) {
                relays[i].close();
            }
        }
        stopRedis();
    }
}
