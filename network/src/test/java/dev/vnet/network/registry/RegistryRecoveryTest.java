package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.network.routing.Route;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.MigrationStatus;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Resources;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.proto.v1.TerminateContainer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The registry after a coordinator restart: rebuilt from the store, then squared with the agents that return. */
class RegistryRecoveryTest {

    private static final long WINDOW_MS = 5_000;
    private static final long LEADER_EPOCH = 7;

    private final RegistryHarness h = new RegistryHarness(RegistryHarness.settings().recoveryWindowMs(WINDOW_MS)
            .drainTimeoutMs(60_000));
    private final ManualClock clock = h.clock;
    private final List<Event> events = h.events;
    private final RouteTable routes = h.routes;
    private final RecordingStore store = h.store;
    private final CheckedRegistry registry = h.registry;

    private final StoredAgent storedA1 = storedAgent("a1");
    private final StoredAgent storedA2 = storedAgent("a2");

    @Test
    void storedContainersAreListedAsRecoveringUntilTheirAgentReturns() {
        restore(stored("c1", "a1", LEADER_EPOCH - 1 << 32 | 5));

        ContainerInfo c1 = registry.containers("", List.of(), "").get(0);
        assertThat(c1.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RECOVERING);
        assertThat(c1.getAgentId()).isEqualTo("a1");
        assertThat(routes.get("c1")).isNull();

        FakeAgentLink a1 = register("a1", running("c1", LEADER_EPOCH - 1 << 32 | 5));

        assertThat(routes.get("c1").agent()).isSameAs(a1);
        assertThat(registry.containers("", List.of(), "").get(0).getState())
                .isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
        assertThat(a1.acks.get(0).getTerminateList()).isEmpty();
        assertThat(store.lastHealthOf("a1").status()).isEqualTo(NodeStatus.NODE_STATUS_HEALTHY);
    }

    @Test
    void aGetForARecoveringContainerWaitsForItInsteadOfCreatingASecondCopy() {
        restore(stored("c1", "a1", 9));
        String session = registry.openSession("client", null, 60_000).id();

        CompletableFuture<GetResponse> reacquire = registry.get(session, GetRequest.newBuilder().setKind("kv")
                .setUuid("c1").build());
        FakeAgentLink a2 = register("a2");
        assertThat(a2.starts).isEmpty();
        assertThat(reacquire).isNotDone();

        FakeAgentLink a1 = register("a1", running("c1", 9));

        assertThat(reacquire.join().getContainer().getAgentId()).isEqualTo("a1");
        assertThat(reacquire.join().getContainer().getReferences()).isEqualTo(1);
        assertThat(a1.starts).isEmpty();
    }

    @Test
    void aCallForAContainerTheStoreDidNotHaveWaitsForTheAgentsExpectedBack() {
        // The store is written behind: a container created just before the crash reaches it only via its agent.
        restore();

        CompletableFuture<Route> route = registry.awaitRoute("fresh", clock.millis() + 10_000);
        register("a2");
        assertThat(route).as("a1 may still bring it").isNotDone();
        FakeAgentLink a1 = register("a1", running("fresh", 3));

        assertThat(route.join().agent()).isSameAs(a1);
    }

    @Test
    void aCallForAnUnknownContainerFailsOnceEveryExpectedAgentIsBack() {
        restore();

        CompletableFuture<Route> route = registry.awaitRoute("nowhere", clock.millis() + 10_000);
        register("a1");
        register("a2");

        assertThat(route).isCompletedExceptionally();
        assertThatThrownBy(route::join).hasMessageContaining("does not exist");
        assertThat(registry.awaitRoute("nowhere", clock.millis() + 10_000)).isCompletedExceptionally();
    }

    @Test
    void theRecoveryWindowStartsWhenTheRestoredRegistryIsServedNotWhenItIsRestored() {
        // A term slow to start (a loaded machine, a slow first query) must not write its agents' containers off.
        registry.restore(new StoredState(LEADER_EPOCH, List.of(storedA1, storedA2), List.of(stored("c1", "a1", 9))));
        clock.advance(10 * WINDOW_MS);
        registry.tick();
        assertThat(registry.containerCount()).as("nobody could come back yet: c1 still recovers").isOne();
        assertThat(store.lastHealthOf("a1")).as("a1 is not written off before anyone could reach us").isNull();

        registry.serving();
        clock.advance(WINDOW_MS - 1);
        registry.tick();
        assertThat(registry.containerCount()).as("the window runs from serving").isOne();
        clock.advance(1);
        registry.tick();
        assertThat(registry.containerCount()).as("a1 did not come back within the window: c1 is lost").isZero();
        assertThat(store.lastHealthOf("a1").status()).isEqualTo(NodeStatus.NODE_STATUS_UNHEALTHY);
    }

