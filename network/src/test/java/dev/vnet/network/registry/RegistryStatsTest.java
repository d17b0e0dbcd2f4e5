package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.registry.RegistryStats.ContainerGroup;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.RunningContainer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryStatsTest {

    private static RunningContainer running(String uuid, String kind, ContainerType type) {
        return RunningContainer.newBuilder().setUuid(uuid).setKind(kind).setType(type).setEpoch(1).build();
    }

    @Test
    void countsContainersByKindTypeAgentAndState() {
        RegistryHarness harness = new RegistryHarness(8);
        // Interleaved on purpose: the count must not depend on containers of one group coming together.
        harness.agent("a1", "a1-1", AgentRegister.newBuilder().addKinds("echo").addKinds("kv")
                .addContainers(running("e1", "echo", ContainerType.CONTAINER_TYPE_STANDARD))
                .addContainers(running("k1", "kv", ContainerType.CONTAINER_TYPE_STANDARD))
                .addContainers(running("e2", "echo", ContainerType.CONTAINER_TYPE_STANDARD))
                .addContainers(running("k2", "kv", ContainerType.CONTAINER_TYPE_HA)));
        harness.agent("a2", "a2-1", AgentRegister.newBuilder().addKinds("echo")
                .addContainers(running("e3", "echo", ContainerType.CONTAINER_TYPE_STANDARD)));
        String session = harness.session();
        harness.get(session, GetRequest.newBuilder().setKind("echo").setUuid("e1"));
        harness.get(session, GetRequest.newBuilder().setKind("echo").setUuid("new-one")); // starting, not started
        harness.clock.advance(700);

        RegistryStats stats = harness.registry.stats();

        Map<ContainerGroup, Integer> groups = stats.containers();
        assertThat(groups).containsOnlyKeys(
                new ContainerGroup("echo", ContainerType.CONTAINER_TYPE_STANDARD, "a1"),
                new ContainerGroup("kv", ContainerType.CONTAINER_TYPE_STANDARD, "a1"),
                new ContainerGroup("kv", ContainerType.CONTAINER_TYPE_HA, "a1"),
                new ContainerGroup("echo", ContainerType.CONTAINER_TYPE_STANDARD, "a2"));
        String newOnesAgent = harness.container("new-one").getAgentId();
        assertThat(groups.get(new ContainerGroup("echo", ContainerType.CONTAINER_TYPE_STANDARD, "a1")))
                .isEqualTo(newOnesAgent.equals("a1") ? 3 : 2);
        assertThat(groups.get(new ContainerGroup("echo", ContainerType.CONTAINER_TYPE_STANDARD, "a2")))
                .isEqualTo(newOnesAgent.equals("a2") ? 2 : 1);
        assertThat(groups.get(new ContainerGroup("kv", ContainerType.CONTAINER_TYPE_HA, "a1"))).isEqualTo(1);
        assertThat(stats.containersByState()).containsEntry(ContainerState.CONTAINER_STATE_RUNNING, 5)
                .containsEntry(ContainerState.CONTAINER_STATE_STARTING, 1);
        assertThat(stats.references()).isEqualTo(2);
        assertThat(stats.sessions()).isEqualTo(1);
        assertThat(stats.agentsByState()).containsEntry(AgentState.AGENT_STATE_ACTIVE, 2);
        assertThat(stats.heartbeatLagMs()).containsEntry("a1", 700L).containsEntry("a2", 700L);
    }

    @Test
    void keepsCountingAsReferencesComeAndGoAndContainersStop() {
        RegistryHarness harness = new RegistryHarness(8);
        FakeAgentLink agent = harness.agent("a1", "", "echo");
        String first = harness.session();
        String second = harness.session();

        harness.get(first, GetRequest.newBuilder().setKind("echo").setUuid("room"));
        harness.started(agent);
        harness.get(second, GetRequest.newBuilder().setKind("echo").setUuid("room"));
        assertThat(harness.registry.stats().references()).isEqualTo(2);

        harness.registry.release(first, "room");
        assertThat(harness.registry.stats().references()).isEqualTo(1);

        harness.registry.closeSession(second, "the client left");
        assertThat(harness.registry.stats().references()).isZero();
        assertThat(harness.registry.stats().containersByState())
                .containsEntry(ContainerState.CONTAINER_STATE_RUNNING, 1);

        harness.passTime(61_000); // idle timeout: the container stops
        assertThat(harness.registry.stats().containers()).isEmpty();
        assertThat(harness.registry.stats().containersByState()).isEmpty();
    }

    @Test
    void anEmptyRegistryHasNoCounts() {
        RegistryStats stats = new RegistryHarness(8).registry.stats();

        assertThat(stats.containers()).isEmpty();
        assertThat(stats.containersByState()).isEmpty();
        assertThat(stats.references()).isZero();
        assertThat(RegistryStats.EMPTY.agentsByState()).isEmpty();
    }
}
