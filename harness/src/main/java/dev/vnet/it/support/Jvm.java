package dev.vnet.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Looks into another JVM on this machine with the JDK's {@code jcmd}. */
public final class Jvm {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    private Jvm() {}

    /** The heap in use right after a full collection, in bytes: what the process really holds. */
    public static long heapUsedAfterGc(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        long usedKiB = 0;
        // One "total ..., used ..." line per generation (serial, parallel) or for the whole heap (G1); Metaspace
        // has "used" but no "total".
        for (String line : info.lines().toList()) {
            if (line.startsWith(" ") && !line.startsWith("  ") && line.contains(" total ")) {
                Matcher used = USED.matcher(line);
                if (used.find()) {
                    usedKiB += Long.parseLong(used.group(1));
                }
            }
        }
        if (usedKiB == 0) {
            throw new IllegalStateException("cannot read the heap of process " + pid + " from:\n" + info);
        }
        return usedKiB << 10;
    }

    private static String jcmd(long pid, String command) {
        try {
            Process process = new ProcessBuilder(List.of(JCMD.toString(), Long.toString(pid), command))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
