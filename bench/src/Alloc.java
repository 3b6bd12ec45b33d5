import java.lang.management.ManagementFactory;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Bytes a JVM server has allocated on its heap since it started, read over the local management
 * agent (the Attach API starts it on demand): com.sun.management.ThreadMXBean's
 * getTotalThreadAllocatedBytes, which counts virtual threads' allocations on their carriers. A
 * steadier measure of work than CPU time on a shared machine. Attached once, on first use, so the
 * agent's threads and buffers are not in the idle-memory figures measured before.
 */
final class Alloc implements AutoCloseable {
    private final long pid;
    private JMXConnector connector;
    private com.sun.management.ThreadMXBean threads;
    private boolean failed;

    Alloc(long pid) {
        this.pid = pid;
    }

    /** Returns the server's total allocated bytes, or -1 when it is not a JVM or cannot be reached. */
    long total() {
        if (failed || !Proc.isJava(pid)) {
            return -1;
        }
        try {
            if (threads == null) {
                var vm = com.sun.tools.attach.VirtualMachine.attach(String.valueOf(pid));
                String url;
                try {
                    url = vm.startLocalManagementAgent();
                } finally {
                    vm.detach();
                }
                connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
                MBeanServerConnection c = connector.getMBeanServerConnection();
                threads = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.THREAD_MXBEAN_NAME,
                        com.sun.management.ThreadMXBean.class);
            }
            return threads.getTotalThreadAllocatedBytes();
        } catch (Exception e) {
            System.out.println("  alloc: cannot read the server's allocation counter: " + e);
            failed = true;
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            if (connector != null) {
                connector.close();
            }
        } catch (java.io.IOException ignored) {
            // the server is going away anyway
        }
    }
}
