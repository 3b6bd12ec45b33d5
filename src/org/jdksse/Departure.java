package org.jdksse;

/** Why a subscriber of a {@link Broadcaster} left other than on its own, as {@code stats()} counts it. */
enum Departure {
    /** Its queue reached a bound. */
    SLOW("slow"),
    /** A write made no progress for two heartbeat intervals, or until the shutdown deadline. */
    STALLED("stalled"),
    /** Writing an event failed: the client went away. */
    FAILED("failed"),
    /** Writing a heartbeat failed: a dead client found while nothing was published. */
    PRUNED("pruned");

    final String label;

    Departure(String label) {
        this.label = label;
    }
}
