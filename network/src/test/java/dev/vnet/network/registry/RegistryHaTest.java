package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.network.routing.Route;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.MigrationStatus;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.StatelessOffer;
import dev.vnet.proto.v1.TerminateContainer;
import com.google.protobuf.ByteString;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Containers that survive their agent: stateless failover, ha migration, standby instances, drain. */
class RegistryHaTest {

    private final RegistryHarness h = new RegistryHarness(2);

    @Nested
    class Stateless {

        @Test
        void theFirstOfferIsActiveAndTheOthersStandBy() {
            FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
            h.started(a1);
            FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");

            assertThat(a1.starts).hasSize(1);
            assertThat(a2.starts).isEmpty();
            assertThat(h.routes.get("s1").agent()).isSameAs(a1);
            assertThat(h.container("s1").getType()).isEqualTo(ContainerType.CONTAINER_TYPE_STATELESS);
            assertThat(h.container("s1").getStandbys()).isEqualTo(1);
        }

        @Test
        void whenTheActiveAgentDiesAStandbyIsActivatedAtOnceAndWaitingRequestsGoThere() {
            FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
            h.started(a1);
            FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");
            long firstEpoch = h.routes.get("s1").epoch();

            h.kill(a1);
            assertThat(h.container("s1").getState()).isEqualTo(ContainerState.CONTAINER_STATE_MOVING);
            assertThat(h.routes.get("s1")).isNull();
            CompletableFuture<Route> waiting = h.registry.awaitRoute("s1", h.clock.millis() + 5_000);
            assertThat(a2.starts).hasSize(1);
            assertThat(a2.lastStart().getEpoch()).isGreaterThan(firstEpoch);
            h.started(a2);

            assertThat(waiting.join().agent()).isSameAs(a2);
            assertThat(h.store.migrations).singleElement().satisfies(m -> {
                assertThat(m.getFromAgent()).isEqualTo("a1");
                assertThat(m.getToAgent()).isEqualTo("a2");
                assertThat(m.getTrigger()).isEqualTo("automatic");
                assertThat(m.getStatus()).isEqualTo(MigrationStatus.MIGRATION_STATUS_COMPLETED);
            });
            assertThat(h.eventKinds()).containsSubsequence(EventKind.EVENT_KIND_MIGRATION_STARTED,
                    EventKind.EVENT_KIND_CONTAINER_UPDATED, EventKind.EVENT_KIND_MIGRATION_COMPLETED);
        }

        @Test
        void withoutAStandbyTheContainerIsRemoved() {
            FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
            h.started(a1);

            h.kill(a1);

            assertThat(h.container("s1")).isNull();
            assertThat(h.eventKinds()).contains(EventKind.EVENT_KIND_CONTAINER_REMOVED);
        }

        @Test
        void aStandbyThatArrivesLaterTakesOverAContainerLeftWithoutOne() {
            FakeAgentLink a1 = h.statelessAgent("a1", "echo", "s1");
            h.started(a1);
            FakeAgentLink a2 = h.statelessAgent("a2", "echo", "s1");
            FakeAgentLink a3 = h.statelessAgent("a3", "echo", "s1");

            h.kill(a1);
            h.started(a2);
            h.kill(a2);
            h.started(a3);

            assertThat(h.routes.get("s1").agent()).isSameAs(a3);
        }
    }

    @Nested
    class Ha {

        @Test
        void aGetAnswersOnlyOnceTheSpecIsStored() {
            FakeAgentLink a1 = h.agent("a1", "eu", "kv");
            CompletableFuture<GetResponse> got = h.get(h.session(), haGet("k1"));
            h.started(a1);

            assertThat(got).isNotDone();
            assertThat(h.store.containers).last().satisfies(c -> {
                assertThat(c.type()).isEqualTo(ContainerType.CONTAINER_TYPE_HA);
                assertThat(c.spec().getData().toStringUtf8()).contains("seed");
            });
            h.store.durable.get(0).complete(null);

            assertThat(got.join().getContainer().getUuid()).isEqualTo("k1");
        }

