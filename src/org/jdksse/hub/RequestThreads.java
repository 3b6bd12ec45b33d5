package org.jdksse.hub;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's request threads: a request starts on a new virtual thread, and if the virtual threads'
 * carriers have not started it within {@link #GRACE_MILLIS}, one of a few platform threads takes it.
 *
 * <p>Why: so that a publish does not queue behind the fan-out before it. A fan-out wakes every
 * subscriber's virtual thread from the publishing thread, and a carrier runs the threads woken on
 * it before it takes work submitted from outside, such as the virtual thread the server's
 * dispatcher starts for the next request. On a one-core machine near saturation the next publish
 * then waited for the whole last fan-out. A platform thread is scheduled by the operating system
 * beside the carrier, so the next publish starts within the grace, and a subscriber still behind
 * writes both events in one go.
 *
 * <p>Why not always a platform thread: the JDK's server sizes a new connection's output buffer by
 * the thread that reads its first request, 8 KiB on a platform thread and 512 bytes (growing when
 * needed) on a virtual one. Measured, every idle subscriber then held about 3 KiB more heap
 * (bench/results/session7). So a platform thread takes over only while a few requests wait, as
 * publishes behind a fan-out do; when many wait, as in a storm of connecting subscribers, they
 * wait for their virtual threads.
 *
 * <p>Nothing may stay long on the platform threads: the router moves a request that streams onto a
 * virtual thread of its own. While all of them are busy, a request runs on whichever comes first,
 * its virtual thread or the next free platform thread.
 */
final class RequestThreads implements Executor {
    /** How long a request may wait for a carrier before a platform thread takes it. */
    static final long GRACE_MILLIS = 5;
    /** Enough for a few publishers at once; also the most requests waiting for a take-over to happen. */
    static final int THREADS = 4;

    /** Hand-overs wait in its queue while every platform thread is busy; a request already started is skipped. */
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("jdk-sse-request-", 0).factory(),
            new ThreadPoolExecutor.DiscardPolicy());
    /**
     * Checks a request after the grace, on the JDK's one delay thread: the library's watchdog is
     * not public API, and the hub is built on that alone. It is the process's second timer thread,
     * started at the first request, and runs one 5 ms check per request.
     */
    private final Executor afterGrace;
    /** Requests submitted and not yet started on either kind of thread. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final LongAdder takenOver = new LongAdder();

    RequestThreads() {
        this(CompletableFuture.delayedExecutor(GRACE_MILLIS, TimeUnit.MILLISECONDS, Runnable::run));
    }

    /** Takes the executor that runs each request's check once its grace is over; tests hold the checks. */
    RequestThreads(Executor afterGrace) {
        this.afterGrace = afterGrace;
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable exchange) {
        Request request = new Request(exchange);
        waiting.incrementAndGet();
        Thread.ofVirtual().start(request);
        afterGrace.execute(() -> takeOverIfStillWaiting(request));
    }

    /** On the delay thread: hands a request no carrier has started to a platform thread, while few wait. */
    private void takeOverIfStillWaiting(Request request) {
        if (!request.started() && waiting.get() <= THREADS) {
            pool.execute(request::takeOver);
        }
    }

    /** Returns how many platform threads are running a request now. */
    int busy() {
        return pool.getActiveCount();
    }

    /** Returns how many requests a platform thread has run since this executor was made. */
    long takenOver() {
        return takenOver.sum();
    }

    /** Lets the platform threads end; later requests run on their virtual threads only. */
    void shutdown() {
        pool.shutdown();
    }

    /** An exchange that runs once, on whichever thread claims it first. */
    private final class Request implements Runnable {
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final Runnable exchange;

        Request(Runnable exchange) {
            this.exchange = exchange;
        }

        boolean started() {
            return claimed.get();
        }

        /** Claims the exchange for the calling thread; returns {@code false} if another thread has. */
        private boolean claim() {
            if (!claimed.compareAndSet(false, true)) {
                return false;
            }
            waiting.decrementAndGet();
            return true;
        }

        /** On the request's virtual thread. */
        @Override
        public void run() {
            if (claim()) {
                exchange.run();
            }
        }

        /** On a platform thread, after the grace. */
        void takeOver() {
            if (claim()) {
                takenOver.increment();
                exchange.run();
            }
        }
    }
}
