package dev.vnet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ContainerInfo;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The coordinator dies (kill -9) and comes back on the same port: agents and clients find it again by themselves. */
class NetworkRestartIT {

    private static final Duration READY = Duration.ofSeconds(30);

    @Test
    void agentsReRegisterTheirContainersAndClientsTakeTheirReferencesAgain() {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            processes.agent("agent-1", network.endpoint(), Map.of()).awaitReady(READY);
            try (VnetClient client = VnetClient.builder().network(network.endpoint()).build()
                    .awaitConnected(Duration.ofSeconds(10))) {
                ContainerRef kv = client.get(GetOptions.kind("kv").uuid("survivor"));
                kv.request("put", Map.of("key", "state", "value", "kept in the container"), Map.class);

                network.kill();
                VnetProcess restarted = processes.network("network-restarted", Map.of(), network.grpcPort(),
                        network.httpPort()).awaitReady(READY);

                // Listings may fail while the coordinator is still coming back.
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                    ContainerInfo survivor = client.containers("kv", null, null).stream()
                            .filter(c -> c.getUuid().equals("survivor")).findFirst().orElse(null);
                    assertThat(survivor).as("the survivor is listed again").isNotNull();
                    assertThat(survivor.getAgentId()).isEqualTo("agent-1");
                    assertThat(survivor.getReferences()).isEqualTo(1);
                });
                // The same copy, with its state: adopted, not re-created.
                assertThat(kv.request("get", Map.of("key", "state"), Map.class).get("value"))
                        .isEqualTo("kept in the container");
                assertThat(restarted.logTail(200)).contains("agent agent-1 registered").contains("1 running containers");
            }
        }
    }
}
