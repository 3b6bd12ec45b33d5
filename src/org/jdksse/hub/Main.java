package org.jdksse.hub;

import java.util.Arrays;

/**
 * The command line of {@code java -jar jdk-sse.jar}: runs the hub, or with a first argument
 * {@code listen}, the EventSource client that prints each event as a JSON line. It is the one
 * place that exits the JVM, so that everything below returns exit codes that tests can check
 * in process.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the hub with these flags, or the client when the first argument is {@code listen}.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("listen")) {
            System.exit(Listen.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        int code = Hub.run(args, System.getenv(), System.out, System.err);
        // On 0 the hub is running (or printed help): the JVM ends with its server threads, on SIGTERM.
        if (code != 0) {
            System.exit(code);
        }
    }
}
