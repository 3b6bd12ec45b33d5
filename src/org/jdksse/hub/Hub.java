package org.jdksse.hub;

/** The hub: being written (issue 3). */
final class Hub {
    private Hub() {
    }

    static void main(String[] args) {
        System.err.println("hub: not built yet");
        System.exit(2);
    }
}