        @Test
        void whenItsAgentDiesItIsRecreatedFromItsSpecOnTheBestTarget() {
            FakeAgentLink a1 = h.agent("a1", "eu", "kv");
            FakeAgentLink farAway = h.agent("a2", "us", "kv");
            FakeAgentLink sameCluster = h.agent("a3", "eu", "kv");
            runHa(a1, "k1", "");

            h.kill(a1);

            assertThat(sameCluster.starts).as("its current cluster comes first").hasSize(1);
            assertThat(farAway.starts).isEmpty();
            assertThat(sameCluster.lastStart().getSpec().getData().toStringUtf8()).contains("seed");
            h.started(sameCluster);
            assertThat(h.container("k1").getAgentId()).isEqualTo("a3");
            assertThat(h.container("k1").getMigrationStatus()).isEqualTo(MigrationStatus.MIGRATION_STATUS_COMPLETED);
        }

        @Test
        void thePreferredClusterComesBeforeTheCurrentOne() {
            FakeAgentLink a1 = h.agent("a1", "eu", "kv");
            FakeAgentLink preferred = h.agent("a2", "us", "kv");
            FakeAgentLink sameCluster = h.agent("a3", "eu", "kv");
            runHa(a1, "k1", "us");

            h.kill(a1);

            assertThat(preferred.starts).hasSize(1);
            assertThat(sameCluster.starts).isEmpty();
        }

        @Test
        void withoutRoomAnywhereItFailsWithTheReasonAndMovesWhenRoomAppears() {
            FakeAgentLink full = h.agentWithRoom("a2", "eu", 1, "kv");
            h.get(h.session(), GetRequest.newBuilder().setKind("kv").setUuid("filler"));
            h.started(full);
            FakeAgentLink a1 = h.agent("a1", "eu", "kv");
            runHa(a1, "k1", "");

            h.kill(a1);

            assertThat(h.container("k1").getMigrationStatus()).isEqualTo(MigrationStatus.MIGRATION_STATUS_FAILED);
            assertThat(h.store.migrations).last().satisfies(m -> {
                assertThat(m.getStatus()).isEqualTo(MigrationStatus.MIGRATION_STATUS_FAILED);
                assertThat(m.getError()).contains("a2 has no room");
            });
            assertThat(h.eventKinds()).contains(EventKind.EVENT_KIND_MIGRATION_FAILED);

            FakeAgentLink roomy = h.agent("a3", "us", "kv");
            h.passTime(1_000);

            assertThat(roomy.starts).hasSize(1);
            h.started(roomy);
            assertThat(h.container("k1").getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
            assertThat(h.store.migrations).last().satisfies(m ->
                    assertThat(m.getStatus()).isEqualTo(MigrationStatus.MIGRATION_STATUS_COMPLETED));
        }

        @Test
        void concurrentReCreationsAreBounded() {
            FakeAgentLink a1 = h.agent("a1", "eu", "kv");
            runHa(a1, "k1", "");
            runHa(a1, "k2", "");
            runHa(a1, "k3", "");
            FakeAgentLink a2 = h.agent("a2", "eu", "kv");

            h.kill(a1);
            assertThat(a2.starts).hasSize(2);

            h.started(a2);
            assertThat(a2.starts).hasSize(3);
        }

        @Test
        void aManualMoveKeepsServingTheOldCopyUntilTheNewOneRuns() {
            FakeAgentLink a1 = h.agent("a1", "eu", "kv");
            FakeAgentLink a2 = h.agent("a2", "eu", "kv");
            runHa(a1, "k1", "");
            long oldEpoch = h.routes.get("k1").epoch();
            a1.terminates.clear();

            CompletableFuture<MigrationInfo> moved = h.registry.migrate("k1", "a2");
            assertThat(h.routes.get("k1").agent()).as("still served by the old copy").isSameAs(a1);
            assertThatThrownBy(() -> h.registry.migrate("k1", "")).hasMessageContaining("migrating already");
            assertThatThrownBy(() -> h.registry.delete("k1")).hasMessageContaining("migrating");
            h.started(a2);

            assertThat(moved.join().getStatus()).isEqualTo(MigrationStatus.MIGRATION_STATUS_COMPLETED);
            assertThat(moved.join().getTrigger()).isEqualTo("manual");
            assertThat(h.routes.get("k1").agent()).isSameAs(a2);
            assertThat(a1.terminates).extracting(TerminateContainer::getEpoch).containsExactly(oldEpoch);
        }

        @Test
        void aManualMoveToAnAgentThatCannotTakeItIsRefused() {
            FakeAgentLink a1 = h.agent("a1", "eu", "kv");
            h.agent("a2", "eu", "echo");
            runHa(a1, "k1", "");

            assertThatThrownBy(() -> h.registry.migrate("k1", "a2"))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.failure()).isEqualTo(Failure.FAILED_PRECONDITION))
                    .hasMessageContaining("does not offer kind 'kv'");
            assertThatThrownBy(() -> h.registry.migrate("k1", "nobody")).hasMessageContaining("no agent 'nobody'");
        }

