package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.routing.Route;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.proto.v1.StatelessOffer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The standard containers of an agent whose stream dropped are kept, with their references, for the blip grace. */
class RegistryBlipGraceTest {

    private final RegistryHarness h = new RegistryHarness(2);

    @Test
    void anAgentBackWithinTheGraceKeepsItsStandardContainersAndTheirReferences() {
        FakeAgentLink a1 = h.agent("a1", "eu", "echo");
        String session = h.session();
        long epoch = runStandard(a1, session, "c1");

        h.kill(a1);
        assertThat(h.container("c1").getState()).isEqualTo(ContainerState.CONTAINER_STATE_RECOVERING);
        assertThat(h.container("c1").getReferences()).isEqualTo(1);
        assertThat(h.routes.get("c1")).as("not routed to the dropped stream").isNull();
        CompletableFuture<Route> waiting = h.registry.awaitRoute("c1", h.clock.millis() + 10_000);
        h.passTime(h.registry.settings().blipGraceMs() - 1_000);

        FakeAgentLink back = comeBack(a1, "c1", epoch);

        assertThat(h.container("c1").getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
        assertThat(h.container("c1").getReferences()).isEqualTo(1);
        assertThat(h.routes.get("c1").agent()).isSameAs(back);
        assertThat(waiting.join().agent()).isSameAs(back);
        assertThat(back.acks.get(0).getTerminateList()).isEmpty();
        h.passTime(h.registry.settings().blipGraceMs() + h.registry.settings().idleTimeoutMs("echo") / 2);
        assertThat(h.container("c1")).as("still held, still there").isNotNull();
        assertThat(h.eventKinds()).doesNotContain(EventKind.EVENT_KIND_CONTAINER_REMOVED);
        assertThat(h.registry.release(session, "c1").getReferences()).isZero();
    }

    @Test
    void afterTheGraceTheyAreRemovedAndTheirHoldersTold() {
        FakeAgentLink a1 = h.agent("a1", "eu", "echo");
        runStandard(a1, h.session(), "c1");
        CompletableFuture<Route> waiting;

        h.kill(a1);
        waiting = h.registry.awaitRoute("c1", h.clock.millis() + 60_000);
        h.passTime(h.registry.settings().blipGraceMs() - 1_000);
        assertThat(h.container("c1")).isNotNull();
        h.passTime(1_000);

        assertThat(h.container("c1")).isNull();
        assertThat(waiting).isCompletedExceptionally();
        Event removed = h.events.stream().filter(e -> e.getKind() == EventKind.EVENT_KIND_CONTAINER_REMOVED)
                .findFirst().orElseThrow();
        assertThat(removed.getReason()).contains("a1").contains("blip grace");
    }

    @Test
    void anAgentBackWithinTheGraceWithoutThemLosesThemAtOnce() {
        FakeAgentLink a1 = h.agent("a1", "eu", "echo");
        long epoch = runStandard(a1, h.session(), "c1");

        h.kill(a1);
        comeBack(a1, null, epoch);

        assertThat(h.container("c1")).isNull();
    }

    @Test
    void statelessAndHaContainersStillMoveAtOnce() {
        FakeAgentLink a1 = h.agent("a1", "a1-1", AgentRegister.newBuilder().addKinds("kv")
                .addStateless(StatelessOffer.newBuilder().setUuid("s1").setKind("kv")));
        h.started(a1);
        CompletableFuture<GetResponse> ha = h.get(h.session(), GetRequest.newBuilder().setKind("kv").setUuid("k1")
                .setType(ContainerType.CONTAINER_TYPE_HA));
        h.started(a1);
        h.store.durable.forEach(written -> written.complete(null));
        assertThat(ha).isCompleted();
        FakeAgentLink a2 = h.agent("a2", "a2-1", AgentRegister.newBuilder().addKinds("kv")
                .addStateless(StatelessOffer.newBuilder().setUuid("s1").setKind("kv")));

        h.kill(a1);

        assertThat(a2.starts).extracting(s -> s.getUuid()).containsExactlyInAnyOrder("s1", "k1");
    }

    @Test
    void anAgentDeclaredDeadForItsSilenceLosesThemAtOnce() {
        FakeAgentLink a1 = h.agent("a1", "eu", "echo");
        runStandard(a1, h.session(), "c1");

        h.silence(a1);
        h.passTime(RegistryHarness.ALIVE_MS + 1_000);

        assertThat(h.container("c1")).isNull();
    }

    private long runStandard(FakeAgentLink agent, String session, String uuid) {
        CompletableFuture<GetResponse> got = h.get(session, GetRequest.newBuilder().setKind("echo").setUuid(uuid));
        h.started(agent);
        assertThat(got).isCompleted();
        return h.routes.get(uuid).epoch();
    }

    /** The same agent instance registers again on a new stream, reporting {@code uuid} (or nothing when null). */
    private FakeAgentLink comeBack(FakeAgentLink old, String uuid, long epoch) {
        FakeAgentLink back = new FakeAgentLink(old.agentId, old.instanceId);
        AgentRegister.Builder registration = AgentRegister.newBuilder().setAgentId(old.agentId)
                .setInstanceId(old.instanceId).setEndpoint("127.0.0.1:1").setCluster("eu").addKinds("echo");
        if (uuid != null) {
            registration.addContainers(RunningContainer.newBuilder().setUuid(uuid).setKind("echo")
                    .setType(ContainerType.CONTAINER_TYPE_STANDARD).setEpoch(epoch));
        }
        h.register(back, registration.build());
        return back;
    }
}
