package hostile;

import java.util.ArrayList;
import java.util.List;

/**
 * The hostile-client suite: runs the scenarios of issue 14, and a seventh (costly topic
 * selectors), against a running hub (loopback only, bounded in time and count) and prints each
 * scenario's figures and a last line {@code hostile: N passed, N failed}.
 *
 * <p>Usage: {@code java hostile.Hostile PORT PID REQUEST_TIMEOUT_SECONDS [SCENARIOS]}, where
 * SCENARIOS is a comma-separated list such as {@code 1,3} (default: all). test/hostile/run
 * starts the hub with a lowered descriptor limit and calls this.
 *
 * <p>After every scenario: the watchers (subscribers connected from the start) must have every
 * event whose publish was acknowledged, in order and once; a new client must subscribe, publish
 * and receive within {@link #RECOVERY_SECONDS}; the hub's sockets must come back to the
 * baseline (plus {@link #SOCKET_SLACK}) and its descriptors (plus {@link #FD_SLACK}) within
 * {@link #FD_WAIT_SECONDS}.
 */
public final class Hostile {
    static final int WATCHERS = 20;
    static final double RECOVERY_SECONDS = 10;
    /** Sockets may differ from the baseline by the probes' own; other descriptors (the JVM's pollers, jars) by a few more. */
    static final int SOCKET_SLACK = 2;
    static final int FD_SLACK = 8;
    /** Beyond the JDK's idle interval (30 s), after which it closes whatever connection it still holds. */
    static final int FD_WAIT_SECONDS = 35;

    /** What one attack found: whether its own checks passed, and its figures. */
    record Outcome(boolean pass, String figures) {
    }

    private Hostile() {
    }

    public static void main(String[] args) throws Exception {
        Wire.port = Integer.parseInt(args[0]);
        Wire.pid = Long.parseLong(args[1]);
        Attacks.requestSeconds = Integer.parseInt(args[2]);
        List<String> wanted = args.length > 3 ? List.of(args[3].split(",")) : List.of("1", "2", "3", "4", "5", "6", "7");

        Watchers watchers = Watchers.start(WATCHERS);
        Thread.sleep(1000);
        long baseline = Wire.fds();
        long baseSockets = Wire.sockets();
        System.out.printf("hub pid %d on port %d: %d watchers, request timeout %d s, baseline %d descriptors (%d sockets)%n",
                Wire.pid, Wire.port, WATCHERS, Attacks.requestSeconds, baseline, baseSockets);
        int passed = 0;
        int failed = 0;
        List<String> summary = new ArrayList<>();
        for (String n : wanted) {
            long start = System.nanoTime();
            int acked0 = watchers.ackedCount();
            Outcome outcome;
            try {
                outcome = switch (n.strip()) {
                    case "1" -> Attacks.slowHeaders();
                    case "2" -> Attacks.slowBody();
                    case "3" -> Attacks.connectionFlood();
                    case "4" -> Requests.malformed();
                    case "5" -> Crowds.nonReaders();
                    case "6" -> Crowds.reconnectStorm();
                    case "7" -> Selectors.costlyTemplates();
                    default -> new Outcome(false, "no scenario " + n);
                };
            } catch (Exception e) {
                outcome = new Outcome(false, "the attack itself failed: " + e);
            }
            double legit = Watchers.legitimate("probe" + n.strip(), RECOVERY_SECONDS);
            String watchProblem = watchers.check();
            long fdsAfter = awaitFds(baseline + FD_SLACK, baseSockets + SOCKET_SLACK);
            long socketsAfter = Wire.sockets();
            boolean fdsBack = fdsAfter >= 0 && fdsAfter <= baseline + FD_SLACK && socketsAfter <= baseSockets + SOCKET_SLACK;
            boolean pass = outcome.pass() && legit >= 0 && watchProblem == null && fdsBack;
            String line = String.format("scenario %s: %s; legitimate subscribe+publish+receive %s after; "
                            + "descriptors %d before, %d after (sockets %d, %d)%s; watchers: %s (%d events acknowledged during it); "
                            + "%.0f s: %s",
                    n, outcome.figures(), legit < 0 ? "FAILED within " + RECOVERY_SECONDS + " s" : String.format("%.2f s", legit),
                    baseline, fdsAfter, baseSockets, socketsAfter, fdsBack ? "" : " (NOT back)",
                    watchProblem == null ? "every event, in order" : watchProblem,
                    watchers.ackedCount() - acked0, (System.nanoTime() - start) / 1e9, pass ? "PASS" : "FAIL");
            System.out.println(line);
            summary.add(line);
            if (pass) {
                passed++;
            } else {
                failed++;
            }
        }
        watchers.stop();
        System.out.println("watchers: " + watchers.ackedCount() + " events acknowledged in all, "
                + watchers.failedPublishes.get() + " publishes not acknowledged (refused or cut during attacks)");
        System.out.println("hostile: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Waits for the hub's descriptors and sockets to come down to their bounds; returns the last descriptor count. */
    private static long awaitFds(long bound, long socketBound) throws InterruptedException {
        long deadline = System.nanoTime() + FD_WAIT_SECONDS * 1_000_000_000L;
        long fds = Wire.fds();
        while ((fds > bound || Wire.sockets() > socketBound) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            fds = Wire.fds();
        }
        return fds;
    }
}
