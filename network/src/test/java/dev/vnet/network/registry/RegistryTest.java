package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerStopped;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.ReleaseResponse;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.TerminateContainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The registry as a plain state machine: no threads, no gRPC, time moved by hand. */
class RegistryTest {

    private static final long ALIVE_MS = 3000;
    private static final long IDLE_MS = 60_000;
    private static final long CHAT_IDLE_MS = 5_000;

    private final RegistryHarness h = new RegistryHarness(RegistryHarness.settings().idleTimeoutMs(IDLE_MS)
            .idleTimeoutByKindMs(Map.of("chat", CHAT_IDLE_MS)).maxConcurrentMigrations(2));
    private final ManualClock clock = h.clock;
    private final List<Event> events = h.events;
    private final RouteTable routes = h.routes;
    private final CheckedRegistry registry = h.registry;
    private final List<FakeAgentLink> liveAgents = new ArrayList<>();

    // ------------------------------------------------------------------------------------------- get & create

    @Nested
    class GetOrCreate {

        @Test
        void concurrentGetsOfOneUuidCreateItOnce() {
            FakeAgentLink a1 = agent("a1", "echo");
            String s1 = session();
            String s2 = session();

            CompletableFuture<GetResponse> first = registry.get(s1, get("echo").setUuid("u-1").build());
            CompletableFuture<GetResponse> second = registry.get(s2, get("echo").setUuid("u-1").build());

            assertThat(a1.starts).hasSize(1);
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();
            started(a1, a1.lastStart());
            assertThat(first.join().getContainer().getUuid()).isEqualTo("u-1");
            assertThat(second.join().getContainer().getUuid()).isEqualTo("u-1");
            assertThat(first.join().getCreated()).isTrue();
            assertThat(second.join().getCreated()).isFalse();
            assertThat(second.join().getContainer().getReferences()).isEqualTo(2);
            assertThat(a1.starts).hasSize(1);
        }

        @Test
        void concurrentGetsWithoutUuidCreateDistinctContainers() {
            FakeAgentLink a1 = agent("a1", "echo");
            String s = session();

            CompletableFuture<GetResponse> first = registry.get(s, get("echo").build());
            CompletableFuture<GetResponse> second = registry.get(s, get("echo").build());
            a1.starts.forEach(start -> started(a1, start));

            assertThat(a1.starts).hasSize(2);
            assertThat(first.join().getContainer().getUuid()).isNotEqualTo(second.join().getContainer().getUuid());
        }

        @Test
        void aGetOfARunningContainerAnswersAtOnceWithoutStartingAnything() {
            FakeAgentLink a1 = agent("a1", "echo");
            runningContainer(a1, session(), "u-1", "echo");

            CompletableFuture<GetResponse> again = registry.get(session(), get("echo").setUuid("u-1").build());

            assertThat(again).isCompleted();
            assertThat(a1.starts).hasSize(1);
        }

