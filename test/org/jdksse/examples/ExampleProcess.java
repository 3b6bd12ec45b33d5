package org.jdksse.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One example run as a user runs it, {@code java -cp build/jdk-sse.jar examples/X.java PORT},
 * with the JDK that runs the tests. Its output is kept line by line, so that a test can wait for a
 * line (the startup line, a log line) without sleeping, and show the whole output when it fails.
 */
final class ExampleProcess implements AutoCloseable {
    final String name;
    /** The port the example listens on, known once {@link #awaitStarted()} has returned. */
    volatile int port;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean exited;

    private ExampleProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts the example on port 0, so that the kernel picks a free port at bind time (a port
     * probed free beforehand can be taken by another process before the child binds it).
     */
    static ExampleProcess start(String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", "build/jdk-sse.jar", "examples/" + name + ".java", "0")
                .redirectErrorStream(true).start();
        ExampleProcess example = new ExampleProcess(name, process);
        Thread.ofPlatform().daemon().name(name + "-output").start(example::readOutput);
        return example;
    }

    private void readOutput() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lock.lock();
                try {
                    lines.add(line);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException destroyed) {
            // The process is gone: its output ends here.
        } finally {
            lock.lock();
            try {
                exited = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits until the example prints its startup line with its port. Source-file mode compiles
     * first, about 1.5 s of CPU each; the bound is for a CI machine shared with much else.
     */
    ExampleProcess awaitStarted() throws InterruptedException {
        Matcher started = awaitLine(Pattern.compile(Pattern.quote(name) + " on http://localhost:(\\d+)/.*"), Duration.ofSeconds(180));
        port = Integer.parseInt(started.group(1));
        return this;
    }

    /** Returns the first output line that matches, waiting at most this long; fails with the whole output otherwise. */
    Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = pattern.matcher(lines.get(seen));
                    if (m.matches()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (exited || left <= 0) {
                    throw new AssertionError(name + (exited ? " exited (" + exitStatus() + ")" : " printed no line matching " + pattern + " within " + timeout)
                            + "; its output:\n" + String.join("\n", lines));
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private String exitStatus() throws InterruptedException {
        return process.waitFor(5, TimeUnit.SECONDS) ? "status " + process.exitValue() : "still running";
    }

    String output() {
        lock.lock();
        try {
            return String.join("\n", lines);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
