import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the load generator asks a JVM server with jcmd: a full collection, and the live heap after one. */
final class Jvm {
    private Jvm() {
    }

    /** Runs a full collection in a JVM server and waits half a second; does nothing for other servers. */
    static void gc(long pid) {
        if (Proc.isJava(pid)) {
            jcmd(pid, "GC.run");
            Driver.sleep(0.5);
        }
    }

    /**
     * Returns the live Java heap in KiB from a class histogram (which runs a full GC first), less the
     * collector's filler arrays (jdk.internal.vm.FillerElement), which hold no objects; -1 for a server
     * that is not a JVM.
     */
    static long heapKib(long pid) {
        if (!Proc.isJava(pid)) {
            return -1;
        }
        String out = jcmd(pid, "GC.class_histogram");
        long total = -1;
        long filler = 0;
        for (String l : out.split("\n")) {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) {
                total = Long.parseLong(f[2]);
            } else if (f.length >= 4 && l.contains("FillerElement")) {
                filler += Long.parseLong(f[2]);
            }
        }
        return total < 0 ? -1 : (total - filler) / 1024;
    }

    /** Runs one jcmd command against the server and returns its output, or "" when it could not. */
    static String jcmd(long pid, String command) {
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            Path jcmd = Path.of(java).resolveSibling("jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
