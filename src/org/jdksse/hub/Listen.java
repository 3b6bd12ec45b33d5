package org.jdksse.hub;

/** The {@code listen} command: being written (issue 4). */
final class Listen {
    private Listen() {
    }

    static int run(String[] args) {
        System.err.println("listen: not built yet");
        return 2;
    }
}
