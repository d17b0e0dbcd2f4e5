package dev.vnet.bench;

import dev.vnet.it.support.VnetProcess;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The contention scenario: vnet's loads (routed and direct) measured beside {@link CpuHogs} at each level of
 * {@code --hogs}, 0 being the idle reference, once the loads have run unmeasured until the JIT is quiet. Every
 * round measures every level, and each round starts at a different level, so that a machine that gets busier or
 * quieter meanwhile weighs on all levels alike. Each measurement carries vnet's fair share of the CPU, the share it
 * measurably got, the cores it and its JIT compilers used; after the rounds, a {@code contention-vs-idle} line per
 * level compares it with the idle reference ({@link ContentionSummary}).
 */
final class Contention {

    /** The longest warm-up before the rounds; a fresh coordinator at load 30 still compiled after 2 minutes. */
    private static final Duration MAX_WARMING = Duration.ofMinutes(5);
    /** Compiler CPU, in cores, below which vnet's JVMs count as compiled. */
    private static final double QUIET_JIT_CORES = 0.05;

    private final Bench options;
    private final Cluster cluster;
    private final Map<String, Supplier<CompletableFuture<?>>> loads;
    /** Runs per load, calls in flight and level, in the order they are reported. */
    private final Map<String, Map<Integer, List<Measurement>>> runs = new LinkedHashMap<>();

    Contention(Bench options, Cluster cluster, Map<String, Supplier<CompletableFuture<?>>> loads) {
        if (!options.hogs.contains(0)) {
            throw new IllegalArgumentException("--hogs must include 0: the idle reference every level is compared with");
        }
        this.options = options;
        this.cluster = cluster;
        this.loads = loads;
    }

    List<List<Measurement>> measure() throws Exception {
        warmUntilCompiled();
        List<Integer> levels = options.hogs;
        for (int round = 0; round < options.runs; round++) {
            for (int i = 0; i < levels.size(); i++) {
                int hogs = levels.get((i + round) % levels.size());
                try (CpuHogs started = CpuHogs.start(hogs)) {
                    for (Map.Entry<String, Supplier<CompletableFuture<?>>> load : loads.entrySet()) {
                        for (int inFlight : options.inFlight) {
                            Measurement run = once(load.getKey(), load.getValue(), inFlight, started);
                            runs.computeIfAbsent(load.getKey() + " " + inFlight, k -> new LinkedHashMap<>())
                                    .computeIfAbsent(hogs, k -> new ArrayList<>()).add(run);
                        }
                    }
                }
            }
        }
        return report();
    }

    /**
     * Runs the loads unmeasured until the JIT compilers of vnet's processes are nearly quiet, for at most
     * {@link #MAX_WARMING}. Fresh JVMs compile for longer than one warm-up on a loaded machine: at load 17-30 the
     * first level of the first round measured the compiler (routed at idle: 2 k/s against 45 k/s in the rounds
     * after), and a fresh coordinator's C2 thread used several times the CPU of its gRPC threads for minutes.
     */
    private void warmUntilCompiled() throws InterruptedException {
        long deadline = System.nanoTime() + MAX_WARMING.toNanos();
        double jitCores;
        do {
            double before = compilerCpuSeconds();
            long started = System.nanoTime();
            for (Supplier<CompletableFuture<?>> call : loads.values()) {
                for (int inFlight : options.inFlight) {
                    ClosedLoop.run(call, inFlight, options.warmup, options.duration, () -> {});
                }
            }
            jitCores = (compilerCpuSeconds() - before) / ((System.nanoTime() - started) / 1e9);
        } while (jitCores > QUIET_JIT_CORES && System.nanoTime() < deadline);
        if (jitCores > QUIET_JIT_CORES) {
            System.err.printf("vnet bench: the JIT compilers still used %.2f cores after %s of warm-up; the first "
                    + "round measures them too (see jitCores)%n", jitCores, MAX_WARMING);
        }
    }

    /** CPU time of the JIT compiler threads of vnet's processes: the spawned ones and this client. */
    private double compilerCpuSeconds() {
        double seconds = JitActivity.compilerCpuSeconds(ProcessHandle.current().pid());
        for (long pid : cluster.pids()) {
            seconds += JitActivity.compilerCpuSeconds(pid);
        }
        return seconds;
    }

    private Measurement once(String load, Supplier<CompletableFuture<?>> call, int inFlight, CpuHogs hogs)
            throws InterruptedException {
        double[] atStart = new double[4];
        ClosedLoop.Outcome outcome = ClosedLoop.run(call, inFlight, options.warmup, options.duration, () -> {
            cluster.startMeasuring();
            atStart[0] = clientCpuSeconds();
            atStart[1] = hogs.cpuSeconds();
            atStart[2] = System.nanoTime();
            atStart[3] = compilerCpuSeconds();
        });
        double seconds = (System.nanoTime() - atStart[2]) / 1e9;
        double hogCpu = hogs.cpuSeconds() - atStart[1];
        if (hogs.alive() != hogs.count()) {
            throw new IllegalStateException((hogs.count() - hogs.alive()) + " CPU hogs stopped during the measurement");
        }
        Map<String, Measurement.ProcessUse> use = new LinkedHashMap<>(cluster.use());
        use.put("client", new Measurement.ProcessUse(clientCpuSeconds() - atStart[0],
                VnetProcess.peakRssBytes(ProcessHandle.current().pid())));
        double vnetCpu = use.values().stream().mapToDouble(Measurement.ProcessUse::cpuSeconds).sum();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("load", load);
        params.put("inFlight", inFlight);
        params.put("hogs", hogs.count());
        Measurement measurement = Measurement.of("contention", params, outcome, use);
        measurement.extra().put("fairShare", ContentionSummary.fairShare(use.size(), hogs.count()));
        measurement.extra().put("vnetShare", ContentionSummary.measuredShare(vnetCpu, hogCpu));
        measurement.extra().put("vnetCores", vnetCpu / seconds);
        measurement.extra().put("jitCores", (compilerCpuSeconds() - atStart[3]) / seconds);
        measurement.extra().put("load1", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return measurement;
    }

    /** Each level's rounds, then each level against the idle reference. */
    private List<List<Measurement>> report() {
        List<List<Measurement>> reported = new ArrayList<>();
        runs.values().forEach(levels -> reported.addAll(levels.values()));
        runs.forEach((load, levels) -> levels.forEach((hogs, rounds) -> {
            if (hogs != 0) {
                Map<String, Object> params = new LinkedHashMap<>(rounds.get(0).params());
                reported.add(List.of(Measurement.figures("contention-vs-idle", params,
                        ContentionSummary.compare(levels.get(0), rounds), Map.of())));
            }
        }));
        return reported;
    }

    /** The CPU time of this JVM, the client: one of vnet's processes under contention, like the servers. */
    private static double clientCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }
}
