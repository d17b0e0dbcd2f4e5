package dev.vnet.bench;

import dev.vnet.it.support.VnetProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a spawned coordinator's heap with jcmd (after a full collection, so that only live objects count). */
final class Heap {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern PENDING = Pattern.compile("\"pendingStoreWrites\"\\s*:\\s*(\\d+)");

    private Heap() {}

    static long usedAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        long used = 0;
        for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher m = USED.matcher(line);
            if (m.find()) {
                used += Long.parseLong(m.group(1)) * 1024;
            }
        }
        return used;
    }

    /** Waits until the coordinator has written everything to its store (its readiness check says how much is left). */
    static void awaitStoreCaughtUp(VnetProcess network, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + network.httpPort()
                    + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = PENDING.matcher(body);
            if (m.find() && Long.parseLong(m.group(1)) == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the coordinator's store writes did not catch up within " + timeout);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = java.resolveSibling("jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }
}
