package org.jdksse.hub;

import java.lang.System.Logger.Level;
import org.jdksse.Sse;

/**
 * The hub's flags for the server's limits ({@code --max-connections}, {@code --request-timeout}),
 * handed to the JDK as the system properties {@link Sse#server} documents. The JDK reads them
 * once per process, at its first server, so they take effect for a hub started by {@code main};
 * a flag wins over a {@code -D} property.
 */
final class HubLimits {
    private HubLimits() {
    }

    static void apply(HubOptions options) {
        if (options.maxConnections() > 0) {
            System.setProperty("jdk.httpserver.maxConnections", Integer.toString(options.maxConnections()));
        }
        if (options.requestTimeout() > 0) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(options.requestTimeout()));
        }
        int cap = Sse.maxConnections();
        if (cap > 0 && options.maxSubscribers() >= cap) {
            Hub.LOG.log(Level.WARNING, "--max-subscribers {0} is not below the connection cap {1}: a full hub "
                    + "closes connections without a 503; lower it or raise the cap", options.maxSubscribers(), cap);
        }
        long descriptors = descriptorLimit();
        if (descriptors > 0 && (cap <= 0 || cap > descriptors - 50)) {
            Hub.LOG.log(Level.WARNING, "the connection cap {0} is not below the descriptor limit {1}: when descriptors "
                    + "run out, the accept loop of the server spins a core; raise ulimit -n or lower --max-connections",
                    cap <= 0 ? "(none)" : cap, descriptors);
        }
    }

    private static long descriptorLimit() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