    @Test
    void onlyAgentsAliveAtTheCrashAreAwaited() {
        registry.restore(new StoredState(LEADER_EPOCH, List.of(storedA1, storedA2), List.of(stored("c2", "a2", 11)),
                java.util.Set.of("a2")));
        registry.serving();

        CompletableFuture<Route> route = registry.awaitRoute("nowhere", clock.millis() + 10_000);
        assertThat(route).as("a1 may still bring it").isNotDone();
        FakeAgentLink a1 = register("a1");

        assertThat(route).as("a2 had left before the crash: nobody else is awaited").isCompletedExceptionally();
        assertThatThrownBy(route::join).hasMessageContaining("does not exist");
        assertThat(registry.containerCount()).as("c2 waits out the window, in case a2 returns").isOne();
        clock.advance(WINDOW_MS);
        registry.heartbeat(a1, Load.getDefaultInstance());
        registry.tick();
        assertThat(registry.containerCount()).as("a2 did not come back: its container is lost").isZero();
    }

    @Test
    void whenEveryKnownAgentHadLeftNothingIsAwaited() {
        registry.restore(new StoredState(LEADER_EPOCH, List.of(storedA1, storedA2), List.of(),
                java.util.Set.of("a1", "a2")));
        registry.serving();

        assertThat(registry.awaitRoute("nowhere", clock.millis() + 10_000)).isCompletedExceptionally();
    }

    @Test
    void aCallForAnUnknownContainerWaitsNoLongerThanItsDeadline() {
        restore();

        CompletableFuture<Route> route = registry.awaitRoute("late", clock.millis() + 1_000);
        clock.advance(1_000);
        registry.tick();

        assertThatThrownBy(route::join).hasMessageContaining("before the call's deadline");
    }

    @Test
    void anAgentThatComesBackWithoutAContainerLosesIt() {
        restore(stored("c1", "a1", 9), stored("c2", "a1", 10));

        register("a1", running("c2", 10));

        assertThat(registry.containers("", List.of(), "")).extracting(ContainerInfo::getUuid).containsExactly("c2");
        assertThat(store.removed).containsExactly("c1");
    }

    @Test
    void agentsThatDoNotComeBackAreMarkedUnhealthyAndTheirContainersLost() {
        restore(stored("c1", "a1", 9), stored("c2", "a2", 11));
        FakeAgentLink a2 = register("a2", running("c2", 11));

        clock.advance(WINDOW_MS - 100);
        registry.heartbeat(a2, Load.getDefaultInstance());
        registry.tick();
        assertThat(registry.containerCount()).isEqualTo(2);

        clock.advance(200);
        registry.heartbeat(a2, Load.getDefaultInstance());
        registry.tick();

        assertThat(store.lastHealthOf("a1").status()).isEqualTo(NodeStatus.NODE_STATUS_UNHEALTHY);
        assertThat(store.lastHealthOf("a2").status()).isEqualTo(NodeStatus.NODE_STATUS_HEALTHY);
        assertThat(registry.containers("", List.of(), "")).extracting(ContainerInfo::getUuid).containsExactly("c2");
        assertThat(store.removed).containsExactly("c1");
    }

    /**
     * An agent alive through the leader change comes back a few ms after the recovery window, while its ha
     * container's move has started but not finished: the move is called off and the container, with its state,
     * stays on its agent (an outsider saw 2 427 reads return null when it was moved instead).
     */
    @Test
    void anHaContainerWhoseAgentComesBackJustAfterTheWindowIsNotMovedAway() {
        restore(storedHa("kv1", "a1", 9));
        FakeAgentLink a2 = register("a2");

        clock.advance(WINDOW_MS);
        registry.heartbeat(a2, Load.getDefaultInstance());
        registry.tick();
        assertThat(a2.starts).as("a1 is given up: the move to a2 starts").hasSize(1);
        long targetEpoch = a2.starts.get(0).getEpoch();

        clock.advance(8);
        FakeAgentLink a1 = register("a1", running("kv1", 9));

        assertThat(a1.acks.get(0).getTerminateList()).as("a1's copy keeps serving").isEmpty();
        assertThat(routes.get("kv1").epoch()).isEqualTo(9);
        assertThat(routes.get("kv1").agent()).isSameAs(a1);
        assertThat(a2.terminates).extracting(TerminateContainer::getEpoch).containsExactly(targetEpoch);
        assertThat(registry.containers("", List.of(), "")).singleElement()
                .satisfies(c -> assertThat(c.getAgentId()).isEqualTo("a1"))
                .satisfies(c -> assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING));

