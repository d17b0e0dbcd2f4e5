package dev.vnet.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the JIT compiler threads of a process have used, from /proc: what a fresh JVM spends compiling rather
 * than serving. On a busy machine the compiler of a fresh coordinator ran for minutes and used several times the
 * CPU of its gRPC threads, so a measurement taken meanwhile is of the compiler, not of vnet.
 */
final class JitActivity {

    /** HotSpot names its compiler threads "C1 CompilerThread0", "C2 CompilerThread1"... (truncated to 15 chars). */
    private static final String COMPILER_THREAD = " CompilerThre";
    /** Linux reports thread times in clock ticks of USER_HZ, 100 per second on every mainstream kernel. */
    private static final double TICKS_PER_SECOND = 100;

    private JitActivity() {}

    /** The compiler threads' CPU time (user + system) of process {@code pid}, in seconds; 0 when it is gone. */
    static double compilerCpuSeconds(long pid) {
        long ticks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads) {
                ticks += compilerTicks(thread);
            }
        } catch (IOException e) {
            return 0; // the process ended, or this is not Linux: no compiler activity to report
        }
        return ticks / TICKS_PER_SECOND;
    }

    private static long compilerTicks(Path thread) {
        try {
            if (!Files.readString(thread.resolve("comm")).contains(COMPILER_THREAD)) {
                return 0;
            }
            return cpuTicks(Files.readString(thread.resolve("stat")));
        } catch (IOException e) {
            return 0; // the thread ended between the listing and the read
        }
    }

    /**
     * utime + stime of one /proc/.../stat line. The second field (the name) is in parentheses and may hold spaces,
     * so fields are counted from the last ')': utime and stime are the 14th and 15th fields of the line.
     */
    static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is the 3rd field of the line (state): utime is fields[11], stime fields[12].
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
