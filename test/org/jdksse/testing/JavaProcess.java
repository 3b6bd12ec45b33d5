package org.jdksse.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tests' one child-JVM launcher: runs the project as its users do, {@code java -jar
 * build/jdk-sse.jar ...} or {@code java -cp build/jdk-sse.jar examples/X.java ...}, with the JDK
 * that runs the tests. It keeps stdout and stderr line by line (read on threads of their own, so a
 * chatty child never blocks on a full pipe), reads the port from the first stdout line, and kills
 * the child on {@link #close()}.
 *
 * <p>Every {@code JDKSSE_*} variable of the caller's environment is removed, so that the machine
 * that runs the tests cannot change the child's flags. Test classes that use this launcher are
 * tagged {@code @Tag("process")}. One test thread drives a process; the readers only append.
 */
public final class JavaProcess implements AutoCloseable {
    /** The jar that {@code make test} builds first. */
    public static final Path JAR = Path.of("build/jdk-sse.jar");
    /** How long {@link #port()} waits: source-file mode compiles first, slowly on a busy machine. */
    public static final Duration STARTUP = Duration.ofSeconds(180);
    private static final Pattern PORT = Pattern.compile("https?://[^/\\s]+:(\\d+)(/|$)");

    private final String name;
    private final Process process;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private boolean outEnded;
    private boolean errEnded;
    private int nextLine;
    private int port = -1;

    private JavaProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code java -jar build/jdk-sse.jar} with these arguments (the hub, or {@code listen}).
     *
     * @param args the arguments after the jar
     * @return the running process
     * @throws IOException if it cannot start
     */
    public static JavaProcess jar(String... args) throws IOException {
        return start(List.of("-jar", JAR.toString()), args);
    }

    /**
     * Starts {@code java -cp build/jdk-sse.jar} with these arguments: a main class or a source file
     * such as {@code examples/Chat.java}, then its arguments.
     *
     * @param args the arguments after the class path
     * @return the running process
     * @throws IOException if it cannot start
     */
    public static JavaProcess classPath(String... args) throws IOException {
        return start(List.of("-cp", JAR.toString()), args);
    }

    private static JavaProcess start(List<String> how, String... args) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new AssertionError("run from the project root after make jar: no " + JAR);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m"));
        command.addAll(how);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(key -> key.startsWith("JDKSSE_"));
        JavaProcess child = new JavaProcess(String.join(" ", args), builder.start());
        Thread.ofPlatform().daemon().name("stdout of " + child.name).start(() -> child.read(child.process.getInputStream(), child.out, true));
        Thread.ofPlatform().daemon().name("stderr of " + child.name).start(() -> child.read(child.process.getErrorStream(), child.err, false));
        return child;
    }

    private void read(InputStream stream, List<String> lines, boolean isOut) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String read = line;
                signal(() -> lines.add(read));
            }
        } catch (IOException destroyed) {
            // The process is gone: its output ends here.
        } finally {
            signal(() -> {
                if (isOut) {
                    outEnded = true;
                } else {
                    errEnded = true;
                }
            });
        }
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the port named by the first stdout line (its first {@code http://host:port/}), waiting
     * for that line at most {@link #STARTUP}.
     *
     * @return the port the child listens on
     * @throws AssertionError if the child prints no such first line
     * @throws InterruptedException if interrupted while waiting
     */
    public int port() throws InterruptedException {
        if (port < 0) {
            String first = await(STARTUP, () -> out.isEmpty() ? null : out.get(0), "a first line");
            Matcher m = PORT.matcher(first == null ? "" : first);
            if (!m.find()) {
                throw failure("printed no first line with a port");
            }
            port = Integer.parseInt(m.group(1));
        }
        return port;
    }

    /**
     * Returns a URI on the child's port, on 127.0.0.1.
     *
     * @param path the path and query, starting with {@code /}
     * @return the URI
     * @throws InterruptedException if interrupted while waiting for the port
     */
    public URI uri(String path) throws InterruptedException {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /**
     * Returns the next stdout line this method has not returned yet, the first line included.
     *
     * @param timeout how long to wait for it
     * @return the line, or null when stdout has ended
     * @throws AssertionError if no line comes in time
     * @throws InterruptedException if interrupted while waiting
     */
    public String nextLine(Duration timeout) throws InterruptedException {
        String line = await(timeout, () -> nextLine < out.size() ? out.get(nextLine) : null, "line " + (nextLine + 1));
        if (line != null) {
            nextLine++;
        }
        return line;
    }

    /**
     * Returns the first stdout line, from the start, that matches the pattern in full.
     *
     * @param pattern the pattern
     * @param timeout how long to wait for such a line
     * @return the matcher of that line
     * @throws AssertionError if none comes in time, or stdout ends first
     * @throws InterruptedException if interrupted while waiting
     */
    public Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        Matcher found = await(timeout, () -> out.stream().map(pattern::matcher).filter(Matcher::matches).findFirst().orElse(null),
                "a line matching " + pattern);
        if (found == null) {
            throw failure("printed no line matching " + pattern);
        }
        return found;
    }

    /**
     * Waits (holding the lock) until {@code look} sees something, or stdout ends (then returns null).
     */
    private <T> T await(Duration timeout, Supplier<T> look, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            for (;;) {
                T seen = look.get();
                if (seen != null || outEnded) {
                    return seen;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("printed no " + what + " within " + timeout);
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the child to exit and for both of its outputs to be read to their end.
     *
     * @param timeout how long to wait
     * @return true if it exited in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        lock.lock();
        try {
            // Output can lag the exit a little; a grandchild holding the pipe open must not hang us.
            long left = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(5));
            while (!(outEnded && errEnded) && left > 0) {
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * Returns the process id, for reading its figures from /proc.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Returns the exit code.
     *
     * @return the exit code
     * @throws IllegalThreadStateException if the child has not exited
     */
    public int exitValue() {
        return process.exitValue();
    }

    /**
     * Returns whether the child is running.
     *
     * @return true while it runs
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the child to stop as {@code kill} does (SIGTERM on Linux): its shutdown hooks run. */
    public void terminate() {
        process.destroy();
    }

    /**
     * Returns everything the child printed on stdout so far, one line each.
     *
     * @return the lines, each ending in LF
     */
    public String stdout() {
        return joined(out);
    }

    /**
     * Returns everything the child printed on stderr so far, one line each.
     *
     * @return the lines, each ending in LF
     */
    public String stderr() {
        return joined(err);
    }

    private String joined(List<String> lines) {
        lock.lock();
        try {
            StringBuilder all = new StringBuilder();
            lines.forEach(line -> all.append(line).append('\n'));
            return all.toString();
        } finally {
            lock.unlock();
        }
    }

    private AssertionError failure(String what) {
        String state = process.isAlive() ? "" : " (exited with " + process.exitValue() + ")";
        return new AssertionError(name + state + " " + what + "; stdout:\n" + stdout() + "stderr:\n" + stderr());
    }

    /**
     * Stops the child: SIGTERM, then after 5 seconds SIGKILL.
     *
     * @throws InterruptedException if interrupted while waiting for it to go
     */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