        // a2 answers the start it was sent before the move was called off: that copy is not activated.
        registry.containerStarted(a2, dev.vnet.proto.v1.ContainerStarted.newBuilder().setUuid("kv1")
                .setEpoch(targetEpoch).build());
        assertThat(routes.get("kv1").agent()).isSameAs(a1);
    }

    @Test
    void aReportedCopyNewerThanTheStoreWinsAndAnOlderOneIsTerminated() {
        restore(stored("c1", "a1", 20), stored("c2", "a1", 30));

        FakeAgentLink a1 = register("a1", running("c1", 25), running("c2", 29));

        assertThat(routes.get("c1").epoch()).isEqualTo(25);
        assertThat(a1.acks.get(0).getTerminateList()).extracting(TerminateContainer::getUuid).containsExactly("c2");
    }

    @Test
    void activationsOfANewLeaderOutrankEveryEarlierOne() {
        restore(stored("c1", "a1", (LEADER_EPOCH - 1) << 32 | 999));
        FakeAgentLink a1 = register("a1", running("c1", (LEADER_EPOCH - 1) << 32 | 999));
        clock.advance(WINDOW_MS);
        registry.heartbeat(a1, Load.getDefaultInstance());
        registry.tick();

        registry.get("", GetRequest.newBuilder().setKind("kv").setUuid("fresh").build());

        assertThat(a1.lastStart().getEpoch() >>> 32).isEqualTo(LEADER_EPOCH);
    }

    @Test
    void whatTheRegistryDoesIsWrittenToTheStore() {
        restore();
        FakeAgentLink a1 = register("a1");
        clock.advance(WINDOW_MS);
        registry.heartbeat(a1, Load.newBuilder().setContainers(0).setCpu(0.5).build());
        assertThat(store.lastHealthOf("a1").load().getCpu()).isEqualTo(0.5);

        String session = registry.openSession("client", null, 60_000).id();
        registry.get(session, GetRequest.newBuilder().setKind("kv").setUuid("u").build());
        registry.containerStarted(a1, dev.vnet.proto.v1.ContainerStarted.newBuilder().setUuid("u")
                .setEpoch(a1.lastStart().getEpoch()).build());
        assertThat(store.containers).extracting(StoredContainer::uuid).containsExactly("u");
        assertThat(store.containers.get(0).agentId()).isEqualTo("a1");

        registry.agentDisconnected(a1, "closed its stream");
        assertThat(store.lastHealthOf("a1").status()).isEqualTo(NodeStatus.NODE_STATUS_UNHEALTHY);
        clock.advance(registry.settings().blipGraceMs());
        registry.tick();
        assertThat(store.removed).containsExactly("u");
        assertThatThrownBy(() -> registry.release(session, "u")).isInstanceOf(RegistryException.class);
    }

    // ---- helpers ----

    private void restore(StoredContainer... containers) {
        registry.restore(new StoredState(LEADER_EPOCH, List.of(storedA1, storedA2), List.of(containers)));
        registry.serving();
    }

    private FakeAgentLink register(String agentId, RunningContainer... running) {
        FakeAgentLink link = new FakeAgentLink(agentId, agentId + "-new-instance");
        registry.registerAgent(link, AgentRegister.newBuilder().setAgentId(agentId).setInstanceId(link.instanceId)
                .setEndpoint("127.0.0.1:1").addKinds("kv").addAllContainers(List.of(running)).build());
        return link;
    }

    private static RunningContainer running(String uuid, long epoch) {
        return RunningContainer.newBuilder().setUuid(uuid).setKind("kv").setEpoch(epoch).build();
    }

    private static StoredAgent storedAgent(String agentId) {
        return new StoredAgent(agentId, agentId + "-old-instance", "127.0.0.1:1", "", List.of(), List.of("kv"),
                Capacity.getDefaultInstance(), 1, 2);
    }

    private static StoredContainer storedHa(String uuid, String agentId, long epoch) {
        return new StoredContainer(uuid, "kv", ContainerType.CONTAINER_TYPE_HA, List.of(),
                Payload.getDefaultInstance(), Resources.getDefaultInstance(), agentId, epoch,
                MigrationStatus.MIGRATION_STATUS_IDLE, "", 0, 1);
    }

    private static StoredContainer stored(String uuid, String agentId, long epoch) {
        return new StoredContainer(uuid, "kv", ContainerType.CONTAINER_TYPE_STANDARD, List.of(),
                Payload.getDefaultInstance(), Resources.getDefaultInstance(), agentId, epoch,
                MigrationStatus.MIGRATION_STATUS_IDLE, "", 0, 1);
    }
}
