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

    private static final long START_TIMEOUT_SECONDS = 60;

    private final Path bin;
    private final Path directory;
    private final int port;

    private PrivatePostgres(Path bin, Path directory, int port) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
    }

    /** The server binaries of the newest PostgreSQL installed, if any. */
    public static Optional<Path> installation() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.filter(version -> version.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(version -> Integer.parseInt(version.getFileName().toString())))
                    .map(version -> version.resolve("bin"))
                    .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Initialises a new server in a temporary directory and starts it. */
    public static PrivatePostgres start() {
        Path bin = installation().orElseThrow(() -> new IllegalStateException(
                "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)"));
        try {
            Path directory = Files.createTempDirectory("vnet-pg-");
            PrivatePostgres server = new PrivatePostgres(bin, directory, FreePorts.next());
            if (asRoot()) {
                run(List.of("chown", "postgres:postgres", directory.toString()));
            }
            server.runAsOwner(List.of(bin.resolve("initdb").toString(), "-D", server.data().toString(), "-U",
                    "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"));
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for a private PostgreSQL", e);
        }
    }

    /** The address to give {@link TestDatabase} and coordinators. */
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    /** Stops the server at once, as an outage would: its clients' connections break. */
    public void stop() {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w",
                "stop"));
    }

    /** Starts the server (again) and waits until it accepts connections. */
    public void startAgain() {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
                directory.resolve("server.log").toString(), "-w", "-t", Long.toString(START_TIMEOUT_SECONDS), "-o",
                "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
        if (!accepting()) {
            throw new IllegalStateException("the private PostgreSQL on " + hostAndPort() + " did not come up");
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

    /** Stops the server if it runs and deletes its files. */
    @Override
    public void close() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                stop();
            }
        } finally {
            deleteTree(directory);
        }
    }

    private Path data() {
        return directory.resolve("data");
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void runAsOwner(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(START_TIMEOUT_SECONDS + 30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            String output = new String(process.getInputStream().readAllBytes());
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
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
