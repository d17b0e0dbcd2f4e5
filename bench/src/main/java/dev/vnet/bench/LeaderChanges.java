package dev.vnet.bench;

import static dev.vnet.it.support.VnetProcesses.READY;

import dev.vnet.client.CallOptions;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The leader changes, under load: two coordinator replicas, two agents and an SDK client given both endpoints, the
 * client sending routed requests to an {@code ha} kv container in a loop. Then the leader is frozen (SIGSTOP, the
 * {@code frozen-leader} scenario) or killed ({@code leader-kill}, kill -9), and the time from then to the first
 * answered request sent after it is measured: the time to served.
 */
final class LeaderChanges {

    private static final Duration SERVED_WITHIN = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    private LeaderChanges() {}

    static Measurement frozen(Bench options) throws Exception {
        return measure("frozen-leader", options, leader -> leader.signal("STOP"));
    }

    static Measurement killed(Bench options) throws Exception {
        return measure("leader-kill", options, VnetProcess::kill);
    }

    private static Measurement measure(String scenario, Bench options, Consumer<VnetProcess> stop) throws Exception {
        if (!options.spawn) {
            throw new IllegalArgumentException(scenario + " starts and stops processes itself: run it with --spawn");
        }
        try (VnetProcesses processes = new VnetProcesses(List.of())) {
            VnetProcess first = processes.network("replica-1", Map.of("vnet.network.replica-id", "replica-1"));
            VnetProcess second = processes.network("replica-2", Map.of("vnet.network.replica-id", "replica-2"));
            String endpoints = first.endpoint() + "," + second.endpoint();
            VnetProcess leader = awaitLeader(first, second);
            VnetProcess agent1 = processes.agent("agent-1", endpoints, Map.of());
            VnetProcess agent2 = processes.agent("agent-2", endpoints, Map.of());
            agent1.awaitReady(READY);
            agent2.awaitReady(READY);
            try (VnetClient client = VnetClient.builder().network(endpoints).name("vnet-bench")
                    .timeout(Duration.ofSeconds(10)).build().awaitConnected(Duration.ofSeconds(30))) {
                client.get(GetOptions.kind("kv").uuid("bench-ledger")
                        .type(dev.vnet.proto.v1.ContainerType.CONTAINER_TYPE_HA));
                AtomicLong stoppedAt = new AtomicLong(Long.MAX_VALUE);
                AtomicLong servedAt = new AtomicLong();
                AtomicLong failed = new AtomicLong();
                AtomicBoolean running = new AtomicBoolean(true);
                List<String> errors = new CopyOnWriteArrayList<>();
                Thread load = new Thread(() -> {
                    long seq = 0;
                    while (running.get()) {
                        long sentAt = System.nanoTime();
                        try {
                            client.requestAsync("bench-ledger", "put", Map.of("key", "k", "value", ++seq),
                                    CallOptions.timeout(CALL_TIMEOUT)).join();
                            if (sentAt > stoppedAt.get()) {
                                servedAt.compareAndSet(0, System.nanoTime());
                            }
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            if (errors.size() < 3 && !errors.contains(e.getMessage())) {
                                errors.add(e.getMessage());
                            }
                        }
                    }
                }, "bench-leader-load");
                load.start();
                Thread.sleep(Math.max(500, options.warmup.toMillis() / 5));
                double loadAverage = loadAverage();
                failed.set(0);
                errors.clear();
                stop.accept(leader);
                // Counted from when the leader is stopped or dead (the signal delivered, the process gone):
                // requests it answered before that are not the new leader's.
                stoppedAt.set(System.nanoTime());
                try {
                    long deadline = System.nanoTime() + SERVED_WITHIN.toNanos();
                    while (servedAt.get() == 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("requests were not served again within "
                                    + SERVED_WITHIN.toSeconds() + " s of the leader's " + scenario);
                        }
                        Thread.sleep(5);
                    }
                } finally {
                    running.set(false);
                    load.join(CALL_TIMEOUT.toMillis() * 2);
                    if (scenario.equals("frozen-leader")) {
                        leader.signal("CONT");
                    }
                }
                Map<String, Double> figures = new LinkedHashMap<>();
                figures.put("servedMs", (servedAt.get() - stoppedAt.get()) / 1e6);
                figures.put("failedCalls", (double) failed.get());
                figures.put("loadAverage", loadAverage);
                // Failed calls are a figure here, not a failure of the benchmark: the one in flight at the stop fails.
                return new Measurement(scenario, Map.of("leaseMs", 5000), 0, null, 0,
                        errors.isEmpty() ? null : String.join(" | ", errors), Map.of(), figures);
            }
        }
    }

    /** The replica whose readiness is UP, once one is. */
    private static VnetProcess awaitLeader(VnetProcess first, VnetProcess second) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (first.healthStatus("ready") == 200) {
                return first;
            }
            if (second.healthStatus("ready") == 200) {
                return second;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no coordinator replica led within " + READY.toSeconds() + " s");
    }

    /** The machine's load average over the last minute, as the report's context. */
    static double loadAverage() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os.getSystemLoadAverage();
    }
}
