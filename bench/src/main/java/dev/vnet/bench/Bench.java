package dev.vnet.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/vnet bench}: measures a vnet network. By default against one that runs ({@code --network}); with
 * {@code --spawn} it starts a coordinator and agents as separate processes on 127.0.0.1 (and reports what they
 * used). Each scenario is warmed up, measured, and repeated {@code --runs} times; the report gives the median and
 * the spread, since a shared machine varies from run to run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure a vnet network.", "",
                // One string per paragraph: picocli wraps each to the terminal's width.
                "Scenarios: routed, direct, unary (request/response through the network's stream, straight to the "
                + "agent, and through the plain unary RPC), create (gets of new containers, each released untimed "
                + "afterwards), get-existing, events (broadcast fan-out to --clients connected clients), registry "
                + "(one coordinator of two replicas with --containers containers on --fake-agents fake agents: heap "
                + "per container, event fan-out to --watchers watchers, heartbeat store writes, get rate, and the "
                + "standby's takeover and restore from the store), failover (kill -9 the agent of a stateless "
                + "container under load: the takeover gap), agent-replica (kill -9 the active process of an agent "
                + "id whose standby process takes over, under load), migration (SIGSTOP the agent of an ha "
                + "container), frozen-leader (SIGSTOP the leading coordinator of two under SDK load: time until "
                + "requests are served again), leader-kill (the same with kill -9), store-writes (--agents agents "
                + "heartbeating), or all; and console (the console's containers view with --containers containers, "
                + "in headless Chromium: needs /usr/bin/chromium and Node.js), which all leaves out."})
public final class Bench implements Callable<Integer> {

    static final List<String> ALL = List.of("routed", "direct", "unary", "create", "get-existing", "events",
            "registry", "failover", "agent-replica", "migration", "frozen-leader", "leader-kill", "store-writes");
    /** Scenarios that need more than a JVM (console: Chromium and Node.js), so not part of all. */
    static final List<String> MORE = List.of("console");

    @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "What to measure (see above), or all.")
    List<String> scenarios;

    @Option(names = "--network", defaultValue = "${env:VNET_NETWORK:-127.0.0.1:3737}",
            description = "The network to measure, unless --spawn (default ${DEFAULT-VALUE}).")
    String network;

    @Option(names = "--spawn", description = "Start a coordinator and agents as separate processes (needs PostgreSQL "
            + "on 127.0.0.1:5432); required by registry, failover, agent-replica, migration, frozen-leader, "
            + "leader-kill and store-writes.")
    boolean spawn;

    @Option(names = "--in-flight", split = ",", defaultValue = "1,25",
            description = "Calls kept in flight, one measurement each (default ${DEFAULT-VALUE}).")
    List<Integer> inFlight;

    @Option(names = "--payload", defaultValue = "64", description = "Request payload bytes (default ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--warmup", defaultValue = "10s", converter = Durations.class,
            description = "Unmeasured warm-up (default ${DEFAULT-VALUE}): a fresh JVM compiles for seconds.")
    Duration warmup;

    @Option(names = "--duration", defaultValue = "20s", converter = Durations.class,
            description = "Measured time per run (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--runs", defaultValue = "1", description = "Runs per measurement (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--clients", defaultValue = "10", description = "Connected clients for events (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--containers", split = ",", defaultValue = "100000",
            description = "Containers registered by the registry scenario, one measurement each, e.g. "
                    + "10000,100000,1000000; the console scenario takes the first (default ${DEFAULT-VALUE}).")
    List<Integer> containers;

    @Option(names = "--fake-agents", defaultValue = "1000",
            description = "Fake agents the registry scenario spreads its containers on (default ${DEFAULT-VALUE}).")
    int fakeAgents;

    @Option(names = "--watchers", defaultValue = "100",
            description = "WatchEvents streams the registry scenario opens on the leader (default ${DEFAULT-VALUE}).")
    int watchers;

    @Option(names = "--coordinator-heap", defaultValue = "4g",
            description = "The registry scenario's coordinators' -Xmx (default ${DEFAULT-VALUE}); a million "
                    + "containers need more.")
    String coordinatorHeap;

    @Option(names = "--agents", defaultValue = "100", description = "Agents for store-writes (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--json", description = "One JSON object per measurement instead of a table.")
    boolean json;

    public static void main(String[] args) {
        // Agents and clients embedded in the benchmark log their life at INFO; the report is what matters here.
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler handler : root.getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> chosen = scenarios.contains("all") ? ALL : scenarios;
        for (String scenario : chosen) {
            if (!ALL.contains(scenario) && !MORE.contains(scenario)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown scenario '" + scenario
                        + "'; choose from " + ALL + ", " + MORE + " or all");
            }
        }
        Report report = new Report(json);
        try (Scenarios measure = new Scenarios(this)) {
            for (String scenario : chosen) {
                for (List<Measurement> runsOfOneVariant : measure.measure(scenario)) {
                    report.add(runsOfOneVariant);
                }
            }
        }
        report.finish();
        return report.anyErrors() ? 1 : 0;
    }

    /** Durations as people write them: 500ms, 10s, 2m. */
    static final class Durations implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim();
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
        }
    }
}