        @Test
        void aCopyThatRanOnAnAgentDeclaredDeadIsTerminatedWhenItComesBack() {
            FakeAgentLink a1 = h.agent("a1", "eu", "kv");
            FakeAgentLink a2 = h.agent("a2", "eu", "kv");
            runHa(a1, "k1", "");
            long oldEpoch = h.routes.get("k1").epoch();

            h.silence(a1);
            h.passTime(RegistryHarness.ALIVE_MS + 1_000);
            h.started(a2);
            FakeAgentLink back = new FakeAgentLink("a1", a1.instanceId);
            h.registry.registerAgent(back, AgentRegister.newBuilder().setAgentId("a1").setInstanceId(a1.instanceId)
                    .setEndpoint("127.0.0.1:1").addKinds("kv").addContainers(dev.vnet.proto.v1.RunningContainer
                            .newBuilder().setUuid("k1").setKind("kv").setType(ContainerType.CONTAINER_TYPE_HA)
                            .setEpoch(oldEpoch)).build());

            assertThat(back.acks.get(0).getTerminateList()).extracting(TerminateContainer::getUuid)
                    .containsExactly("k1");
            assertThat(h.routes.get("k1").agent()).isSameAs(a2);
        }
    }

    @Nested
    class Replicas {

        @Test
        void aSecondInstanceStandsByAndTakesOverTheMomentTheFirstDies() {
            FakeAgentLink first = h.agent("a1", "i-1", AgentRegister.newBuilder().addKinds("kv"));
            runHa(first, "k1", "");
            FakeAgentLink second = h.agent("a1", "i-2", AgentRegister.newBuilder().addKinds("kv")
                    .addStateless(StatelessOffer.newBuilder().setUuid("s1").setKind("kv")));

            assertThat(second.acks).singleElement().satisfies(ack ->
                    assertThat(ack.getState()).isEqualTo(AgentState.AGENT_STATE_STANDBY));
            assertThat(h.registry.agents()).singleElement().satisfies(a -> assertThat(a.getStandbys()).isEqualTo(1));
            assertThat(second.starts).isEmpty();

            h.kill(first);

            assertThat(second.acks).last().satisfies(ack ->
                    assertThat(ack.getState()).isEqualTo(AgentState.AGENT_STATE_ACTIVE));
            assertThat(h.registry.agents()).singleElement().satisfies(a -> assertThat(a.getInstanceId()).isEqualTo("i-2"));
            assertThat(second.starts).extracting(s -> s.getUuid()).containsExactlyInAnyOrder("k1", "s1");
            assertThat(second.sent.get(0)).isInstanceOf(RegisterAck.class);
        }

        @Test
        void aLiveHolderIsNeverDisplaced() {
            FakeAgentLink first = h.agent("a1", "i-1", AgentRegister.newBuilder().addKinds("kv"));
            h.agent("a1", "i-2", AgentRegister.newBuilder().addKinds("kv"));
            h.agent("a1", "i-3", AgentRegister.newBuilder().addKinds("kv"));

            h.passTime(10_000);

            assertThat(h.registry.agents()).singleElement().satisfies(a -> {
                assertThat(a.getInstanceId()).isEqualTo("i-1");
                assertThat(a.getStandbys()).isEqualTo(2);
            });
            assertThat(first.closedBecause).isNull();
        }
    }

    @Nested
    class Drain {

        @Test
        void aDrainedAgentMovesItsHaAndStatelessContainersAndStopsTheRestAtTheDeadline() {
            FakeAgentLink a1 = h.agent("a1", "a1-1", AgentRegister.newBuilder().addKinds("kv")
                    .addStateless(StatelessOffer.newBuilder().setUuid("s1").setKind("kv")));
            h.started(a1);
            runHa(a1, "k1", "");
            h.get(h.session(), GetRequest.newBuilder().setKind("kv").setUuid("plain"));
            h.started(a1);
            FakeAgentLink a2 = h.agent("a2", "a2-1", AgentRegister.newBuilder().addKinds("kv")
                    .addStateless(StatelessOffer.newBuilder().setUuid("s1").setKind("kv")));

            h.registry.drain("a1", 5_000);

            assertThat(a1.acks).last().satisfies(ack ->
                    assertThat(ack.getState()).isEqualTo(AgentState.AGENT_STATE_DRAINING));
            assertThat(h.store.lastHealthOf("a1").status()).isEqualTo(NodeStatus.NODE_STATUS_DRAINING);
            assertThat(a2.starts).extracting(s -> s.getUuid()).contains("k1", "s1");
            assertThat(h.routes.get("k1").agent()).as("served from a1 until a2 runs it").isSameAs(a1);
            a2.starts.forEach(start -> h.registry.containerStarted(a2,
                    ContainerStarted.newBuilder().setUuid(start.getUuid()).setEpoch(start.getEpoch()).build()));
            assertThat(h.routes.get("k1").agent()).isSameAs(a2);
            assertThat(h.routes.get("s1").agent()).isSameAs(a2);
            assertThat(h.store.migrations).extracting(MigrationInfo::getTrigger).containsOnly("drain");

            h.get(h.session(), GetRequest.newBuilder().setKind("kv"));
            assertThat(a1.starts).as("no new containers on a draining agent").hasSize(3);

            assertThat(h.container("plain").getAgentId()).isEqualTo("a1");
            h.passTime(6_000);
            assertThat(h.container("plain")).as("standard containers stop at the deadline").isNull();
            assertThat(a1.terminatedUuids()).contains("plain");
        }
    }

    // ---- helpers ----

    private static GetRequest.Builder haGet(String uuid) {
        return GetRequest.newBuilder().setKind("kv").setUuid(uuid).setType(ContainerType.CONTAINER_TYPE_HA)
                .setSpec(Payload.newBuilder().setData(ByteString.copyFromUtf8("{\"data\":{\"seed\":1}}")));
    }

    private void runHa(FakeAgentLink agent, String uuid, String preferredCluster) {
        CompletableFuture<GetResponse> got = h.get(h.session(), haGet(uuid).setPreferredCluster(preferredCluster));
        h.started(agent);
        h.store.durable.forEach(written -> written.complete(null));
        assertThat(got).isCompleted();
        assertThat(got.getNow(null).getContainer().getAgentId()).isEqualTo(agent.agentId);
    }
}
