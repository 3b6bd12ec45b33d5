import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * One subscriber connection: parses the HTTP/1.1 response head, the chunked transfer coding and
 * the event-stream fields straight from the bytes read, without allocating per event. Only the
 * load generator's event loop thread touches it.
 */
final class Conn {
    static final int HEAD = 0, SIZE = 1, EXT = 2, DATA = 3, DATA_END = 4, IDENTITY = 5, DONE = 6;

    final int id;
    final boolean slow;
    final boolean closeOnHead;
    SocketChannel ch;
    SelectionKey key;
    long startedAt;
    long headAt;
    boolean live;      // headers received with 200
    boolean closing;   // we close it on purpose: EOF or errors after that are not failures

    int state = HEAD;
    private byte[] head = new byte[512];
    private int headLen;
    int status;
    private long chunkLeft;
    private boolean chunkCr;

    // the event-stream line: only its first bytes matter (field name, sequence, timestamp)
    private final byte[] line = new byte[64];
    private int lineLen;
    private boolean lastCr;
    private long evSeq = -1;
    private long evTs;

    long lastSeq = -1;
    long received;
    long malformed;
    final BitSet seen = new BitSet();
    int maxIdx = -1;

    Conn(int id, boolean slow, boolean closeOnHead) {
        this.id = id;
        this.slow = slow;
        this.closeOnHead = closeOnHead;
    }

    interface Sink {
        void head(Conn c);

        void event(Conn c, long seq, long ts);

        void end(Conn c, String why);
    }

    /** Feeds bytes read from the socket; returns false once the stream is over. */
    boolean feed(byte[] b, int off, int len, Sink sink) {
        int end = off + len;
        int i = off;
        while (i < end) {
            switch (state) {
                case HEAD -> {
                    byte x = b[i++];
                    if (headLen == head.length) {
                        if (head.length >= 16384) {
                            sink.end(this, "response head too long");
                            return false;
                        }
                        head = java.util.Arrays.copyOf(head, head.length * 2);
                    }
                    head[headLen++] = x;
                    if (x == '\n' && headLen >= 4 && head[headLen - 2] == '\r' && head[headLen - 3] == '\n') {
                        String h = new String(head, 0, headLen, StandardCharsets.ISO_8859_1);
                        head = null;
                        status = h.length() > 12 ? parseStatus(h) : 0;
                        boolean chunked = h.toLowerCase().contains("transfer-encoding: chunked");
                        state = chunked ? SIZE : IDENTITY;
                        sink.head(this);
                        if (status != 200 || closeOnHead) {
                            return false;
                        }
                    }
                }
                case SIZE, EXT -> {
                    byte x = b[i++];
                    if (x == '\n') {
                        if (chunkLeft == 0) {
                            state = DONE;
                            sink.end(this, "stream ended by the server");
                            return false;
                        }
                        state = DATA;
                    } else if (state == SIZE && x != '\r') {
                        int d = Character.digit(x, 16);
                        if (d < 0) {
                            state = EXT; // a chunk extension or trailing whitespace
                        } else {
                            chunkLeft = chunkLeft * 16 + d;
                        }
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(chunkLeft, end - i);
                    sse(b, i, n, sink);
                    i += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        state = DATA_END;
                        chunkCr = false;
                    }
                }
                case DATA_END -> {
                    byte x = b[i++];
                    if (x == '\n') {
                        state = SIZE;
                    } else if (x != '\r') {
                        sink.end(this, "bad chunk framing");
                        return false;
                    }
                }
                case IDENTITY -> {
                    sse(b, i, end - i, sink);
                    i = end;
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static int parseStatus(String h) {
        try {
            return Integer.parseInt(h.substring(9, 12));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void sse(byte[] b, int off, int len, Sink sink) {
        for (int i = off, end = off + len; i < end; i++) {
            if (lineLen > line.length) {
                // past the bytes that matter (the padding of a big event): skip to the end of the line
                int j = i;
                while (j < end && b[j] != '\n' && b[j] != '\r') {
                    j++;
                }
                lineLen += j - i;
                i = j;
                if (i == end) {
                    return;
                }
            }
            byte x = b[i];
            if (x == '\r') {
                endLine(sink);
                lastCr = true;
            } else if (x == '\n') {
                if (!lastCr) {
                    endLine(sink);
                }
                lastCr = false;
            } else {
                lastCr = false;
                if (lineLen < line.length) {
                    line[lineLen] = x;
                }
                lineLen++;
            }
        }
    }

    private void endLine(Sink sink) {
        int n = lineLen;
        lineLen = 0;
        if (n == 0) {
            if (evSeq >= 0) {
                long s = evSeq;
                evSeq = -1;
                sink.event(this, s, evTs);
            }
            return;
        }
        if (n >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':') {
            int p = 5;
            int lim = Math.min(n, line.length);
            if (p < lim && line[p] == ' ') {
                p++;
            }
            long seq = 0;
            int start = p;
            while (p < lim && line[p] >= '0' && line[p] <= '9') {
                seq = seq * 10 + (line[p++] - '0');
            }
            if (p == start || p >= lim || line[p] != ' ') {
                malformed++;
                return;
            }
            p++;
            long ts = 0;
            start = p;
            boolean neg = p < lim && line[p] == '-';
            if (neg) {
                p++;
                start++;
            }
            while (p < lim && line[p] >= '0' && line[p] <= '9') {
                ts = ts * 10 + (line[p++] - '0');
            }
            if (p == start) {
                malformed++;
                return;
            }
            evSeq = seq;
            evTs = neg ? -ts : ts;
        }
        // id:, event:, retry: and comments (heartbeats) are read and ignored
    }
}
