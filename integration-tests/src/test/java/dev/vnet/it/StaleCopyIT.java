package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.CallOptions;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.Json;
import dev.vnet.client.VnetClient;
import dev.vnet.client.VnetException;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A copy the network moved while its agent was frozen never answers a direct call after the agent wakes: ha and
 * stateless kinds fence themselves by default, and the woken agent registers again before it serves them.
 */
class StaleCopyIT {

    /** How often the old copy is called while the test watches it: often, to catch a short window. */
    private static final Duration CALLS = Duration.ofMillis(10);

    @Test
    void theWokenAgentsStaleHaCopyRefusesDirectCalls() throws Exception {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("network", Map.of()).awaitReady(READY);
            VnetProcess a1 = processes.agent("agent-1", network.endpoint(), Map.of());
            VnetProcess a2 = processes.agent("agent-2", network.endpoint(), Map.of());
            a1.awaitReady(READY);
            a2.awaitReady(READY);
            try (VnetClient client = VnetClient.builder().network(network.endpoint()).timeout(Duration.ofSeconds(10))
                    .build().awaitConnected(READY)) {
                ContainerRef kv = client.get(GetOptions.kind("kv").uuid("fenced").type(ContainerType.CONTAINER_TYPE_HA)
                        .spec(Map.of("data", Map.of("seed", "planted"))));
                ContainerInfo stale = kv.info();
                assertThat(direct(client, stale)).as("served directly before the freeze").isEqualTo(stale.getAgentId());
                VnetProcess frozen = stale.getAgentId().equals("agent-1") ? a1 : a2;
                String other = stale.getAgentId().equals("agent-1") ? "agent-2" : "agent-1";

                frozen.signal("STOP");
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> runsOn(client, "fenced", other));
                } finally {
                    frozen.signal("CONT");
                }

                // Direct calls to the old copy, from the moment the agent wakes until the copy is gone: the agent
                // has registered again and was told to end it.
                List<String> answered = new CopyOnWriteArrayList<>();
                List<Status.Code> refused = new CopyOnWriteArrayList<>();
                await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(CALLS).until(() -> {
                    try {
                        answered.add(direct(client, stale));
                    } catch (CompletionException | VnetException failure) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        refused.add(cause instanceof VnetException e ? e.code() : Status.Code.UNKNOWN);
                    }
                    return refused.contains(Status.Code.NOT_FOUND);
                });
                assertThat(answered).as("the stale copy never answers").isEmpty();
                assertThat(refused).as("refused as fenced, then gone").last().isEqualTo(Status.Code.NOT_FOUND);
                assertThat(Json.decode(kv.requestAsync("whoami", null, CallOptions.DEFAULT).join(), Map.class)
                        .get("agent")).as("routed calls reach the new copy").isEqualTo(other);
            }
        }
    }

    private static String direct(VnetClient client, ContainerInfo container) {
        Map<?, ?> who = Json.decode(client.requestDirectAsync(container, "whoami", null,
                CallOptions.timeout(Duration.ofSeconds(2))).join(), Map.class);
        return (String) who.get("agent");
    }

    private static boolean runsOn(VnetClient client, String uuid, String agent) {
        return client.containers(null, null, null).stream().anyMatch(c -> c.getUuid().equals(uuid)
                && c.getState() == ContainerState.CONTAINER_STATE_RUNNING && c.getAgentId().equals(agent));
    }
}
