package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.routing.Route;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.StartContainer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A stateless uuid with a live offer is never lost, whatever state the copy on a dying agent was in. */
class RegistryStatelessOffersTest {

    private final RegistryHarness h = new RegistryHarness(2);

    @Test
    void concurrentOffersAtStartLeaveExactlyOneActiveAndTheOthersStandingBy() {
        FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
        FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");
        FakeAgentLink a3 = h.statelessAgent("a3", "echo", "s1");

        assertThat(startsOf("s1", a1, a2, a3)).as("one activation asked for").hasSize(1);
        h.started(a1);

        assertThat(h.container("s1").getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
        assertThat(h.container("s1").getAgentId()).isEqualTo("a1");
        assertThat(h.container("s1").getStandbys()).isEqualTo(2);
    }

    @Test
    void whenTheAgentOfACopyThatNeverAnsweredItsStartDiesTheNextOfferIsActivated() {
        FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
        FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");
        CompletableFuture<GetResponse> got = h.get(h.session(), GetRequest.newBuilder().setKind("echo").setUuid("s1"));
        CompletableFuture<Route> routed = h.registry.awaitRoute("s1", h.clock.millis() + 5_000);

        h.kill(a1);

        assertThat(h.container("s1")).as("the uuid is kept while a2 offers it").isNotNull();
        assertThat(a2.starts).singleElement().satisfies(start -> assertThat(start.getUuid()).isEqualTo("s1"));
        h.started(a2);
        assertThat(h.container("s1").getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
        assertThat(h.routes.get("s1").agent()).isSameAs(a2);
        assertThat(routed.join().agent()).isSameAs(a2);
        assertThat(got.join().getContainer().getAgentId()).isEqualTo("a2");
    }

    @Test
    void aCopyThatFailsToStartHandsOverToTheNextOffer() {
        FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
        FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");

        StartContainer start = a1.lastStart();
        h.registry.containerStarted(a1, ContainerStarted.newBuilder().setUuid("s1").setEpoch(start.getEpoch())
                .setError(Error.newBuilder().setCode(13).setMessage("activate failed")).build());

        assertThat(a2.starts).hasSize(1);
        h.started(a2);
        assertThat(h.routes.get("s1").agent()).isSameAs(a2);
        assertThat(h.container("s1").getStandbys()).as("a1 still offers it").isEqualTo(1);
    }

    @Test
    void aCopyThatDoesNotStartInTimeHandsOverToTheNextOffer() {
        FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
        FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");

        h.passTime(h.registry.settings().startTimeoutMs() + 1_000);

        assertThat(a1.terminatedUuids()).contains("s1");
        assertThat(a2.starts).hasSize(1);
        h.started(a2);
        assertThat(h.routes.get("s1").agent()).isSameAs(a2);
    }

    @Test
    void whenTheAgentOfARunningCopyDiesAndItsSuccessorDiesWhileStartingTheThirdOfferIsActivated() {
        FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
        h.started(a1);
        FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");
        FakeAgentLink a3 = h.statelessAgent("a3", "echo", "s1");

        h.kill(a1);
        assertThat(a2.starts).hasSize(1);
        h.kill(a2);

        assertThat(a3.starts).hasSize(1);
        h.started(a3);
        assertThat(h.routes.get("s1").agent()).isSameAs(a3);
    }

    @Test
    void whenADrainingAgentDiesMidMoveAndTheTargetToo_aLaterOfferIsActivated() {
        FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
        h.started(a1);
        FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");
        h.registry.drain("a1", 5_000);
        assertThat(a2.starts).as("make before break").hasSize(1);

        h.kill(a1);
        h.kill(a2);
        FakeAgentLink a3 = h.statelessAgent("a3", "echo", "s1");

        assertThat(a3.starts).singleElement().satisfies(start -> assertThat(start.getUuid()).isEqualTo("s1"));
        h.started(a3);
        assertThat(h.routes.get("s1").agent()).isSameAs(a3);
    }

    @Test
    void aStatelessCopyAnAgentNoLongerReportsOnReconnectingIsActivatedAgainWithItsReferences() {
        FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
        h.started(a1);
        h.statelessAgent("a2", "echo", "s1");
        CompletableFuture<GetResponse> held = h.get(h.session(), GetRequest.newBuilder().setKind("echo").setUuid("s1"));
        assertThat(held).isCompleted();

        FakeAgentLink back = new FakeAgentLink("a1", a1.instanceId);
        h.registry.registerAgent(back, dev.vnet.proto.v1.AgentRegister.newBuilder().setAgentId("a1")
                .setInstanceId(a1.instanceId).setInstanceSecret(a1.acks.get(0).getInstanceSecret())
                .setEndpoint("127.0.0.1:1").addKinds("echo")
                .addStateless(dev.vnet.proto.v1.StatelessOffer.newBuilder().setUuid("s1").setKind("echo")).build());

        assertThat(h.container("s1")).as("kept: it is still offered").isNotNull();
        assertThat(back.starts).hasSize(1);
        h.started(back);
        assertThat(h.routes.get("s1").agent()).isSameAs(back);
        assertThat(h.container("s1").getReferences()).isEqualTo(1);
        assertThat(h.container("s1").getStandbys()).isEqualTo(1);
    }

    private static List<StartContainer> startsOf(String uuid, FakeAgentLink... links) {
        return Stream.of(links).flatMap(link -> link.starts.stream()).filter(s -> s.getUuid().equals(uuid)).toList();
    }
}
