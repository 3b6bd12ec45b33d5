import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's CPU time, resident memory, threads and descriptors from /proc (Linux). */
final class Proc {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

    private Proc() {
    }

    /** Returns utime + stime in clock ticks, or -1 when the process is gone or unknown. */
    static long cpuTicks(long pid) {
        long[] t = userAndSystemTicks(pid);
        return t == null ? -1 : t[0] + t[1];
    }

    /** Returns {utime, stime} in clock ticks, or null when the process is gone or unknown. */
    static long[] userAndSystemTicks(long pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static double cpuPct(long ticks0, long ticks1, long nanos) {
        if (ticks0 < 0 || ticks1 < 0 || nanos <= 0) {
            return Double.NaN;
        }
        return (ticks1 - ticks0) / TICKS_PER_SECOND / (nanos / 1e9) * 100;
    }

    static long rssKib(long pid) {
        return statusField(pid, "VmRSS:");
    }

    static long threads(long pid) {
        return statusField(pid, "Threads:");
    }

    private static long statusField(long pid, String name) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(name)) {
                    return Long.parseLong(l.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Returns the write system calls the process has made (/proc/PID/io syscw), or -1. */
    static long syscw(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                if (l.startsWith("syscw:")) {
                    return Long.parseLong(l.substring(6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static long fds(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static boolean isJava(long pid) {
        try {
            return pid > 0 && Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).getFileName().toString().equals("java");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
