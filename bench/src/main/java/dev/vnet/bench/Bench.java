package dev.vnet.bench;

import java.nio.file.Path;
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
                + "heartbeating), or all; and, left out of all, console (the console's containers view with "
                + "--containers containers, in headless Chromium: needs /usr/bin/chromium and Node.js) and "
                + "contention (routed and direct at each --in-flight beside --hogs busy processes, rounds "
                + "interleaved: throughput, p99 and the CPU vnet got against the idle reference).", "",
                "grpc-echo: the same closed loop and payload on a bare grpc-java echo (one bidirectional stream, in "
                + "a JVM of its own, on the transport vnet's servers use): the reference routed and direct are "
                + "compared with. Routed, direct, unary and grpc-echo compare every 64th reply with what was sent.", "",
                "check: the regression check (alone; implies --spawn): routed, direct and grpc-echo at "
                + RegressionCheck.IN_FLIGHT + " in flight, " + RegressionCheck.PAYLOAD_BYTES + "-byte payloads, "
                + RegressionCheck.ROUNDS + " interleaved rounds of 2 s (about a minute in all); fails (exit 1) only "
                + "when the best round's routed/echo or direct/echo falls below half of --baseline's, confirmed by "
                + "as many rounds again, and not on a machine loaded beyond 2 runnable processes per core (there "
                + "it says NOT JUDGED). --write-baseline measures and writes the baseline instead (on a quiet "
                + "machine).", "",
                "Placing --spawn beside other systems: --network-port, --agent-port and --database apply to the "
                + "cluster that routed, direct, unary, create, get-existing, events and check share (one "
                + "coordinator, one agent); the scenarios that start clusters of their own (registry, failover, "
                + "agent-replica, migration, frozen-leader, leader-kill, store-writes, console) always use random "
                + "ports and fresh databases and are refused with these options. grpc-echo's server always takes "
                + "a random port.", "",
                "Exit codes: 0 measured without errors (check: passed), 1 some calls failed (check: a regression), "
                + "2 a usage error (a taken port, an unreachable database, options that do not go together)."})
public final class Bench implements Callable<Integer> {

    static final List<String> ALL = List.of("routed", "direct", "unary", "grpc-echo", "create", "get-existing",
            "events", "registry", "failover", "agent-replica", "migration", "frozen-leader", "leader-kill",
            "store-writes");
    /**
     * Scenarios not part of all: console needs more than a JVM (Chromium and Node.js); contention loads the whole
     * machine on purpose, for minutes.
     */
    static final List<String> MORE = List.of("console", "contention");

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

    @Option(names = "--payload-format", defaultValue = "bytes", description = "bytes (zeros, "
            + "application/octet-stream) or json (an order document padded to exactly --payload bytes, "
            + "application/json, encoded by the SDK's Json; a --payload below the unpadded document's size is refused "
            + "with that size) (default ${DEFAULT-VALUE}).")
    RequestPayload.Format payloadFormat;

    @Option(names = "--network-port", description = "With --spawn: the coordinator's gRPC port (default: a free "
            + "one; its HTTP port is always a free one). See 'Placing --spawn' above.")
    Integer networkPort;

    @Option(names = "--agent-port", description = "With --spawn: the agent's gRPC port for direct calls (a "
            + "further agent would take the next ports; default: free ones).")
    Integer agentPort;

    @Option(names = "--database", description = "With --spawn: the coordinator's PostgreSQL database, created if "
            + "missing and kept afterwards: a name on 127.0.0.1:5432, or a URL as in VNET_DB_URL "
            + "(postgresql://host:port/name); VNET_DB_USER and VNET_DB_PASSWORD give the user (default postgres) "
            + "and password. The coordinator restores what the database holds: give an empty one for figures "
            + "that compare. Default: a fresh database, dropped at the end.")
    String database;

    @Option(names = "--baseline", defaultValue = "${sys:vnet.root:-.}/bench/check-baseline.json",
            description = "check: the baseline to compare with (default ${DEFAULT-VALUE}).")
    Path baseline;

    @Option(names = "--write-baseline", description = "check: measure and write --baseline instead of comparing.")
    boolean writeBaseline;

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

    @Option(names = "--hogs", split = ",", defaultValue = "0,2,4,8",
            description = "Busy processes beside vnet for contention, one level each; 0, the idle reference, is "
                    + "required (default ${DEFAULT-VALUE}).")
    List<Integer> hogs;

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

    /** Where --spawn puts the shared cluster; set from the options when the command runs. */
    SpawnSettings spawnSettings = SpawnSettings.RANDOM;

    @Override
    public Integer call() throws Exception {
        try {
            return scenarios.contains("check") ? check() : measure();
        } catch (UsageError e) {
            System.err.println("vnet bench: " + e.getMessage());
            return 2;
        }
    }

    private int check() throws Exception {
        if (scenarios.size() > 1) {
            throw new UsageError("check runs alone: 'bin/vnet bench check', then measure other scenarios apart");
        }
        spawnSettings = SpawnSettings.of(networkPort, agentPort, database, true, scenarios, System.getenv());
        try {
            return RegressionCheck.run(spawnSettings, baseline, writeBaseline);
        } catch (IllegalStateException e) {
            System.out.println("bench check: FAILED: " + e.getMessage());
            return 1;
        }
    }

    private int measure() throws Exception {
        List<String> chosen = scenarios.contains("all") ? ALL : scenarios;
        for (String scenario : chosen) {
            if (!ALL.contains(scenario) && !MORE.contains(scenario)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown scenario '" + scenario
                        + "'; choose from " + ALL + ", " + MORE + ", all or check");
            }
        }
        spawnSettings = SpawnSettings.of(networkPort, agentPort, database, spawn, chosen, System.getenv());
        if (payloadFormat == RequestPayload.Format.json) {
            RequestPayload.of(payloadFormat, payload); // refuses a size below the document's before anything starts
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
