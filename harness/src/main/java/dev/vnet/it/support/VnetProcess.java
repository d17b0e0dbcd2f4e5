package dev.vnet.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One vnet process (a network or an agent) started from its packaged jar, with its output in a log file. Stopped
 * with SIGTERM, killed with SIGKILL, frozen and thawed with SIGSTOP and SIGCONT.
 */
public final class VnetProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Process process;
    private final int grpcPort;
    private final int httpPort;
    private final Path log;

    VnetProcess(String name, Process process, int grpcPort, int httpPort, Path log) {
        this.name = name;
        this.process = process;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.log = log;
    }

    public String name() {
        return name;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** host:port of its gRPC server. */
    public String endpoint() {
        return "127.0.0.1:" + grpcPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    public VnetProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready:\n"
                        + logTail(40));
            }
            if (healthStatus("ready") == 200) {
                return this;
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toMillis() + " ms:\n" + logTail(40));
    }

    /** The HTTP status of {@code /q/health/<check>}, or -1 when it does not answer. */
    public int healthStatus(String check) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/" + check))
                    .timeout(Duration.ofSeconds(2)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of {@code GET path} on the process's HTTP port (e.g. {@code /q/metrics}). */
    public String httpGet(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " on " + name + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on " + name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** kill -9: the process gets no chance to say goodbye. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    /** Sends a signal by name, e.g. STOP or CONT. */
    public void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -s " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Path log() {
        return log;
    }

    /** CPU time the process has used so far (user and system), in seconds. */
    public double cpuSeconds() {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** The most memory the process has had resident (VmHWM), in bytes; 0 when the platform does not say. */
    public long peakRssBytes() {
        return peakRssBytes(process.pid());
    }

    /** The most memory process {@code pid} has had resident (VmHWM), in bytes; 0 when the platform does not say. */
    public static long peakRssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** Where its output ends now: give it to {@link #logSince} to read only what the process says afterwards. */
    public long logMark() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /** What the process has written since {@code mark} (from {@link #logMark}). */
    public String logSince(long mark) {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(mark, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The last lines of its output, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", grpc " + grpcPort + ", http " + httpPort + ")";
    }
}
