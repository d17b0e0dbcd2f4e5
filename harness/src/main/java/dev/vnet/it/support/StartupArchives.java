package dev.vnet.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The class-data archive (AppCDS) that {@code bin/vnet} starts a coordinator or an agent from, for test processes
 * too: {@code vnet-cds.jsa} beside {@code quarkus-run.jar}, of the classes Quarkus loads up to the end of its static
 * initialisation, written once per build and mapped by every later start instead of loading and verifying those
 * classes again (docs/CLI.md). A test run starts about a hundred such processes; each takes a fifth less CPU to
 * start (3.2 s against 2.6 s of CPU for an agent, measured on a loaded two-core machine).
 *
 * <p>The JVM checks an archive against the jar it was made from and, with its notes silenced, quietly starts
 * without one that does not match: a stale or unreadable archive costs the saving, nothing else.
 */
final class StartupArchives {

    /** The JVM's notes about classes it cannot archive are many, and nothing a test's log needs. */
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";
    /** Writing takes a few seconds; this bounds it on a loaded machine, after which processes start without. */
    private static final Duration WRITING = Duration.ofMinutes(2);

    private StartupArchives() {}

    /** The JVM options that start a process of {@code jar} from its archive, written first if the build is newer. */
    static synchronized List<String> options(Path jar, String java) {
        Path archive = jar.resolveSibling("vnet-cds.jsa");
        if (!newer(archive, jar)) {
            write(jar, archive, java);
        }
        return newer(archive, jar) ? List.of("-XX:SharedArchiveFile=" + archive, QUIET) : List.of();
    }

    /** As bin/vnet does: a JVM that runs Quarkus' static initialisation, exits, and leaves the archive behind. */
    private static void write(Path jar, Path archive, String java) {
        Path fresh = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid());
        try {
            Process writer = new ProcessBuilder(java, "-XX:ArchiveClassesAtExit=" + fresh, QUIET,
                    "-Dquarkus.appcds.generate=true", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!writer.waitFor(WRITING.toMillis(), TimeUnit.MILLISECONDS)) {
                writer.destroyForcibly().waitFor();
            }
            if (Files.isRegularFile(fresh) && Files.size(fresh) > 0) {
                // Atomic, so that bin/vnet or another test run never maps a half-written archive.
                Files.move(fresh, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(fresh);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the class-data archive " + archive, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + archive, e);
        }
    }

    private static boolean newer(Path archive, Path jar) {
        try {
            return Files.isRegularFile(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compare " + archive + " with " + jar, e);
        }
    }
}
