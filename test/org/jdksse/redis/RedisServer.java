package org.jdksse.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server for a test, on a free loopback port in a temporary directory, with the
 * cluster suite's durability (append-only file, fsync on every write, no snapshots). It fails the
 * test loudly when redis-server is missing (public: the hub's and Mercure's tests start one too): {@code make test} installs it first (see the
 * Makefile's {@code redis-server} target), so a missing one is a broken setup, not a skip.
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<String> extra;
    private Process process;

    private RedisServer(Path dir, int port, List<String> extra) {
        this.dir = dir;
        this.port = port;
        this.extra = extra;
    }

    /** Starts a server; {@code extra} are more {@code --name value} arguments (e.g. --requirepass). */
    public static RedisServer start(String... extra) throws IOException {
        return startOn(freePort(), extra);
    }

    /** Starts a server on this port (one a test chose earlier, e.g. for a client that connects first). */
    public static RedisServer startOn(int port, String... extra) throws IOException {
        Path dir = Files.createTempDirectory("jdksse-redis");
        RedisServer server = new RedisServer(dir, port, List.of(extra));
        server.startAgain();
        return server;
    }

    static String binary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "redis-server"))) {
                return Path.of(d, "redis-server").toString();
            }
        }
        throw new AssertionError("redis-server is not installed: the Redis tests need it (apt-get install -y redis-server; make test does this when it can)");
    }

    /** Starts the server (again, after {@link #stop}) on the same port and directory: its AOF is replayed. */
    public void startAgain() throws IOException {
        List<String> command = new ArrayList<>(List.of(binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
                "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(extra);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        IOException last = null;
        // Bounded: the server answers a PING (or asks for a password) once it has loaded its AOF.
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited at start: " + log());
            }
            try (RespConnection c = RespConnection.open(new RedisUri("127.0.0.1", port, null, null, 0), Duration.ofMillis(200), Duration.ofSeconds(2))) {
                c.call("PING");
                return;
            } catch (Resp.ErrorReply e) {
                if (e.getMessage().startsWith("NOAUTH")) {
                    return;
                }
                last = e;
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
        throw new IOException("redis-server did not answer on port " + port + ": " + last + " " + log());
    }

    /** Stops the server with SIGTERM (it fsyncs its AOF and exits) and waits for it. */
    public void stop() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log")) + Files.readString(dir.resolve("stdout.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Returns a loopback port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
