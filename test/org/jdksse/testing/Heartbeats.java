package org.jdksse.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/** Measures the heartbeat cadence a client sees. */
public final class Heartbeats {
    private Heartbeats() {
    }

    /**
     * Reads the stream until {@code gaps + 1} comments with the given text have arrived, and
     * returns the median time between two in a row. The median, not the mean: one late wake-up
     * on a loaded machine moves one gap, not the cadence.
     *
     * @param client the client of an idle stream
     * @param text   the heartbeat comment's text, without the colon and the space
     * @param gaps   how many gaps to measure
     * @return the median gap
     * @throws IOException if the stream ends or a read times out first
     */
    public static Duration medianGap(RawClient client, String text, int gaps) throws IOException {
        long[] at = new long[gaps + 1];
        for (int i = 0; i <= gaps; ) {
            if (client.events().nextComment().text().strip().equals(text)) {
                at[i++] = System.nanoTime();
            }
        }
        long[] gap = new long[gaps];
        for (int i = 0; i < gaps; i++) {
            gap[i] = at[i + 1] - at[i];
        }
        Arrays.sort(gap);
        return Duration.ofNanos(gap[gaps / 2]);
    }
}
