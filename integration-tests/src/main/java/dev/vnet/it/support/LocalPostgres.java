package dev.vnet.it.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts the machine's PostgreSQL cluster (Debian's pg_ctlcluster), for tests of what vnet does when its
 * database goes away. Every test that stops it starts it again, whatever happens.
 */
public final class LocalPostgres {

    private LocalPostgres() {}

    /** Whether this machine's PostgreSQL can be controlled here. */
    public static boolean controllable() {
        return new File("/usr/bin/pg_ctlcluster").canExecute() && version() != null;
    }

    public static void stop() {
        run("stop", "-m", "fast");
    }

    public static void start() {
        run("start");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !accepting()) {
            sleep(100);
        }
    }

    public static boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... action) {
        List<String> command = new java.util.ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect",
                version(), "main"));
        command.addAll(List.of(action));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            String output = new String(process.getInputStream().readAllBytes());
            if (process.exitValue() != 0 && !output.contains("already running") && !output.contains("not running")) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run pg_ctlcluster", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String version() {
        File[] versions = new File("/etc/postgresql").listFiles(File::isDirectory);
        return versions == null || versions.length == 0 ? null : versions[0].getName();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
