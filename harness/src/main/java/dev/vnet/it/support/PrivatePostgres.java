package dev.vnet.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own, for tests of what vnet does when its database goes away: initialised into a
 * temporary directory, listening on a free port of 127.0.0.1, stopped and started by the test, and deleted at the
 * end. The machine's PostgreSQL, which every other test and process on the machine uses, is never touched.
 *
 * <p>PostgreSQL refuses to run as root, so as root the server runs as the {@code postgres} user (TOOLCHAIN.md).
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 60;

    private final Path bin;
    private final Path directory;
    private final int port;

    private PrivatePostgres(Path bin, Path directory, int port) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
    }

    /** The server binaries of the newest PostgreSQL installed, if any. */
    private static Optional<Path> installation() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.filter(version -> version.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(version -> Integer.parseInt(version.getFileName().toString())))
                    .map(version -> version.resolve("bin"))
                    .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * What this machine lacks to run a private server, or empty when it has everything: a test that needs one
     * skips itself with this as the reason.
     */
    public static Optional<String> missing() {
        if (installation().isEmpty()) {
            return Optional.of("a private PostgreSQL needs initdb and pg_ctl under /usr/lib/postgresql/<version>/bin "
                    + "(apt-get install postgresql)");
        }
        if (!asRoot()) {
            return Optional.empty();
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            return Optional.of("a private PostgreSQL started as root runs as the postgres user through runuser "
                    + "(apt-get install util-linux)");
        }
        try {
            if (Files.readAllLines(Path.of("/etc/passwd")).stream().noneMatch(line -> line.startsWith("postgres:"))) {
                return Optional.of("a private PostgreSQL started as root runs as the postgres user, and there is none "
                        + "(apt-get install postgresql makes it)");
            }
        } catch (IOException e) {
            return Optional.of("a private PostgreSQL started as root needs the postgres user; /etc/passwd cannot be "
                    + "read: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Initialises a new server in a temporary directory and starts it; when that fails, whatever it made is removed
     * again. Call {@link #missing()} first: without PostgreSQL's binaries this throws.
     */
    public static PrivatePostgres start() {
        Path bin = installation().orElseThrow(() -> new IllegalStateException(missing().orElseThrow()));
        Path directory;
        try {
            directory = Files.createTempDirectory("vnet-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for a private PostgreSQL", e);
        }
        PrivatePostgres server = new PrivatePostgres(bin, directory, FreePorts.next());
        try {
            if (asRoot()) {
                run(List.of("chown", "postgres:postgres", directory.toString()), server.commandLog());
            }
            server.runAsOwner(List.of(bin.resolve("initdb").toString(), "-D", server.data().toString(), "-U",
                    "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"));
            server.startAgain();
            return server;
        } catch (RuntimeException e) {
            try {
                server.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The address to give {@link TestDatabase} and coordinators. */
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    /** Stops the server at once, as an outage would: its clients' connections break. */
    public void stop() {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "-t",
                Long.toString(TIMEOUT_SECONDS), "stop"));
    }

    /** Starts the server (again) and waits until it accepts connections. */
    public void startAgain() {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
                directory.resolve("server.log").toString(), "-w", "-t", Long.toString(TIMEOUT_SECONDS), "-o",
                "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
        if (!accepting()) {
            throw new IllegalStateException("the private PostgreSQL on " + hostAndPort() + " did not come up: "
                    + tail(directory.resolve("server.log")));
        }
    }

    public boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops the server if it runs and deletes its files. A server that does not stop in time is killed, so that
     * nothing of a failed test keeps running.
     */
    @Override
    public void close() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                try {
                    stop();
                } catch (RuntimeException e) {
                    killPostmaster();
                    throw e;
                }
            }
        } finally {
            deleteTree(directory);
        }
    }

    /** SIGKILL to the server's main process, as postmaster.pid names it; its children end with it. */
    private void killPostmaster() {
        try {
            String pid = Files.readAllLines(data().resolve("postmaster.pid")).get(0).strip();
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | RuntimeException e) {
            // Already gone, or never written: nothing runs that could be killed.
        }
    }

    private Path data() {
        return directory.resolve("data");
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Where the output of initdb and pg_ctl goes, for the message when one of them fails. */
    private Path commandLog() {
        return directory.resolve("commands.log");
    }

    private void runAsOwner(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, commandLog());
    }

    /** Runs {@code command} to its end, with a deadline, its output appended to {@code log}. */
    private static void run(List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(TIMEOUT_SECONDS + 30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + (TIMEOUT_SECONDS + 30) + " s: " + tail(log));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** The last lines of a log, for failure messages. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
