package org.jdksse.mercure;

/** A request that is answered with an error: a status and a one-line reason, nothing else. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    /** The status of a refusal the library has already answered (the body reader's 413, 408 or 400). */
    static final int ANSWERED = 0;
    final int status;

    Refusal(int status, String reason) {
        super(oneLine(reason), null, false, false);
        this.status = status;
    }

    /** A reason goes out as one short line, even when it quotes a long value with line breaks. */
    static String oneLine(String text) {
        String line = text.replace("\r", "\\r").replace("\n", "\\n");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
