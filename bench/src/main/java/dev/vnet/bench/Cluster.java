package dev.vnet.bench;

import static dev.vnet.it.support.VnetProcesses.READY;

import dev.vnet.it.support.FreePorts;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network a scenario measures: one it started itself (--spawn: a coordinator and agents as separate processes
 * on 127.0.0.1, with the JVM's default settings but the coordinator's heap bound, as in production) or one that
 * already runs (--network).
 */
final class Cluster implements AutoCloseable {

    /**
     * The spawned coordinator lifts the per-principal container quota (0: none). The benchmark is one principal, and
     * create makes containers far faster than their idle timeout (60 s) lets them go: at 25 in flight it passes the
     * default 200 000 within a run, and every later get would be refused. What it measures is creation, not the quota.
     */
    private static final Map<String, String> COORDINATOR = Map.of("vnet.network.limits.max-containers-per-principal",
            "0");

    /**
     * The spawned coordinator's heap, bounded as {@code bin/vnet network} bounds it (docs/OPERATIONS.md, sizing): with
     * the JVM's default (a quarter of the machine's memory) G1 let {@code create} grow it to 1.1-1.5 GB of RSS, far
     * past the data it held.
     */
    private static final List<String> COORDINATOR_JVM = List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError");

    private final String endpoint;
    private final VnetProcesses processes;
    private final Map<String, VnetProcess> spawned = new LinkedHashMap<>();
    private final Map<String, Double> cpuAtStart = new LinkedHashMap<>();

    private Cluster(String endpoint, VnetProcesses processes) {
        this.endpoint = endpoint;
        this.processes = processes;
    }

    /** A network that already runs at {@code endpoint}; nothing is started, nothing is measured but the client. */
    static Cluster existing(String endpoint) {
        return new Cluster(endpoint, null);
    }

    /** Starts a coordinator and the given agents (id to extra settings), and waits until all are ready. */
    static Cluster spawn(Map<String, Map<String, String>> agents) {
        return spawn(agents, SpawnSettings.RANDOM);
    }

    /** {@link #spawn(Map)} on the ports and the database {@code where} says (in the agents' order). */
    static Cluster spawn(Map<String, Map<String, String>> agents, SpawnSettings where) {
        VnetProcesses processes = new VnetProcesses(List.of(), COORDINATOR_JVM, where.openDatabase());
        try {
            VnetProcess network = processes.network("network", COORDINATOR, where.networkPort(), FreePorts.next())
                    .awaitReady(READY);
            Cluster cluster = new Cluster(network.endpoint(), processes);
            cluster.spawned.put("network", network);
            int index = 0;
            for (Map.Entry<String, Map<String, String>> agent : agents.entrySet()) {
                cluster.spawned.put(agent.getKey(), processes.agent(agent.getKey(), network.endpoint(),
                        agent.getValue(), where.agentPort(index++)));
            }
            cluster.spawned.values().forEach(process -> process.awaitReady(READY));
            return cluster;
        } catch (RuntimeException e) {
            processes.close(); // a process that failed to start must not leave the others, or a database, behind
            throw e;
        }
    }

    String endpoint() {
        return endpoint;
    }

    VnetProcess process(String name) {
        VnetProcess process = spawned.get(name);
        if (process == null) {
            throw new IllegalStateException("this scenario needs --spawn (it starts and kills processes itself)");
        }
        return process;
    }

    VnetProcesses processes() {
        return processes;
    }

    /** The process ids of the spawned processes that still run. */
    List<Long> pids() {
        return spawned.values().stream().filter(VnetProcess::isAlive).map(VnetProcess::pid).toList();
    }

    /** Marks the start of the measured phase for CPU accounting. */
    void startMeasuring() {
        spawned.forEach((name, process) -> cpuAtStart.put(name, process.cpuSeconds()));
    }

    /** CPU used by each spawned process since {@link #startMeasuring}, and its peak resident memory. */
    Map<String, Measurement.ProcessUse> use() {
        Map<String, Measurement.ProcessUse> use = new LinkedHashMap<>();
        spawned.forEach((name, process) -> {
            if (process.isAlive()) {
                use.put(name, new Measurement.ProcessUse(process.cpuSeconds() - cpuAtStart.getOrDefault(name, 0.0),
                        process.peakRssBytes()));
            }
        });
        return use;
    }

    @Override
    public void close() {
        if (processes != null) {
            processes.close();
        }
    }
}
