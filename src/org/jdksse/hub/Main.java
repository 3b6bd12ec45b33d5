package org.jdksse.hub;

import java.util.Arrays;

/**
 * The command line of {@code java -jar jdk-sse.jar}: runs the hub, or with a first argument
 * {@code listen}, the EventSource client that prints each event as a JSON line.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the hub with these flags, or the client when the first argument is {@code listen}.
     *
     * @param args the command-line arguments
     * @throws Exception if the hub cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("listen")) {
            System.exit(Listen.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        Hub.main(args);
    }
}
