package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.GetRequest;
import org.junit.jupiter.api.Test;

/** What one client and the whole network may hold. */
class RegistryLimitsTest {

    private final RegistryHarness harness = new RegistryHarness(8, new RegistryLimits(2, 2));

    @Test
    void aSessionHoldsNoMoreContainersThanItsLimitButMayGetWhatItHoldsAgain() {
        harness.agent("a1", "", "echo");
        String session = harness.session();
        for (String uuid : new String[] {"one", "two"}) {
            harness.get(session, GetRequest.newBuilder().setKind("echo").setUuid(uuid));
        }

        assertThatThrownBy(() -> harness.get(session, GetRequest.newBuilder().setKind("echo").setUuid("three")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.RESOURCE_EXHAUSTED);
                    assertThat(e.getMessage()).contains("max-containers-per-session");
                });
        assertThat(harness.get(session, GetRequest.newBuilder().setKind("echo").setUuid("one"))).isNotNull();
        assertThat(harness.container("three")).as("nothing was created").isNull();

        harness.registry.release(session, "two");
        harness.get(session, GetRequest.newBuilder().setKind("echo").setUuid("three"));
        assertThat(harness.container("three")).isNotNull();
    }

    @Test
    void theNetworkRefusesAgentsBeyondItsLimitButNotTheSameAgentAgain() {
        harness.agent("a1", "", "echo");
        FakeAgentLink a2 = harness.agent("a2", "", "echo");

        assertThatThrownBy(() -> harness.agent("a3", "", "echo"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.RESOURCE_EXHAUSTED);
                    assertThat(e.getMessage()).contains("max-agents").contains("a3");
                });
        assertThat(harness.agent("a1", "a1-other", AgentRegister.newBuilder().addKinds("echo")))
                .as("a standby instance of a registered agent").isNotNull();

        harness.kill(a2);
        assertThat(harness.agent("a3", "", "echo")).isNotNull();
    }
}
