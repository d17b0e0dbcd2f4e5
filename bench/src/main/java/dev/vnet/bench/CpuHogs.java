package dev.vnet.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Busy processes that compete with vnet for the CPU, as other tenants of a shared node do: each is a separate
 * shell spinning in a loop without a system call, so the scheduler sees one more always-runnable task per hog.
 * Closing stops them all and waits until they are gone; a shutdown hook does the same if the benchmark is
 * interrupted, so no hog outlives it.
 */
final class CpuHogs implements AutoCloseable {

    private static final String[] SPIN = {"/bin/sh", "-c", "while :; do :; done"};
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final List<Process> hogs = new ArrayList<>();
    private final Thread stopOnExit = new Thread(this::stop, "vnet-bench-hogs-stop");

    private CpuHogs() {
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts {@code count} hogs (none for 0: the idle reference). */
    static CpuHogs start(int count) throws IOException {
        CpuHogs started = new CpuHogs();
        try {
            for (int i = 0; i < count; i++) {
                started.hogs.add(new ProcessBuilder(SPIN).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
        } catch (IOException | RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    int count() {
        return hogs.size();
    }

    /** The hogs that still run (all of them until closed, unless something else killed one). */
    long alive() {
        return hogs.stream().filter(Process::isAlive).count();
    }

    /** CPU time the hogs have used so far, in seconds (user + system, from /proc). */
    double cpuSeconds() {
        return hogs.stream().mapToDouble(hog -> hog.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
                .sum();
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or has run: it stops the same processes
        }
    }

    private void stop() {
        hogs.forEach(Process::destroyForcibly);
        for (Process hog : hogs) {
            try {
                if (!hog.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("CPU hog " + hog.pid() + " did not stop within "
                            + STOP_TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