        @Test
        void aGetNamingTheWrongKindIsRefused() {
            FakeAgentLink a1 = agent("a1", "echo", "kv");
            runningContainer(a1, session(), "u-1", "echo");

            assertThatThrownBy(() -> registry.get(session(), get("kv").setUuid("u-1").build()))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.failure()).isEqualTo(Failure.INVALID_ARGUMENT))
                    .hasMessageContaining("'echo', not 'kv'");
        }

        @Test
        void labelsFindAnExistingContainerThatHasThemAll() {
            FakeAgentLink a1 = agent("a1", "chat");
            String s = session();
            CompletableFuture<GetResponse> tagged = registry.get(s, get("chat").addLabels("tenant=a").addLabels("eu")
                    .build());
            CompletableFuture<GetResponse> sameLabelsWhileStarting =
                    registry.get(s, get("chat").addLabels("eu").build());
            started(a1, a1.lastStart());

            String uuid = tagged.join().getContainer().getUuid();
            assertThat(sameLabelsWhileStarting.join().getContainer().getUuid()).isEqualTo(uuid);
            assertThat(registry.get(s, get("chat").addLabels("tenant=a").build()).join().getContainer().getUuid())
                    .isEqualTo(uuid);
            CompletableFuture<GetResponse> other = registry.get(s, get("chat").addLabels("tenant=b").build());
            assertThat(a1.starts).hasSize(2);
            started(a1, a1.lastStart());
            assertThat(other.join().getContainer().getUuid()).isNotEqualTo(uuid);
            assertThat(other.join().getContainer().getLabelsList()).containsExactly("tenant=b");
        }

        @Test
        void anUnknownKindIsNotFoundAndAKnownKindWithoutRoomIsUnavailable() {
            FakeAgentLink a1 = agentWithCapacity("a1", 1, "echo");
            String s = session();

            assertThatThrownBy(() -> registry.get(s, get("nope").build()))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND))
                    .hasMessageContaining("unknown kind 'nope'").hasMessageContaining("[echo]");

            registry.get(s, get("echo").build());
            assertThat(a1.starts).hasSize(1);
            assertThatThrownBy(() -> registry.get(s, get("echo").build()))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE))
                    .hasMessageContaining("a1 has no room");
        }

        @Test
        void aFactoryFailureFailsTheGetWithTheAgentsMessage() {
            FakeAgentLink a1 = agent("a1", "echo");
            CompletableFuture<GetResponse> result = registry.get(session(), get("echo").setUuid("u-1").build());

            registry.containerStarted(a1, ContainerStarted.newBuilder().setUuid("u-1").setEpoch(a1.lastStart()
                    .getEpoch()).setError(Error.newBuilder().setCode(2).setMessage("bad spec")).build());

            assertThat(result).isCompletedExceptionally();
            assertThatThrownBy(result::join).hasCauseInstanceOf(RegistryException.class)
                    .hasMessageContaining("bad spec");
            assertThat(registry.containerCount()).isZero();
        }

        @Test
        void aStartThatTakesTooLongFailsWithDeadlineExceededAndIsCancelledOnTheAgent() {
            FakeAgentLink a1 = agent("a1", "echo");
            CompletableFuture<GetResponse> result = registry.get(session(), get("echo").setUuid("u-1").build());

            passTime(14_000);
            assertThat(result).isNotDone();
            passTime(2_000);

            assertThatThrownBy(result::join).cause().isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.failure()).isEqualTo(Failure.DEADLINE_EXCEEDED));
            assertThat(a1.terminatedUuids()).containsExactly("u-1");
            assertThat(registry.containerCount()).isZero();
        }

        @Test
        void statelessCannotBeCreatedByAGet() {
            agent("a1", "echo");
            assertThatThrownBy(() -> registry.get(session(), get("echo").setType(ContainerType.CONTAINER_TYPE_STATELESS)
                    .build())).hasMessageContaining("offered by agents");
        }

        @Test
        void aRunningContainerIsRoutedAndAnnounced() {
            FakeAgentLink a1 = agent("a1", "echo");
            runningContainer(a1, session(), "u-1", "echo");

            assertThat(routes.get("u-1").agent()).isSameAs(a1);
            assertThat(routes.get("u-1").epoch()).isEqualTo(a1.lastStart().getEpoch());
            assertThat(events).extracting(Event::getKind).containsSubsequence(EventKind.EVENT_KIND_AGENT_ADDED,
                    EventKind.EVENT_KIND_CONTAINER_ADDED);
        }

        @Test
        void epochsGrowWithEveryActivation() {
            FakeAgentLink a1 = agent("a1", "echo");
            String s = session();
            registry.get(s, get("echo").build());
            registry.get(s, get("echo").build());

            assertThat(a1.starts.get(1).getEpoch()).isGreaterThan(a1.starts.get(0).getEpoch());
        }
    }

    // ------------------------------------------------------------------------------------------ placement

    @Test
    void placementSpreadsOverAgentsEvenBeforeAnyHeartbeat() {
        FakeAgentLink a1 = agent("a1", "echo");
        FakeAgentLink a2 = agent("a2", "echo");
        FakeAgentLink a3 = agent("a3", "kv");
        String s = session();

        for (int i = 0; i < 6; i++) {
            registry.get(s, get("echo").build());
        }

        assertThat(a1.starts).hasSize(3);
        assertThat(a2.starts).hasSize(3);
        assertThat(a3.starts).isEmpty();
    }

    @Test
    void placementPrefersTheAgentWithFewerContainers() {
        FakeAgentLink a1 = agent("a1", "echo");
        String s = session();
        registry.get(s, get("echo").build());
        registry.get(s, get("echo").build());
        FakeAgentLink a2 = agent("a2", "echo");

        registry.get(s, get("echo").build());
        registry.get(s, get("echo").build());

        assertThat(a1.starts).hasSize(2);
        assertThat(a2.starts).hasSize(2);
    }

    // ------------------------------------------------------------------------------- references and idleness

    @Nested
    class References {

        @Test
        void aContainerSharedByTwoSessionsSurvivesOneRelease() {
            FakeAgentLink a1 = agent("a1", "echo");
            String s1 = session();
            String s2 = session();
            runningContainer(a1, s1, "u-1", "echo");
            registry.get(s2, get("echo").setUuid("u-1").build()).join();

            ReleaseResponse left = registry.release(s1, "u-1");
            assertThat(left.getReferences()).isEqualTo(1);
            assertThat(left.getIdleTimeoutMs()).as("still held: it does not stop").isZero();
            assertThat(left.getStopsAtMs()).isZero();
            passTime(IDLE_MS + 5_000, s2);

            assertThat(a1.terminates).isEmpty();
            assertThat(routes.get("u-1")).isNotNull();
        }

        @Test
        void theIdleTimeoutStartsAtTheLastReleaseAndFiresOnlyThen() {
            FakeAgentLink a1 = agent("a1", "echo");
            String s1 = session();
            String s2 = session();
            runningContainer(a1, s1, "u-1", "echo");
            registry.get(s2, get("echo").setUuid("u-1").build()).join();

            registry.release(s1, "u-1");
            passTime(30_000, s2);
            ReleaseResponse last = registry.release(s2, "u-1");
            assertThat(last.getReferences()).isZero();
            assertThat(last.getIdleTimeoutMs()).as("the release says when it stops").isEqualTo(IDLE_MS);
            assertThat(last.getStopsAtMs()).isEqualTo(clock.millis() + IDLE_MS);
            passTime(IDLE_MS - 1_000, s2);
            assertThat(a1.terminates).isEmpty();

            passTime(2_000, s2);
            assertThat(a1.terminatedUuids()).containsExactly("u-1");
            assertThat(routes.get("u-1")).isNull();
            assertThat(registry.containerCount()).isZero();
            assertThat(events).extracting(Event::getKind).contains(EventKind.EVENT_KIND_CONTAINER_REMOVED);
        }

        @Test
        void aNewReferenceCancelsThePendingIdleTimeout() {
            FakeAgentLink a1 = agent("a1", "echo");
            String s1 = session();
            runningContainer(a1, s1, "u-1", "echo");
            registry.release(s1, "u-1");
            passTime(IDLE_MS / 2, s1);

            registry.get(s1, get("echo").setUuid("u-1").build()).join();
            passTime(IDLE_MS, s1);

            assertThat(a1.terminates).isEmpty();
        }

        @Test
        void theIdleTimeoutIsPerKind() {
            FakeAgentLink a1 = agent("a1", "chat", "echo");
            String s = session();
            runningContainer(a1, s, "room", "chat");
            runningContainer(a1, s, "e", "echo");
            assertThat(registry.release(s, "room").getIdleTimeoutMs()).isEqualTo(CHAT_IDLE_MS);
            registry.release(s, "e");

            passTime(CHAT_IDLE_MS + 1_000, s);

            assertThat(a1.terminatedUuids()).containsExactly("room");
        }

        @Test
        void endingASessionReleasesAllItsReferences() {
            FakeAgentLink a1 = agent("a1", "echo");
            String s = session();
            String other = session();
            runningContainer(a1, s, "u-1", "echo");
            runningContainer(a1, s, "u-2", "echo");

            assertThat(registry.closeSession(s, "test")).isEqualTo(2);
            passTime(IDLE_MS + 1_000, other);

            assertThat(a1.terminatedUuids()).containsExactlyInAnyOrder("u-1", "u-2");
        }

        @Test
        void aStreamSessionSilentPastTheAliveTimeoutEndsAndReleases() {
            FakeAgentLink a1 = agent("a1", "echo");
            RecordingSessionLink link = new RecordingSessionLink();
            String s = registry.openSession("silent", link, ALIVE_MS).id();
            runningContainer(a1, s, "u-1", "echo");

            passTime(ALIVE_MS + 1_000);

            assertThat(link.closedBecause).contains("no sign of life");
            assertThat(registry.sessionCount()).isZero();
            assertThatThrownBy(() -> registry.release(s, "u-1")).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
        }

        @Test
        void aSessionThatPingsKeepsItsContainersPastTheAliveTimeout() {
            FakeAgentLink a1 = agent("a1", "echo");
            RecordingSessionLink link = new RecordingSessionLink();
            String s = registry.openSession("pinging", link, ALIVE_MS).id();
            runningContainer(a1, s, "u-1", "echo");

            passTime(IDLE_MS * 2, s);

            assertThat(link.closedBecause).isNull();
            assertThat(a1.terminates).isEmpty();
            assertThat(registry.containers("", List.of(), "").get(0).getReferences()).isEqualTo(1);
        }

        @Test
        void aReleaseFromAnUnknownSessionIsNotFound() {
            assertThatThrownBy(() -> registry.release("no-such-session", "u"))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
        }
    }

    // ----------------------------------------------------------------------------------------------- agents

    @Nested
    class AgentLife {

        @Test
        void anyFrameFromAnAgentIsASignOfLife() {
            FakeAgentLink busy = agent("busy", "echo");
            FakeAgentLink silent = agent("silent", "echo");

            // Neither heartbeat reaches the registry; the busy agent's broadcasts and replies keep arriving.
            for (int second = 0; second <= ALIVE_MS / 1000; second++) {
                clock.advance(1_000);
                busy.lastFrameAtMs = clock.millis();
                registry.tick();
            }

            assertThat(busy.closedBecause).isNull();
            assertThat(silent.closedBecause).contains("no heartbeat, nor anything else");
        }

        @Test
        void aStallOfTheRegistryItselfIsBlamedOnNoAgentAndNoSession() {
            FakeAgentLink a1 = agent("a1", "echo");
            RecordingSessionLink link = new RecordingSessionLink();
            String s = registry.openSession("pinging", link, ALIVE_MS).id();
            passTime(1_000, s, a1);

            // The registry's thread stalls for five seconds (a GC pause, a command that took long): the heartbeats
            // and pings of that time still wait in its queue, behind this overdue tick.
            clock.advance(5_000);
            registry.tick();

            assertThat(a1.closedBecause).isNull();
            assertThat(link.closedBecause).isNull();
            assertThat(registry.agents()).extracting(a -> a.getAgentId()).containsExactly("a1");

            // Silence after the stall still counts.
            for (int second = 0; second <= ALIVE_MS / 1000; second++) {
                clock.advance(1_000);
                registry.tick();
            }
            assertThat(a1.closedBecause).contains("no heartbeat");
            assertThat(link.closedBecause).contains("no sign of life");
        }

        @Test
        void anAgentSilentPastTheAliveTimeoutIsRemovedWithItsContainers() {
            FakeAgentLink a1 = agent("a1", "echo");
            FakeAgentLink a2 = agent("a2", "echo");
            RecordingSessionLink holder = new RecordingSessionLink();
            String s = registry.openSession("holder", holder, ALIVE_MS).id();
            runningContainer(a1, s, "u-1", "echo");

            passTime(ALIVE_MS - 500, s, a1, a2);
            passTime(ALIVE_MS + 500, s, a2);

            assertThat(a1.closedBecause).contains("no heartbeat");
            assertThat(a2.closedBecause).isNull();
            assertThat(registry.agents()).extracting(a -> a.getAgentId()).containsExactly("a2");
            assertThat(routes.get("u-1")).isNull();
            assertThat(events).extracting(Event::getKind).contains(EventKind.EVENT_KIND_AGENT_REMOVED,
                    EventKind.EVENT_KIND_CONTAINER_REMOVED);
            assertThat(holder.notified).extracting(e -> e.getContainer().getUuid()).containsExactly("u-1");
        }

        @Test
        void aClosedStreamRemovesTheAgentAtOnceAndItsStandardContainersAfterTheBlipGrace() {
            FakeAgentLink a1 = agent("a1", "echo");
            runningContainer(a1, session(), "u-1", "echo");

            registry.agentDisconnected(a1, "closed its stream");

            assertThat(registry.agentCount()).isZero();
            assertThat(registry.containerCount()).as("kept for the blip grace").isOne();
            clock.advance(ALIVE_MS);
            registry.tick();
            assertThat(registry.containerCount()).isZero();
            Event removed = events.stream().filter(e -> e.getKind() == EventKind.EVENT_KIND_CONTAINER_REMOVED)
                    .findFirst().orElseThrow();
            assertThat(removed.getReason()).contains("a1").contains("blip grace");
        }

        @Test
        void aContainerStillStartingOnADeadAgentFailsItsGet() {
            FakeAgentLink a1 = agent("a1", "echo");
            CompletableFuture<GetResponse> result = registry.get(session(), get("echo").build());

            registry.agentDisconnected(a1, "closed its stream");

            assertThatThrownBy(result::join).cause().isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE));
        }

        @Test
        void theSameInstanceOnANewStreamReplacesTheOldOneAndKeepsItsContainers() {
            FakeAgentLink first = agent("a1", "echo");
            StartContainer start = runningContainer(first, session(), "u-1", "echo");
            FakeAgentLink second = new FakeAgentLink("a1", first.instanceId);

            registry.registerAgent(second, registration(second, "echo").addContainers(running(start))
                    .setInstanceSecret(first.acks.get(0).getInstanceSecret()).build());
            registry.agentDisconnected(first, "old stream closed late");

            assertThat(first.closedBecause).contains("replaced");
            assertThat(registry.agentCount()).isEqualTo(1);
            assertThat(routes.get("u-1").agent()).isSameAs(second);
            assertThat(second.acks.get(0).getTerminateList()).isEmpty();
        }

        @Test
        void replacingALiveInstancesStreamNeedsTheSecretOfItsAcknowledgementNotItsPublicInstanceId() {
            FakeAgentLink real = agent("a1", "echo");
            String secret = real.acks.get(0).getInstanceSecret();
            assertThat(secret).hasSize(64);
            FakeAgentLink impostor = new FakeAgentLink("a1", real.instanceId);

            for (String guess : List.of("", "0".repeat(64), secret.substring(1) + "0")) {
                assertThatThrownBy(() -> registry.registerAgent(impostor, registration(impostor, "echo")
                        .setInstanceSecret(guess).build()))
                        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.failure())
                                .isEqualTo(Failure.PERMISSION_DENIED))
                        .hasMessageContaining("instance_secret");
            }
            assertThat(real.closedBecause).isNull();
            assertThat(impostor.acks).isEmpty();
            assertThat(registry.agents().get(0).getInstanceId()).isEqualTo(real.instanceId);
        }

        @Test
        void aStandbysStreamIsReplacedOnlyWithItsOwnSecret() {
            agent("a1", "echo");
            FakeAgentLink standby = new FakeAgentLink("a1", "standby-instance");
            registry.registerAgent(standby, registration(standby, "echo").build());
            String secret = standby.acks.get(0).getInstanceSecret();
            FakeAgentLink impostor = new FakeAgentLink("a1", "standby-instance");

            assertThatThrownBy(() -> registry.registerAgent(impostor, registration(impostor, "echo").build()))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("standby instance standby-instance");
            assertThat(standby.closedBecause).isNull();

            FakeAgentLink again = new FakeAgentLink("a1", "standby-instance");
            registry.registerAgent(again, registration(again, "echo").setInstanceSecret(secret).build());
            assertThat(standby.closedBecause).contains("replaced");
            assertThat(again.acks.get(0).getState()).isEqualTo(AgentState.AGENT_STATE_STANDBY);
        }

        @Test
        void aReconnectingAgentsUnknownContainersAreAdopted() {
            FakeAgentLink a1 = new FakeAgentLink("a1", "i-1");
            registry.registerAgent(a1, registration(a1, "echo").addContainers(RunningContainer.newBuilder()
                    .setUuid("kept").setKind("echo").setEpoch(42)).build());

            assertThat(routes.get("kept").epoch()).isEqualTo(42);
            assertThat(registry.containers("echo", List.of(), "a1")).hasSize(1);
            // Adopted without references: it idles out unless a client takes it again.
            passTime(IDLE_MS + 1_000, a1);
            assertThat(a1.terminatedUuids()).containsExactly("kept");
        }

        @Test
        void aCopyThatRunsElsewhereIsTerminatedBeforeAnythingElse() {
            FakeAgentLink a1 = agent("a1", "echo");
            StartContainer start = runningContainer(a1, session(), "u-1", "echo");
            FakeAgentLink stale = new FakeAgentLink("a2", "i-2");

            registry.registerAgent(stale, registration(stale, "echo").addContainers(running(start).toBuilder()
                    .setEpoch(start.getEpoch() - 1)).build());

            RegisterAck ack = stale.acks.get(0);
            assertThat(stale.sent.get(0)).isSameAs(ack);
            assertThat(ack.getTerminateList()).extracting(TerminateContainer::getUuid).containsExactly("u-1");
            assertThat(routes.get("u-1").agent()).isSameAs(a1);
        }

        @Test
        void aContainerThatStopsByItselfIsRemoved() {
            FakeAgentLink a1 = agent("a1", "echo");
            StartContainer start = runningContainer(a1, session(), "u-1", "echo");

            registry.containerStopped(a1, ContainerStopped.newBuilder().setUuid("u-1").setEpoch(start.getEpoch())
                    .setReason("job done").build());

            assertThat(registry.containerCount()).isZero();
            assertThat(events.get(events.size() - 1).getReason()).contains("job done");
        }

        @Test
        void anAnswerForAnActivationNoLongerWantedTerminatesIt() {
            FakeAgentLink a1 = agent("a1", "echo");
            registry.containerStarted(a1, ContainerStarted.newBuilder().setUuid("ghost").setEpoch(7).build());

            assertThat(a1.terminates).extracting(TerminateContainer::getUuid).containsExactly("ghost");
        }
    }

    @Test
    void afterStartUpCreationsWaitForAgentsToReRegisterWhatTheyRun() {
        RegistryHarness afterRestart = new RegistryHarness(RegistryHarness.settings().recoveryWindowMs(5_000)
                .maxConcurrentMigrations(2));
        CheckedRegistry restarted = afterRestart.registry;
        String session = restarted.openSession("reconnecting client", null, 60_000).id();
        CompletableFuture<GetResponse> reacquire = restarted.get(session, get("kv").setUuid("survivor").build());
        assertThat(reacquire).isNotDone();

        FakeAgentLink late = new FakeAgentLink("a1", "i-1");
        restarted.registerAgent(late, registration(late, "kv").addContainers(RunningContainer.newBuilder()
                .setUuid("survivor").setKind("kv").setEpoch(9)).build());
        afterRestart.clock.advance(5_000);
        restarted.heartbeat(late, Load.getDefaultInstance());
        restarted.tick();

        assertThat(reacquire.join().getContainer().getEpoch()).isEqualTo(9);
        assertThat(reacquire.join().getCreated()).isFalse();
        assertThat(late.starts).isEmpty();
        CompletableFuture<GetResponse> fresh = restarted.get(session, get("kv").build());
        assertThat(late.starts).hasSize(1);
        assertThat(fresh).isNotDone();
    }

    // ---------------------------------------------------------------------------------------------- routing

    @Test
    void aRequestForAStartingContainerWaitsForItsRoute() {
        FakeAgentLink a1 = agent("a1", "echo");
        registry.get(session(), get("echo").setUuid("u-1").build());

        var route = registry.awaitRoute("u-1", clock.millis() + 5_000);
        assertThat(route).isNotDone();
        started(a1, a1.lastStart());

        assertThat(route.join().agent()).isSameAs(a1);
    }

    @Test
    void aRequestWaitingForARouteFailsAtItsDeadline() {
        agent("a1", "echo");
        registry.get(session(), get("echo").setUuid("u-1").build());

        var route = registry.awaitRoute("u-1", clock.millis() + 500);
        passTime(1_000);

        assertThatThrownBy(route::join).cause().isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.DEADLINE_EXCEEDED));
    }

    @Test
    void aRequestForAnUnknownContainerIsNotFound() {
        assertThatThrownBy(() -> registry.awaitRoute("nope", clock.millis() + 500).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
    }

    @Test
    void connectionsAreConfirmedByTheAgentAndClosedWhenTheContainerGoes() {
        FakeAgentLink a1 = agent("a1", "chat");
        runningContainer(a1, session(), "room", "chat");
        List<String> closed = new ArrayList<>();
        var sink = new dev.vnet.network.routing.ConnectionSink() {
            @Override
            public void broadcast(dev.vnet.proto.v1.Payload payload) {}

            @Override
            public void closed(String reason) {
                closed.add(reason);
            }
        };

        var ready = registry.connect("room", "client-1", sink);
        assertThat(a1.connects).hasSize(1);
        assertThat(ready).isNotDone();
        registry.clientConnected(a1, dev.vnet.proto.v1.ClientConnected.newBuilder().setUuid("room")
                .setClientId("client-1").build());
        assertThat(ready.join().getUuid()).isEqualTo("room");
        assertThat(routes.get("room").subscribers()).containsKey("client-1");
        assertThatThrownBy(() -> registry.connect("room", "client-1", sink))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.ALREADY_EXISTS));

        registry.agentDisconnected(a1, "closed its stream");
        assertThat(closed).hasSize(1);
    }

    @Test
    void kindsListWhoOffersWhat() {
        FakeAgentLink a1 = agent("a1", "echo", "kv");
        agent("a2", "echo");
        runningContainer(a1, session(), "u-1", "echo");

        assertThat(registry.kinds()).extracting(k -> k.getKind() + ":" + k.getAgentsList() + ":" + k.getContainers())
                .containsExactly("echo:[a1, a2]:1", "kv:[a1]:0");
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private FakeAgentLink agent(String id, String... kinds) {
        FakeAgentLink link = new FakeAgentLink(id, id + "-instance");
        registry.registerAgent(link, registration(link, kinds).build());
        liveAgents.add(link);
        return link;
    }

    private FakeAgentLink agentWithCapacity(String id, int maxContainers, String... kinds) {
        FakeAgentLink link = new FakeAgentLink(id, id + "-instance");
        registry.registerAgent(link, registration(link, kinds)
                .setCapacity(Capacity.newBuilder().setMaxContainers(maxContainers)).build());
        liveAgents.add(link);
        return link;
    }

    private static AgentRegister.Builder registration(FakeAgentLink link, String... kinds) {
        return AgentRegister.newBuilder().setAgentId(link.agentId).setInstanceId(link.instanceId)
                .setEndpoint("127.0.0.1:9999").addAllKinds(Arrays.asList(kinds));
    }

    private static RunningContainer running(StartContainer start) {
        return RunningContainer.newBuilder().setUuid(start.getUuid()).setKind(start.getKind())
                .setEpoch(start.getEpoch()).build();
    }

    /** A unary session with a lease long enough never to matter in these tests. */
    private String session() {
        return registry.openSession("test", null, Long.MAX_VALUE / 4).id();
    }

    private static GetRequest.Builder get(String kind) {
        return GetRequest.newBuilder().setKind(kind);
    }

    private StartContainer runningContainer(FakeAgentLink agent, String session, String uuid, String kind) {
        CompletableFuture<GetResponse> result = registry.get(session, get(kind).setUuid(uuid).build());
        StartContainer start = agent.lastStart();
        started(agent, start);
        assertThat(result.join().getContainer().getUuid()).isEqualTo(uuid);
        return start;
    }

    private void started(FakeAgentLink agent, StartContainer start) {
        registry.containerStarted(agent, ContainerStarted.newBuilder().setUuid(start.getUuid())
                .setEpoch(start.getEpoch()).build());
    }

    /** Moves time in steps of one second; heartbeats only from the given agents and pings only from the given sessions. */
    private void passTime(long millis, Object... alive) {
        Consumer<Object> signOfLife = who -> {
            if (who instanceof FakeAgentLink link) {
                registry.heartbeat(link, Load.getDefaultInstance());
            } else if (who instanceof String session) {
                registry.touchSession(session);
            }
        };
        for (long left = millis; left > 0; left -= Math.min(1000, left)) {
            clock.advance(Math.min(1000, left));
            Arrays.asList(alive).forEach(signOfLife);
            registry.tick();
        }
    }

    /** Like {@link #passTime(long, Object...)} with every registered agent alive. */
    private void passTime(long millis) {
        passTime(millis, liveAgents.toArray());
    }

    private void passTime(long millis, String session) {
        List<Object> alive = new ArrayList<>(liveAgents);
        alive.add(session);
        passTime(millis, alive.toArray());
    }

    /** A session stream that records what the registry tells it. */
    private static final class RecordingSessionLink implements SessionLink {
        final List<Event> notified = new ArrayList<>();
        String closedBecause;

        @Override
        public void notify(Event event) {
            notified.add(event);
        }

        @Override
        public void close(String reason) {
            closedBecause = reason;
        }
    }
}
