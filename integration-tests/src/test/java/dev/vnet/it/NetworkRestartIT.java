package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coordinator dies (kill -9) and comes back on the same port: it rebuilds its registry from the store and from
 * the agents that reconnect, and clients take their references again, by themselves.
 */
class NetworkRestartIT {

    /**
     * Failure bound of what takes well under a second on an idle machine (a store write, agents reconnecting and
     * clients taking their references again), with room for a loaded one; the printed figures are for reading.
     */
    private static final Duration SETTLED = Duration.ofSeconds(20);

    @Test
    void aRestartedCoordinatorServesTheSameContainersFromItsStoreAndItsAgents() {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            VnetProcess agent1 = processes.agent("agent-1", network.endpoint(), Map.of());
            VnetProcess agent2 = processes.agent("agent-2", network.endpoint(), Map.of());
            agent1.awaitReady(READY);
            agent2.awaitReady(READY);
            try (VnetClient client = VnetClient.builder().network(network.endpoint()).build()
                    .awaitConnected(READY)) {
                ContainerRef kv = client.get(GetOptions.kind("kv").uuid("survivor"));
                kv.request("put", Map.of("key", "state", "value", "kept in the container"), Map.class);
                List<String> held = List.of(kv.uuid(), client.get(GetOptions.kind("echo")).uuid(),
                        client.get(GetOptions.kind("echo")).uuid(), client.get(GetOptions.kind("chat")).uuid());
                await().atMost(SETTLED).until(() -> processes.database()
                        .query("SELECT uuid FROM containers").size() == held.size());

                network.kill();
                Instant restartedAt = Instant.now();
                long spawned = System.nanoTime();
                VnetProcess restarted = processes.network("network-restarted", Map.of(), network.grpcPort(),
                        network.httpPort()).awaitReady(READY);
                long readyMs = (System.nanoTime() - spawned) / 1_000_000;

                // Listed from the store at once, then running again as their agents come back; references retaken.
                await().atMost(SETTLED).ignoreExceptions().untilAsserted(() -> {
                    List<ContainerInfo> listed = client.containers(null, null, null);
                    assertThat(listed).extracting(ContainerInfo::getUuid).containsExactlyInAnyOrderElementsOf(held);
                    assertThat(listed).allSatisfy(c -> {
                        assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
                        assertThat(c.getReferences()).isEqualTo(1);
                    });
                });
                assertThat(kv.request("get", Map.of("key", "state"), Map.class).get("value"))
                        .as("the same copy, with its state: recovered, not re-created")
                        .isEqualTo("kept in the container");
                long servingMs = (System.nanoTime() - spawned) / 1_000_000;
                System.out.printf("restart to ready: %d ms; restart to serving every container again: %d ms%n",
                        readyMs, servingMs);

                await().atMost(SETTLED).untilAsserted(() -> assertThat(processes.database().query(
                        "SELECT agent_id, status FROM node_health WHERE last_heartbeat > '" + restartedAt + "'"))
                        .containsExactlyInAnyOrder("agent-1|healthy", "agent-2|healthy"));
                assertThat(processes.database().query("SELECT count(*), count(DISTINCT uuid) FROM containers"))
                        .containsExactly(held.size() + "|" + held.size());
                assertThat(processes.database().query("SELECT count(*) FROM agents")).containsExactly("2");
                assertThat(restarted.logTail(300)).contains("restored 2 agents and " + held.size() + " containers");

                // An agent told to stop drains through its network; when that network goes away meanwhile, nothing
                // can move, and the agent stops at once instead of waiting out its drain deadline (30 s).
                String holderId = client.containers("kv", null, null).get(0).getAgentId();
                VnetProcess holder = holderId.equals("agent-1") ? agent1 : agent2;
                holder.signal("TERM");
                await().atMost(Duration.ofSeconds(10)).until(() -> client.agents().stream().anyMatch(a ->
                        a.getAgentId().equals(holderId) && a.getState() == AgentState.AGENT_STATE_DRAINING));
                restarted.kill();
                assertThat(holder.waitFor(Duration.ofSeconds(10))).as(holder.logTail(20)).isTrue();
                assertThat(holder.logTail(50)).contains("lost the network while draining");
            }
        }
    }
}
