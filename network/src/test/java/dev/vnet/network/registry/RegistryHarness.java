package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.StatelessOffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The one harness of the registry tests: a registry with what it talks to recorded (agents on fake links, events,
 * the store, a clock moved by hand), driven through {@link CheckedRegistry} so that its invariants are checked
 * after every step. Agents registered through it heartbeat while time passes, unless silenced.
 */
final class RegistryHarness {

    static final long ALIVE_MS = 3000;

    final ManualClock clock = new ManualClock();
    final List<Event> events = new ArrayList<>();
    final RouteTable routes = new RouteTable();
    final RecordingStore store = new RecordingStore();
    final CheckedRegistry registry;
    private final List<FakeAgentLink> alive = new ArrayList<>();

    RegistryHarness() {
        this(settings());
    }

    RegistryHarness(int maxConcurrentMigrations) {
        this(maxConcurrentMigrations, RegistryLimits.NONE);
    }

    RegistryHarness(int maxConcurrentMigrations, RegistryLimits limits) {
        this(settings().maxConcurrentMigrations(maxConcurrentMigrations).limits(limits));
    }

    /** A registry with {@code settings}: start from {@link #settings()} and change what the test is about. */
    RegistryHarness(RegistrySettings.Builder settings) {
        registry = new CheckedRegistry(new Registry(settings.build(), clock, events::add, routes, store),
                this::assertInvariants);
    }

    /** The settings these tests share: the defaults, without a recovery window, and a drain of 10 s. */
    static RegistrySettings.Builder settings() {
        return RegistrySettings.builder().aliveTimeoutMs(ALIVE_MS).recoveryWindowMs(0).drainTimeoutMs(10_000);
    }

    /** Registers an agent and keeps it heartbeating. */
    FakeAgentLink agent(String agentId, String instanceId, AgentRegister.Builder registration) {
        FakeAgentLink link = new FakeAgentLink(agentId, instanceId);
        registry.registerAgent(link, registration.setAgentId(agentId).setInstanceId(instanceId)
                .setEndpoint("127.0.0.1:1").build());
        alive.add(link);
        return link;
    }

    /** Registers an agent on a link the test made (the same instance on a new stream, say); it heartbeats on. */
    void register(FakeAgentLink link, AgentRegister registration) {
        registry.registerAgent(link, registration);
        alive.add(link);
    }

    FakeAgentLink agent(String agentId, String cluster, String... kinds) {
        return agent(agentId, agentId + "-1", AgentRegister.newBuilder().setCluster(cluster)
                .addAllKinds(Arrays.asList(kinds)));
    }

    FakeAgentLink agentWithRoom(String agentId, String cluster, int maxContainers, String... kinds) {
        return agent(agentId, agentId + "-1", AgentRegister.newBuilder().setCluster(cluster)
                .setCapacity(Capacity.newBuilder().setMaxContainers(maxContainers)).addAllKinds(Arrays.asList(kinds)));
    }

    FakeAgentLink statelessAgent(String agentId, String kind, String uuid) {
        return agent(agentId, agentId + "-1", AgentRegister.newBuilder().addKinds(kind)
                .addStateless(StatelessOffer.newBuilder().setUuid(uuid).setKind(kind)));
    }

    /** The agent's stream closes: it is dead at once. */
    void kill(FakeAgentLink link) {
        alive.remove(link);
        registry.agentDisconnected(link, "closed its stream");
    }

    /**
     * What the registry keeps as it changes equals what it holds now: the counts metrics read (containers by
     * group and state, references, sessions) and the references as sessions see them. Checked after every step.
     */
    void assertInvariants() {
        Map<RegistryStats.ContainerGroup, Integer> groups = new HashMap<>();
        Map<ContainerState, Integer> byState = new EnumMap<>(ContainerState.class);
        Map<String, Integer> referencesByUuid = new HashMap<>();
        int references = 0;
        List<ContainerInfo> containers = registry.containers("", List.of(), "");
        for (ContainerInfo info : containers) {
            groups.merge(new RegistryStats.ContainerGroup(info.getKind(), info.getType(), info.getAgentId()), 1,
                    Integer::sum);
            byState.merge(info.getState(), 1, Integer::sum);
            references += info.getReferences();
            referencesByUuid.put(info.getUuid(), info.getReferences());
        }
        RegistryStats stats = registry.stats();
        assertThat(registry.containerCount()).as("containers held").isEqualTo(containers.size());
        assertThat(stats.containers()).as("containers by kind, type and agent").isEqualTo(groups);
        assertThat(stats.containersByState()).as("containers by state").isEqualTo(byState);
        assertThat(stats.references()).as("references").isEqualTo(references);

        List<SessionRecord> open = registry.opened.stream()
                .filter(session -> registry.sessionOwners().owns("", session.id())).toList();
        assertThat(stats.sessions()).as("sessions").isEqualTo(registry.sessionCount()).isEqualTo(open.size());
        int held = 0;
        for (SessionRecord session : open) {
            for (String uuid : session.containers) {
                assertThat(referencesByUuid.getOrDefault(uuid, 0)).as("references of " + uuid + ", which session "
                        + session.id() + " holds").isPositive();
            }
            held += session.containers.size();
        }
        assertThat(held).as("references as the sessions hold them").isEqualTo(references);
    }

    /** The agent stops heartbeating (as if frozen) but its stream stays open. */
    void silence(FakeAgentLink link) {
        alive.remove(link);
    }

    String session() {
        return registry.openSession("test", null, Long.MAX_VALUE / 4).id();
    }

    CompletableFuture<GetResponse> get(String session, GetRequest.Builder request) {
        return registry.get(session, request.build());
    }

    /** The agent answers its last start command with success. */
    void started(FakeAgentLink link) {
        StartContainer start = link.lastStart();
        registry.containerStarted(link, ContainerStarted.newBuilder().setUuid(start.getUuid())
                .setEpoch(start.getEpoch()).build());
    }

    /** Moves time in steps of a second; live agents heartbeat, then the registry ticks. */
    void passTime(long millis) {
        for (long left = millis; left > 0; left -= Math.min(1000, left)) {
            clock.advance(Math.min(1000, left));
            for (FakeAgentLink link : alive) {
                registry.heartbeat(link, Load.getDefaultInstance());
            }
            registry.tick();
        }
    }

    ContainerInfo container(String uuid) {
        return registry.containers("", List.of(), "").stream().filter(c -> c.getUuid().equals(uuid)).findFirst()
                .orElse(null);
    }

    List<EventKind> eventKinds() {
        return events.stream().map(Event::getKind).toList();
    }
}
