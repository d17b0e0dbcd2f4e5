package dev.vnet.bench;

import dev.vnet.client.CallOptions;
import dev.vnet.client.Connection;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.Json;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Payload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The benchmark's scenarios; each answers one list of runs per variant (e.g. per number of calls in flight). The
 * request and event scenarios share one cluster (spawned on first use, closed at the end); the scenarios that kill,
 * freeze or fill processes spawn their own.
 */
final class Scenarios implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = VnetCalls.CALL_TIMEOUT;

    private final Bench options;
    private Cluster shared;

    Scenarios(Bench options) {
        this.options = options;
    }

    /** The network with one agent that the request and event scenarios measure. */
    private Cluster shared() {
        if (shared == null) {
            shared = options.spawn ? Cluster.spawn(Map.of("agent-1", Map.of()), options.spawnSettings)
                    : Cluster.existing(options.network);
        }
        return shared;
    }

    @Override
    public void close() {
        if (shared != null) {
            shared.close();
        }
    }

    List<List<Measurement>> measure(String scenario) throws Exception {
        return switch (scenario) {
            case "routed", "direct", "unary", "create", "get-existing" -> requests(scenario);
            case "grpc-echo" -> grpcEcho();
            case "contention" -> contention();
            case "events" -> List.of(repeat(() -> events()));
            case "registry" -> {
                requireSpawn("registry");
                List<List<Measurement>> curve = new ArrayList<>();
                for (int containers : options.containers) {
                    curve.add(repeat(() -> ScaleModel.measure(options, containers)));
                }
                yield curve;
            }
            case "failover" -> List.of(repeat(() -> failover()));
            case "migration" -> List.of(repeat(() -> migration()));
            case "agent-replica" -> List.of(repeat(() -> agentReplica()));
            case "frozen-leader" -> List.of(repeat(() -> LeaderChanges.frozen(options)));
            case "leader-kill" -> List.of(repeat(() -> LeaderChanges.killed(options)));
            case "store-writes" -> List.of(repeat(() -> StoreWrites.measure(options)));
            case "console" -> {
                requireSpawn("console");
                yield List.of(repeat(() -> ConsolePaint.measure(options)));
            }
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    private interface Run {
        Measurement once() throws Exception;
    }

    private List<Measurement> repeat(Run run) throws Exception {
        List<Measurement> runs = new ArrayList<>();
        for (int i = 0; i < options.runs; i++) {
            runs.add(run.once());
        }
        return runs;
    }

    /** A client of {@code cluster}, connected. */
    static VnetClient client(Cluster cluster) {
        return VnetClient.builder().network(cluster.endpoint()).name("vnet-bench").timeout(CALL_TIMEOUT).build()
                .awaitConnected(Duration.ofSeconds(30));
    }

    // ---- request/response: one cluster, every in-flight variant and run on it ----

    private List<List<Measurement>> requests(String scenario) throws Exception {
        Cluster cluster = shared();
        try (VnetClient client = client(cluster);
                VnetCalls calls = new VnetCalls(client, cluster.endpoint(), payload())) {
            return variants(calls.of(scenario), cluster::startMeasuring, (inFlight, outcome) -> Measurement.of(
                    scenario, params(scenario, inFlight), calls.withReleaseFailures(outcome), cluster.use()));
        }
    }

    // ---- contention: routed and direct beside CPU hogs ----

    private List<List<Measurement>> contention() throws Exception {
        requireSpawn("contention");
        Cluster cluster = shared();
        try (VnetClient client = client(cluster);
                VnetCalls calls = new VnetCalls(client, cluster.endpoint(), payload())) {
            Map<String, Supplier<CompletableFuture<?>>> loads = new LinkedHashMap<>();
            loads.put("routed", calls.of("routed"));
            loads.put("direct", calls.of("direct"));
            return new Contention(options, cluster, loads).measure();
        }
    }

    // ---- grpc-echo: the same load on a bare grpc-java echo, the reference for routed and direct ----

    private List<List<Measurement>> grpcEcho() throws Exception {
        Payload payload = payload();
        try (BareEcho echo = BareEcho.start(VnetProcesses.logs())) {
            return variants(SampledEchoCheck.of(() -> echo.echo(payload, CALL_TIMEOUT), payload), () -> {},
                    (inFlight, outcome) -> Measurement.of("grpc-echo", params("grpc-echo", inFlight), outcome,
                            Map.of()));
        }
    }

    private Payload payload() {
        return RequestPayload.of(options.payloadFormat, options.payload);
    }

    /** What a request scenario's report says it ran with. */
    private Map<String, Object> params(String scenario, int inFlight) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("inFlight", inFlight);
        if (!scenario.equals("create") && !scenario.equals("get-existing")) {
            params.put("payloadBytes", options.payload);
            params.put("payloadFormat", options.payloadFormat.name());
        }
        return params;
    }

    /** Every --in-flight variant of one closed-loop load, each run --runs times. */
    private List<List<Measurement>> variants(Supplier<CompletableFuture<?>> call, Runnable beforeMeasuring,
            BiFunction<Integer, ClosedLoop.Outcome, Measurement> measured) throws InterruptedException {
        List<List<Measurement>> variants = new ArrayList<>();
        for (int inFlight : options.inFlight) {
            List<Measurement> runs = new ArrayList<>();
            for (int run = 0; run < options.runs; run++) {
                ClosedLoop.Outcome outcome = ClosedLoop.run(call, inFlight, options.warmup, options.duration,
                        beforeMeasuring);
                runs.add(measured.apply(inFlight, outcome));
            }
            variants.add(runs);
        }
        return variants;
    }

    // ---- events: one publisher, K connected clients ----

    private Measurement events() throws Exception {
        Cluster cluster = shared();
        try (VnetClient publisher = client(cluster)) {
            ContainerRef room = publisher.get(GetOptions.kind("chat").uuid("bench-room"));
            Recorder deliveries = new Recorder(3);
            AtomicLong received = new AtomicLong();
            List<VnetClient> subscribers = new ArrayList<>();
            List<Connection> connections = new ArrayList<>();
            try {
                for (int i = 0; i < options.clients; i++) {
                    VnetClient subscriber = client(cluster);
                    subscribers.add(subscriber);
                    connections.add(subscriber.connect(room.uuid(), message -> {
                        Map<?, ?> event = Json.decode(message, Map.class);
                        if ("message".equals(event.get("type"))) {
                            deliveries.recordValue(System.nanoTime() - Long.parseLong((String) event.get("text")));
                            received.incrementAndGet();
                        }
                    }));
                }
                int inFlight = options.inFlight.get(0);
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("clients", options.clients);
                params.put("inFlight", inFlight);
                ClosedLoop.Outcome posts = ClosedLoop.run(() -> room.requestAsync("post",
                        Map.of("text", Long.toString(System.nanoTime())), CallOptions.timeout(CALL_TIMEOUT)), inFlight,
                        options.warmup, options.duration, () -> {
                            cluster.startMeasuring();
                            deliveries.reset();
                            received.set(0);
                        });
                Histogram delivered = deliveries.getIntervalHistogram();
                Measurement measurement = new Measurement("events", params, delivered.getTotalCount() / posts.seconds(),
                        delivered, posts.errors(), posts.firstError(), cluster.use(), new LinkedHashMap<>());
                measurement.extra().put("postsPerSecond", posts.throughput());
                return measurement;
            } finally {
                connections.forEach(Connection::close);
                subscribers.forEach(VnetClient::close);
            }
        }
    }

    // ---- failover: kill -9 the active agent of a stateless container under load ----

    private Measurement failover() throws Exception {
        requireSpawn("failover");
        Map<String, String> offer = Map.of("vnet.agent.stateless", "echo:bench-leader");
        try (Cluster cluster = Cluster.spawn(Map.of("agent-a", offer, "agent-b", offer));
                VnetClient client = client(cluster)) {
            ContainerRef leader = client.get(GetOptions.kind("echo").uuid("bench-leader"));
            String active = whoami(client, leader.uuid());
            String survivor = active.equals("agent-a") ? "agent-b" : "agent-a";
            Map<String, Long> lastAnswer = new ConcurrentHashMap<>();
            Map<String, Long> firstAnswer = new ConcurrentHashMap<>();
            Supplier<CompletableFuture<?>> call = () -> client.requestAsync(leader.uuid(), "whoami", null,
                    CallOptions.timeout(CALL_TIMEOUT).withIdempotent()).thenAccept(payload -> {
                        String agent = (String) Json.decode(payload, Map.class).get("agent");
                        long now = System.nanoTime();
                        lastAnswer.put(agent, now);
                        firstAnswer.putIfAbsent(agent, now);
                    });
            int inFlight = options.inFlight.get(0);
            long[] killedAt = new long[1];
            ClosedLoop.Outcome outcome = ClosedLoop.run(call, inFlight, options.warmup, options.duration, () -> {
                cluster.startMeasuring();
                Thread killer = new Thread(() -> {
                    sleep(options.duration.toMillis() / 3);
                    killedAt[0] = System.nanoTime();
                    cluster.process(active).kill();
                });
                killer.setDaemon(true);
                killer.start();
            });
            Long dead = lastAnswer.get(active);
            Long taken = firstAnswer.get(survivor);
            if (dead == null || taken == null || killedAt[0] == 0) {
                throw new IllegalStateException("the standby never answered (" + outcome.firstError() + ")");
            }
            Measurement measurement = Measurement.of("failover", Map.of("inFlight", inFlight), outcome, cluster.use());
            measurement.extra().put("gapMs", (taken - dead) / 1e6);
            measurement.extra().put("sinceKillMs", (taken - killedAt[0]) / 1e6);
            measurement.extra().put("load1", loadAverage());
            return measurement;
        }
    }

    // ---- agent-replica: kill -9 the active process of an agent id whose standby process waits ----

    private Measurement agentReplica() throws Exception {
        requireSpawn("agent-replica");
        Map<String, String> offer = Map.of("vnet.agent.stateless", "echo:bench-twin");
        try (Cluster cluster = Cluster.spawn(Map.of("twin", offer));
                VnetClient client = client(cluster)) {
            VnetProcess standby = cluster.processes().agent("twin", cluster.endpoint(), offer);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (client.agents().stream().noneMatch(a -> a.getAgentId().equals("twin") && a.getStandbys() == 1)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the second process of agent twin did not stand by within 60 s");
                }
                Thread.sleep(20);
            }
            String activeInstance = client.agents().stream().filter(a -> a.getAgentId().equals("twin")).findFirst()
                    .orElseThrow().getInstanceId();
            ContainerRef twin = client.get(GetOptions.kind("echo").uuid("bench-twin"));
            long oldEpoch = epoch(client, twin.uuid());
            Map<Boolean, Long> lastAnswer = new ConcurrentHashMap<>();
            Map<Boolean, Long> firstAnswer = new ConcurrentHashMap<>();
            Supplier<CompletableFuture<?>> call = () -> client.requestAsync(twin.uuid(), "whoami", null,
                    CallOptions.timeout(CALL_TIMEOUT).withIdempotent()).thenAccept(payload -> {
                        boolean old = ((Number) Json.decode(payload, Map.class).get("epoch")).longValue() == oldEpoch;
                        long now = System.nanoTime();
                        lastAnswer.put(old, now);
                        firstAnswer.putIfAbsent(old, now);
                    });
            int inFlight = options.inFlight.get(0);
            long[] killedAt = new long[1];
            long[] activeAt = new long[1];
            ClosedLoop.Outcome outcome = ClosedLoop.run(call, inFlight, options.warmup, options.duration, () -> {
                cluster.startMeasuring();
                Thread killer = new Thread(() -> {
                    sleep(options.duration.toMillis() / 3);
                    killedAt[0] = System.nanoTime();
                    cluster.process("twin").kill();
                    long until = killedAt[0] + Duration.ofSeconds(30).toNanos();
                    while (activeAt[0] == 0 && System.nanoTime() < until) {
                        if (client.agents().stream().anyMatch(a -> a.getAgentId().equals("twin")
                                && !a.getInstanceId().equals(activeInstance))) {
                            activeAt[0] = System.nanoTime();
                        }
                        sleep(5); // polled, not hammered: the network under measurement serves these too
                    }
                });
                killer.setDaemon(true);
                killer.start();
            });
            Long dead = lastAnswer.get(true);
            Long taken = firstAnswer.get(false);
            if (dead == null || taken == null || killedAt[0] == 0 || activeAt[0] == 0) {
                throw new IllegalStateException("the standby process never took over (" + outcome.firstError() + ")");
            }
            Measurement measurement = Measurement.of("agent-replica", Map.of("inFlight", inFlight), outcome,
                    cluster.use());
            measurement.extra().put("activeMs", (activeAt[0] - killedAt[0]) / 1e6);
            measurement.extra().put("servedMs", (taken - killedAt[0]) / 1e6);
            measurement.extra().put("gapMs", (taken - dead) / 1e6);
            measurement.extra().put("load1", loadAverage());
            standby.kill();
            return measurement;
        }
    }

    private static long epoch(VnetClient client, String uuid) {
        return ((Number) client.request(uuid, "whoami", null, Map.class).get("epoch")).longValue();
    }

    /** The one-minute load average of this machine, as the figures' context. */
    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    // ---- migration: SIGSTOP the agent of an ha container ----

    private Measurement migration() throws Exception {
        requireSpawn("migration");
        try (Cluster cluster = Cluster.spawn(Map.of("agent-1", Map.of(), "agent-2", Map.of()));
                VnetClient client = client(cluster)) {
            ContainerRef ha = client.get(GetOptions.kind("kv").uuid("bench-ha").type(ContainerType.CONTAINER_TYPE_HA)
                    .spec(Map.of("data", Map.of("seed", 1))));
            String host = ha.info().getAgentId();
            String other = host.equals("agent-1") ? "agent-2" : "agent-1";
            VnetProcess frozen = cluster.process(host);
            Thread.sleep(options.warmup.toMillis() / 5);
            cluster.startMeasuring();
            long stoppedAt = System.nanoTime();
            frozen.signal("STOP");
            try {
                long deadline = stoppedAt + Duration.ofSeconds(30).toNanos();
                while (!runningOn(client, ha.uuid(), other)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the ha container was not re-created within 30 s");
                    }
                    Thread.sleep(5);
                }
                double recreatedMs = (System.nanoTime() - stoppedAt) / 1e6;
                Map<String, Double> figures = new LinkedHashMap<>();
                figures.put("runningElsewhereMs", recreatedMs);
                figures.put("moveMs", (double) recordedMove(client, ha.uuid()).getDurationMs());
                return Measurement.figures("migration", Map.of("aliveTimeoutMs", 3000), figures, cluster.use());
            } finally {
                frozen.signal("CONT");
            }
        }
    }

    /** The move's history row (written behind the move, so it may take a flush to appear). */
    private static dev.vnet.proto.v1.MigrationInfo recordedMove(VnetClient client, String uuid)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<dev.vnet.proto.v1.MigrationInfo> history = client.history(uuid, 1);
            if (!history.isEmpty()) {
                return history.get(0);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the move of " + uuid + " was not recorded within 10 s");
    }

    private static boolean runningOn(VnetClient client, String uuid, String agent) {
        for (ContainerInfo info : client.containers("kv", null, agent)) {
            if (info.getUuid().equals(uuid) && info.getState() == ContainerState.CONTAINER_STATE_RUNNING) {
                return true;
            }
        }
        return false;
    }

    private static String whoami(VnetClient client, String uuid) {
        return (String) client.request(uuid, "whoami", null, Map.class).get("agent");
    }

    private void requireSpawn(String scenario) {
        if (!options.spawn) {
            throw new IllegalArgumentException(scenario + " starts and stops processes itself: run it with --spawn");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
