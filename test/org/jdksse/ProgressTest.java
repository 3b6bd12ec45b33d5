package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What counts as progress, and the one stall rule, on a clock the test sets. */
class ProgressTest {
    private static final long HEARTBEAT = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A body that records the length of each write call. */
    private static final class Recording extends ByteArrayOutputStream {
        final List<Integer> calls = new ArrayList<>();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            calls.add(len);
            super.write(b, off, len);
        }
    }

    @Test
    void aFrameOfAtMostASliceIsOneWriteCallAndCountsOnce() throws Exception {
        Recording body = new Recording();
        Progress progress = new Progress();
        progress.write(body, new byte[10]);
        progress.write(body, new byte[Progress.SLICE]);
        assertEquals(List.of(10, Progress.SLICE), body.calls);
        assertEquals(2, progress.count());
    }

    @Test
    void aLargerFrameGoesInSlicesEachCountedWithItsBytesUnchanged() throws Exception {
        byte[] frame = new byte[2 * Progress.SLICE + 5];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) i;
        }
        Recording body = new Recording();
        Progress progress = new Progress();
        progress.write(body, frame);
        assertEquals(List.of(Progress.SLICE, Progress.SLICE, 5), body.calls);
        assertEquals(3, progress.count());
        assertArrayEquals(frame, body.toByteArray());
    }

    @Test
    void aWriteWhoseCountKeepsMovingNeverStallsHoweverLongItLasts() throws Exception {
        Progress progress = new Progress();
        long start = System.nanoTime();
        for (long t = 0; t < 20 * HEARTBEAT; t += 250 * MS) {
            progress.write(OutputStream.nullOutputStream(), new byte[1]);
            assertFalse(progress.stalled(start + t, start, HEARTBEAT), "stalled at " + t / MS + " ms");
        }
    }

    @Test
    void aWriteStallsTwoIntervalsAfterItsCountLastMovedOrItStarted() throws Exception {
        Progress progress = new Progress();
        long start = System.nanoTime();
        assertFalse(progress.stalled(start + 2 * HEARTBEAT, start, HEARTBEAT), "exactly two intervals is not over them");
        assertTrue(progress.stalled(start + 2 * HEARTBEAT + MS, start, HEARTBEAT), "no move since the start");

        progress.write(OutputStream.nullOutputStream(), new byte[1]);
        long moved = start + 3 * HEARTBEAT;
        assertFalse(progress.stalled(moved, start, HEARTBEAT), "the look that sees the move only notes it");
        assertFalse(progress.stalled(moved + 2 * HEARTBEAT, start, HEARTBEAT));
        assertTrue(progress.stalled(moved + 2 * HEARTBEAT + MS, start, HEARTBEAT), "no move since the last one seen");
    }

    @Test
    void aNewWriteIsGivenTwoIntervalsFromItsStartEvenIfTheCountLastMovedLongBefore() throws Exception {
        Progress progress = new Progress();
        long start = System.nanoTime();
        progress.write(OutputStream.nullOutputStream(), new byte[1]);
        assertFalse(progress.stalled(start, start, HEARTBEAT));
        long later = start + 60 * HEARTBEAT;
        assertFalse(progress.stalled(later + HEARTBEAT, later, HEARTBEAT), "one interval into a write that started late");
        assertTrue(progress.stalled(later + 2 * HEARTBEAT + MS, later, HEARTBEAT));
    }
}
