package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.CallOptions;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.Json;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.MigrationStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Containers that outlive their agent, with real processes: killed, frozen, drained, replaced. */
class ContainerHaIT {

    /**
     * Failure bound of a takeover after kill -9: the dead agent's stream closes, so it is at once, well before the
     * alive timeout (3 s) would notice; this leaves room for a loaded machine. docs/PERFORMANCE.md has the figures.
     */
    private static final Duration TAKEOVER = Duration.ofSeconds(3);
    /** How often a test that watches for a stale copy calls the container: often, to catch a short window. */
    private static final Duration CALLS = Duration.ofMillis(10);
    /** Answers to collect before the kill and from the survivor after it. */
    private static final int ANSWERS = 20;

    /** One answer of a routed whoami: when it came and which agent's copy answered. */
    private record Answer(long atNanos, String agent) {}

    @Test
    void killingTheActiveStatelessAgentMovesRequestsToTheStandbyQuickly() throws Exception {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            VnetProcess first = processes.agent("agent-a", network.endpoint(), Map.of("vnet.agent.stateless",
                    "echo:leader"));
            VnetProcess second = processes.agent("agent-b", network.endpoint(), Map.of("vnet.agent.stateless",
                    "echo:leader"));
            first.awaitReady(READY);
            second.awaitReady(READY);
            try (VnetClient client = client(network)) {
                ContainerRef leader = client.get(GetOptions.kind("echo").uuid("leader"));
                assertThat(leader.info().getType()).isEqualTo(ContainerType.CONTAINER_TYPE_STATELESS);
                String active = whoami(leader);
                VnetProcess doomed = active.equals("agent-a") ? first : second;
                String survivor = active.equals("agent-a") ? "agent-b" : "agent-a";

                List<Answer> answers = new CopyOnWriteArrayList<>();
                AtomicBoolean running = new AtomicBoolean(true);
                Thread load = requestsInALoop(leader, answers, running);
                await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() >= ANSWERS);
                long killedAt = System.nanoTime();
                doomed.kill();
                await().atMost(TAKEOVER.plusSeconds(5)).until(() -> answers.stream()
                        .filter(a -> a.agent().equals(survivor)).count() >= ANSWERS);
                running.set(false);
                load.join();

                long lastFromDead = answers.stream().filter(a -> a.agent().equals(active))
                        .mapToLong(Answer::atNanos).max().orElseThrow();
                long firstFromSurvivor = answers.stream().filter(a -> a.agent().equals(survivor))
                        .mapToLong(Answer::atNanos).min().orElseThrow();
                System.out.printf("stateless takeover: gap %.1f ms between the last answer of %s and the first of %s "
                        + "(%.1f ms after kill -9)%n", (firstFromSurvivor - lastFromDead) / 1e6, active, survivor,
                        (firstFromSurvivor - killedAt) / 1e6);
                assertThat(answers.stream().filter(a -> a.atNanos() > firstFromSurvivor).map(Answer::agent))
                        .as("nothing is answered by the dead agent's copy afterwards").containsOnly(survivor);
                assertThat(Duration.ofNanos(firstFromSurvivor - killedAt)).isLessThan(TAKEOVER);
            }
        }
    }

    @Test
    void aFrozenAgentsHaContainerIsRecreatedFromItsSpecAndItsOldCopyFencedWhenItWakes() throws Exception {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            VnetProcess a1 = processes.agent("agent-1", network.endpoint(), Map.of());
            VnetProcess a2 = processes.agent("agent-2", network.endpoint(), Map.of());
            a1.awaitReady(READY);
            a2.awaitReady(READY);
            try (VnetClient client = client(network)) {
                ContainerRef kv = client.get(GetOptions.kind("kv").uuid("precious").type(ContainerType.CONTAINER_TYPE_HA)
                        .spec(Map.of("data", Map.of("seed", "planted"))));
                kv.request("put", Map.of("key", "later", "value", "only in the first copy"), Map.class);
                String original = kv.info().getAgentId();
                VnetProcess frozen = original.equals("agent-1") ? a1 : a2;
                String other = original.equals("agent-1") ? "agent-2" : "agent-1";

                long stoppedAt = System.nanoTime();
                long wokenAt;
                frozen.signal("STOP");
                try {
                    await().atMost(Duration.ofSeconds(15)).until(() -> running(client, "precious", other));
                    System.out.printf("ha migration: running again on %s %.0f ms after SIGSTOP of %s%n", other,
                            (System.nanoTime() - stoppedAt) / 1e6, original);
                    Map<?, ?> keys = kv.request("list", null, Map.class);
                    assertThat(keys.get("keys")).as("re-created from its spec").isEqualTo(List.of("seed"));
                    assertThat(whoami(kv)).isEqualTo(other);
                } finally {
                    wokenAt = frozen.logMark();
                    frozen.signal("CONT");
                }

                // From the moment the agent wakes until it has registered again and runs no copy any more, the
                // client calls the container and must never reach the old copy.
                List<String> seen = new CopyOnWriteArrayList<>();
                await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(CALLS).until(() -> {
                    seen.add(whoami(kv));
                    return frozen.logSince(wokenAt).contains("registered with the network")
                            && client.containers("kv", null, original).isEmpty();
                });
                assertThat(seen).as("the client never reaches the old copy").containsOnly(other);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(client.history("precious", 10))
                        .first().satisfies(move -> {
                    assertThat(move.getTrigger()).isEqualTo("automatic");
                    assertThat(move.getFromAgent()).isEqualTo(original);
                    assertThat(move.getToAgent()).isEqualTo(other);
                    assertThat(move.getStatus()).isEqualTo(MigrationStatus.MIGRATION_STATUS_COMPLETED);
                }));
            }
        }
    }

    @Test
    void aMoveGoesToThePreferredClusterWithRoomAndWaitsWhenNoAgentHasRoom() {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            VnetProcess host = processes.agent("host", network.endpoint(), Map.of("vnet.agent.cluster", "eu",
                    "vnet.agent.kinds", "kv")).awaitReady(READY);
            try (VnetClient client = client(network)) {
                client.get(GetOptions.kind("kv").uuid("mover").type(ContainerType.CONTAINER_TYPE_HA)
                        .preferredCluster("us").resources(1.0, 0).spec(Map.of("data", Map.of("n", 1))));
                VnetProcess eu1 = processes.agent("eu-1", network.endpoint(), Map.of("vnet.agent.cluster", "eu",
                        "vnet.agent.kinds", "kv", "vnet.agent.capacity.cpu", "4"));
                VnetProcess usSmall = processes.agent("us-small", network.endpoint(), Map.of("vnet.agent.cluster",
                        "us", "vnet.agent.kinds", "kv", "vnet.agent.capacity.cpu", "0.5"));
                VnetProcess us1 = processes.agent("us-1", network.endpoint(), Map.of("vnet.agent.cluster", "us",
                        "vnet.agent.kinds", "kv", "vnet.agent.capacity.cpu", "4"));
                eu1.awaitReady(READY);
                usSmall.awaitReady(READY);
                us1.awaitReady(READY);

                host.kill();
                await().atMost(Duration.ofSeconds(10)).until(() -> running(client, "mover", "us-1"));

                eu1.kill();
                usSmall.kill();
                await().atMost(Duration.ofSeconds(5)).until(() -> client.agents().size() == 1);
                us1.kill();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.history("mover", 10))
                        .first().satisfies(move -> {
                            assertThat(move.getStatus()).isEqualTo(MigrationStatus.MIGRATION_STATUS_FAILED);
                            assertThat(move.getError()).contains("no active agent with room");
                        }));
                processes.agent("late", network.endpoint(), Map.of("vnet.agent.kinds", "kv")).awaitReady(READY);

                await().atMost(Duration.ofSeconds(10)).until(() -> running(client, "mover", "late"));
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(client.history("mover", 10))
                        .extracting(MigrationInfo::getToAgent, MigrationInfo::getStatus)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("late", MigrationStatus.MIGRATION_STATUS_COMPLETED),
                                org.assertj.core.groups.Tuple.tuple("", MigrationStatus.MIGRATION_STATUS_FAILED),
                                org.assertj.core.groups.Tuple.tuple("us-1", MigrationStatus.MIGRATION_STATUS_COMPLETED)));
            }
        }
    }

    @Test
    void aManualMoveAndADrainAreRecordedInTheHistory() {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            processes.agent("a1", network.endpoint(), Map.of()).awaitReady(READY);
            try (VnetClient client = client(network)) {
                ContainerRef kv = client.get(GetOptions.kind("kv").uuid("moved").type(ContainerType.CONTAINER_TYPE_HA));
                kv.request("put", Map.of("key", "k", "value", "v"), Map.class);
                processes.agent("a2", network.endpoint(), Map.of()).awaitReady(READY);

                VnetProcesses.CommandResult moved = processes.cli(Duration.ofSeconds(60), "migrate", "moved", "--to",
                        "a2", "--network", network.endpoint());
                assertThat(moved.exitCode()).as(moved.output()).isZero();
                assertThat(moved.output()).contains("manual").contains("completed");
                assertThat(whoami(kv)).isEqualTo("a2");

                ContainerRef plain = client.get(GetOptions.kind("echo").uuid("plain"));
                String plainAgent = plain.info().getAgentId();
                VnetProcesses.CommandResult drained = processes.cli(Duration.ofSeconds(60), "drain", "a2",
                        "--deadline", "2s", "--network", network.endpoint());
                assertThat(drained.exitCode()).as(drained.output()).isZero();

                await().atMost(Duration.ofSeconds(10)).until(() -> running(client, "moved", "a1"));
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    List<MigrationInfo> history = client.history("moved", 10);
                    assertThat(history).extracting(MigrationInfo::getTrigger).containsExactly("drain", "manual");
                    assertThat(history).extracting(MigrationInfo::getStatus)
                            .containsOnly(MigrationStatus.MIGRATION_STATUS_COMPLETED);
                });
                AgentInfo a2 = client.agents().stream().filter(a -> a.getAgentId().equals("a2")).findFirst().orElseThrow();
                assertThat(a2.getState().name()).isEqualTo("AGENT_STATE_DRAINING");
                if (plainAgent.equals("a2")) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> client.containers("echo", null, null).stream()
                            .noneMatch(c -> c.getUuid().equals("plain")));
                }
                VnetProcesses.CommandResult history2 = processes.cli(Duration.ofSeconds(60), "history", "moved",
                        "--network", network.endpoint());
                assertThat(history2.output()).contains("drain").contains("manual").contains("a1").contains("a2");
            }
        }
    }

    @Test
    void aStandbyInstanceOfAnAgentTakesOverAtOnceWhenTheActiveOneDies() {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            VnetProcess active = processes.agent("twin", network.endpoint(), Map.of("vnet.agent.stateless",
                    "echo:twin-service")).awaitReady(READY);
            VnetProcess standby = processes.agent("twin", network.endpoint(), Map.of("vnet.agent.stateless",
                    "echo:twin-service"));
            try (VnetClient client = client(network)) {
                await().atMost(READY).until(() -> client.agents().stream().anyMatch(a -> a.getStandbys() == 1));
                assertThat(standby.healthStatus("ready")).as("a standby is not ready").isEqualTo(503);
                ContainerRef service = client.get(GetOptions.kind("echo").uuid("twin-service"));
                String activeInstance = client.agents().get(0).getInstanceId();

                long killedAt = System.nanoTime();
                active.kill();
                await().atMost(TAKEOVER).until(() -> client.agents().stream()
                        .anyMatch(a -> a.getAgentId().equals("twin") && !a.getInstanceId().equals(activeInstance)));
                System.out.printf("standby instance active %.0f ms after kill -9%n",
                        (System.nanoTime() - killedAt) / 1e6);
                assertThat(Json.decode(service.requestAsync("x", "served by the standby",
                        CallOptions.DEFAULT.withIdempotent()).join(), String.class)).isEqualTo("served by the standby");
                assertThat(standby.healthStatus("ready")).isEqualTo(200);
            }
        }
    }

    // ---- helpers ----

    private static VnetClient client(VnetProcess network) {
        return VnetClient.builder().network(network.endpoint()).timeout(Duration.ofSeconds(10)).build()
                .awaitConnected(READY);
    }

    private static String whoami(ContainerRef ref) {
        return (String) ref.request("whoami", null, Map.class).get("agent");
    }

    private static boolean running(VnetClient client, String uuid, String agent) {
        ContainerInfo info = client.containers(null, null, null).stream().filter(c -> c.getUuid().equals(uuid))
                .findFirst().orElse(null);
        return info != null && info.getState() == ContainerState.CONTAINER_STATE_RUNNING
                && info.getAgentId().equals(agent);
    }

    /** Routed whoami calls one after another, each answer recorded; idempotent, so a lost one is retried once. */
    private static Thread requestsInALoop(ContainerRef ref, List<Answer> answers, AtomicBoolean running) {
        Thread load = new Thread(() -> {
            while (running.get()) {
                try {
                    Map<?, ?> who = Json.decode(ref.requestAsync("whoami", null, CallOptions
                            .timeout(Duration.ofSeconds(5)).withIdempotent()).join(), Map.class);
                    answers.add(new Answer(System.nanoTime(), (String) who.get("agent")));
                } catch (RuntimeException failed) {
                    // A call in flight on the dead agent may fail; the next ones must not.
                }
            }
        });
        load.start();
        return load;
    }
}
