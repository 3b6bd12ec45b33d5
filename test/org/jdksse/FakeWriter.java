package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Subscription.Writer} that records what a subscription writes, batch by batch, and can
 * be made to fail or to block, for unit tests of subscriptions and the fan-out without sockets.
 */
final class FakeWriter implements Subscription.Writer {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wrote = lock.newCondition();
    private final List<String> frames = new ArrayList<>();
    private final List<Integer> batches = new ArrayList<>();
    final CountDownLatch finished = new CountDownLatch(1);
    final CountDownLatch aborted = new CountDownLatch(1);
    /** Counted down when a write starts. */
    final CountDownLatch entered = new CountDownLatch(1);
    /** Permits for writes to go through; none are needed unless {@link #blockWrites} was called. */
    private volatile Semaphore gate;
    private volatile boolean failing;
    private final Progress progress = new Progress();

    @Override
    public boolean write(Collection<byte[]> batch) {
        entered.countDown();
        Semaphore g = gate;
        if (g != null) {
            try {
                g.acquire();
            } catch (InterruptedException e) {
                return false;
            }
        }
        if (failing) {
            return false;
        }
        lock.lock();
        try {
            for (byte[] f : batch) {
                progress.write(OutputStream.nullOutputStream(), f);
                frames.add(new String(f, StandardCharsets.UTF_8));
            }
            batches.add(batch.size());
            wrote.signalAll();
        } catch (IOException cannot) {
            throw new AssertionError("the null stream threw", cannot);
        } finally {
            lock.unlock();
        }
        return true;
    }

    @Override
    public Progress progress() {
        return progress;
    }

    @Override
    public void finish() {
        finished.countDown();
    }

    @Override
    public void abort() {
        aborted.countDown();
        Semaphore g = gate;
        if (g != null) {
            g.release(1000);
        }
    }

    @Override
    public HttpExchange exchange() {
        return null;
    }

    /** Makes every later write wait for a permit from {@link #allow}. */
    void blockWrites() {
        gate = new Semaphore(0);
    }

    void allow(int writes) {
        gate.release(writes);
    }

    /** Makes every later write fail, as to a client that went away. */
    void fail() {
        failing = true;
    }

    /** Waits until at least {@code n} frames were written and returns them all. */
    List<String> await(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        lock.lock();
        try {
            while (frames.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + frames.size() + " of " + n + " frames written: " + frames);
                }
                wrote.awaitNanos(left);
            }
            return List.copyOf(frames);
        } finally {
            lock.unlock();
        }
    }

    List<String> frames() {
        lock.lock();
        try {
            return List.copyOf(frames);
        } finally {
            lock.unlock();
        }
    }

    List<Integer> batches() {
        lock.lock();
        try {
            return List.copyOf(batches);
        } finally {
            lock.unlock();
        }
    }
}
