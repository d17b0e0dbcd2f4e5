package dev.vnet.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command line run by bash in the repository's root, as a person would type it, with its standard output and
 * error in files of its own (so that CI shows them). {@code bash -c} and {@code bin/vnet} both exec, so the process
 * is the command's own JVM and signals reach it.
 */
public final class ShellCommand {

    private final String line;
    private final Process process;
    private final Path out;
    private final Path err;

    private ShellCommand(String line, Process process, Path out, Path err) {
        this.line = line;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code line}; {@code environment} replaces every inherited {@code VNET_*} variable. */
    public static ShellCommand start(String name, String line, Map<String, String> environment) {
        try {
            Files.createDirectories(VnetProcesses.logs());
            Path out = VnetProcesses.logs().resolve(name + ".out.log");
            Path err = VnetProcesses.logs().resolve(name + ".err.log");
            // A build started in the background (CI runners, "mvn verify &") hands every process below it SIGINT
            // ignored, and a JVM that starts with SIGINT ignored keeps ignoring it: Ctrl-C would never arrive.
            // A terminal's command starts with the default, so this one does too.
            ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT,QUIT", "bash", "-c", line)
                    .directory(VnetProcesses.root().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("VNET_"));
            builder.environment().putAll(environment);
            return new ShellCommand(line, builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start: " + line, e);
        }
    }

    /** Waits for the command to end within {@code timeout}; returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("'" + line + "' did not end within " + timeout.toSeconds() + " s: "
                        + this);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for '" + line + "'", e);
        }
    }

    /** Waits until its standard output or error (both, read as one text) satisfies {@code condition}. */
    public ShellCommand awaitOutput(Predicate<String> condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(stdout() + stderr())) {
            if (!process.isAlive() && !condition.test(stdout() + stderr())) {
                throw new IllegalStateException("'" + line + "' ended (exit " + process.exitValue() + ") before "
                        + what + ": " + this);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("'" + line + "': no " + what + " within " + timeout.toSeconds()
                        + " s: " + this);
            }
            pause();
        }
        return this;
    }

    /** Sends a signal (INT is Ctrl-C, TERM what a service manager sends) to the command and its children. */
    public void signal(String signal) {
        process.descendants().forEach(child -> kill(signal, child.pid()));
        kill(signal, process.pid());
    }

    /** Kills what is left of it, children first: for clean-up after a failure. */
    public void destroy() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    @Override
    public String toString() {
        return "stdout:\n" + stdout() + "\nstderr:\n" + stderr();
    }

    private static void kill(String signal, long pid) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
