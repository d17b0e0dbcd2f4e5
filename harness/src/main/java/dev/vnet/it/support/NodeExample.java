package dev.vnet.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Node.js program of the repository as a test runs it (the example client in {@code docs/examples/node}, the
 * console's browser test): makes sure Node.js is there, installs the program's packages when they are missing or
 * older than its lock file, and runs a script of it.
 */
public final class NodeExample {

    /** Debian 12's own nodejs package is 18; the example is written for 20 and runs on both. */
    private static final int MIN_NODE_MAJOR = 18;
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\..*");
    private static final String INSTALL_HINT = "install Node.js 20 and npm (Debian: 'apt-get install nodejs npm', which"
            + " .ci/run does when node is missing)";

    private final Path directory;

    private NodeExample(Path directory) {
        this.directory = directory;
    }

    /** The example in the repository under test. */
    public static NodeExample inRepository() {
        return in("docs/examples/node");
    }

    /** The Node.js program in this folder of the repository under test. */
    public static NodeExample in(String folder) {
        return new NodeExample(VnetProcesses.root().resolve(folder));
    }

    public Path directory() {
        return directory;
    }

    /**
     * Checks that {@code node} runs and is recent enough, and fails with what to install otherwise: a test that needs
     * Node.js must not pass, or skip, without it.
     *
     * @return the version {@code node --version} printed
     */
    public String requireNode() {
        Result version;
        try {
            version = run(List.of("node", "--version"), Duration.ofSeconds(10), Map.of());
        } catch (UncheckedIOException notFound) {
            throw new IllegalStateException("node is not on the PATH: " + INSTALL_HINT, notFound);
        }
        String printed = String.join("", version.stdout()).trim();
        Matcher matcher = VERSION.matcher(printed);
        if (version.exitCode() != 0 || !matcher.matches()) {
            throw new IllegalStateException("'node --version' answered '" + printed + "' (exit " + version.exitCode()
                    + "): " + INSTALL_HINT);
        }
        if (Integer.parseInt(matcher.group(1)) < MIN_NODE_MAJOR) {
            throw new IllegalStateException("node " + printed + " is too old for the example: " + INSTALL_HINT);
        }
        return printed;
    }

    /**
     * Runs {@code npm ci} unless {@code node_modules} was installed from the current lock file: npm writes
     * {@code node_modules/.package-lock.json} on every install, so one older than {@code package-lock.json} (or none)
     * means stale. Install scripts are not run: none of the client's packages needs one to work.
     *
     * @return whether it installed
     */
    public boolean installIfStale(Duration timeout) {
        Path lock = directory.resolve("package-lock.json");
        Path installed = directory.resolve("node_modules/.package-lock.json");
        try {
            if (Files.isRegularFile(installed)
                    && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
                return false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + lock, e);
        }
        Result npm;
        try {
            npm = run(List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"),
                    timeout, Map.of());
        } catch (UncheckedIOException notFound) {
            throw new IllegalStateException("npm is not on the PATH: " + INSTALL_HINT, notFound);
        }
        if (npm.exitCode() != 0) {
            throw new IllegalStateException("npm ci failed in " + directory + " (exit " + npm.exitCode() + "):\n"
                    + npm.stderr() + String.join("\n", npm.stdout()));
        }
        return true;
    }

    /** Runs {@code node client.js args...} with these extra environment variables. */
    public Result runClient(Duration timeout, Map<String, String> environment, String... args) {
        return runScript(timeout, environment, "client.js", args);
    }

    /** Runs {@code node script args...} in the program's folder with these extra environment variables. */
    public Result runScript(Duration timeout, Map<String, String> environment, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        return run(command, timeout, environment);
    }

    /**
     * Runs a command in the example's folder and waits for it at most {@code timeout}.
     *
     * @throws UncheckedIOException when the program cannot be started (not installed)
     * @throws IllegalStateException when it does not finish in time; it is killed then
     */
    private Result run(List<String> command, Duration timeout, Map<String, String> environment) {
        try {
            Path out = Files.createTempFile("vnet-node", ".out");
            Path err = Files.createTempFile("vnet-node", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                            + "; it printed:\n" + Files.readString(out) + Files.readString(err));
                }
                return new Result(process.exitValue(), Files.readAllLines(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + " in " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** How a command exited and what it printed: standard output by line, standard error whole. */
    public record Result(int exitCode, List<String> stdout, String stderr) {

        /** Everything it printed, for failure messages. */
        public String transcript() {
            return String.join("\n", stdout) + (stderr.isEmpty() ? "" : "\n--- stderr:\n" + stderr);
        }
    }
}
