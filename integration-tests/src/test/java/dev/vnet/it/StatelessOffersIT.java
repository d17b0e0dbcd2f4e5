package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two Java agents that offer the same stateless uuid at once: one copy active, the other standing by. */
class StatelessOffersIT {


    @Test
    void twoAgentsStartedAtOnceLeaveOneActiveAndOneStandbyThatTakesOver() {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            Map<String, String> offer = Map.of("vnet.agent.stateless", "echo:together");
            VnetProcess a = processes.agent("agent-a", network.endpoint(), offer);
            VnetProcess b = processes.agent("agent-b", network.endpoint(), offer);
            a.awaitReady(READY);
            b.awaitReady(READY);
            try (VnetClient client = VnetClient.builder().network(network.endpoint()).timeout(Duration.ofSeconds(10))
                    .build().awaitConnected(READY)) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(together(client))
                        .satisfies(c -> {
                            assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
                            assertThat(c.getStandbys()).as("the other agent stands by").isEqualTo(1);
                        }));
                String active = together(client).getAgentId();
                String other = active.equals("agent-a") ? "agent-b" : "agent-a";

                (active.equals("agent-a") ? a : b).kill();

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(together(client))
                        .satisfies(c -> {
                            assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
                            assertThat(c.getAgentId()).isEqualTo(other);
                        }));
            }
        }
    }

    private static ContainerInfo together(VnetClient client) {
        return client.containers("echo", null, null).stream().filter(c -> c.getUuid().equals("together"))
                .findFirst().orElseThrow(() -> new AssertionError("container 'together' is not listed"));
    }
}
