package org.jdksse.hub;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The hub's request threads: a request runs on one of a few platform threads when one is idle,
 * else on a new virtual thread, as every request does under {@code Sse.server}'s default.
 *
 * <p>Why platform threads at all: so that a publish does not queue behind the fan-out before it.
 * A fan-out wakes every subscriber's virtual thread from the publishing thread, and a carrier
 * runs the threads woken on it before it takes work submitted from outside, such as the virtual
 * thread the server's dispatcher starts for the next request. On a one-core machine the next
 * publish then waited for the whole last fan-out, and near saturation every event was late by
 * one fan-out. A platform thread is scheduled by the operating system beside the carrier, so the
 * next publish starts at once, and a subscriber still behind writes both events in one go.
 *
 * <p>Nothing may stay long on these threads: the router moves every request that streams onto a
 * virtual thread of its own. A request that is slow to arrive holds one for at most the server's
 * request time limit; while all are busy, requests run on virtual threads as before.
 */
final class RequestThreads implements Executor {
    /** Enough for a few publishers at once; more wait for nothing, they run on virtual threads. */
    private static final int THREADS = 4;

    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, THREADS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), Thread.ofPlatform().daemon().name("jdk-sse-request-", 0).factory(),
            (request, full) -> Thread.ofVirtual().start(request));

    @Override
    public void execute(Runnable request) {
        pool.execute(request);
    }

    /** Returns how many platform threads are running a request now. */
    int busy() {
        return pool.getActiveCount();
    }

    /** Lets the idle threads end; later requests run on virtual threads. */
    void shutdown() {
        pool.shutdown();
    }
}
