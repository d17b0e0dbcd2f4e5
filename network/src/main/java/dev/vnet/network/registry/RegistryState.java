package dev.vnet.network.registry;

import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.LeaderInfo;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the registry's concerns share: the agents, the containers and the sessions it holds, the leader's epoch,
 * and the outlets its effects leave by (events, routes, the store). Plain fields, owned by the registry thread;
 * each concern class changes them by its own rules.
 */
final class RegistryState {

    final RegistrySettings settings;
    final InstantSource clock;
    final EventSink events;
    final RouteTable routes;
    final StoreSink store;

    final Map<String, AgentRecord> agents = new LinkedHashMap<>();
    final ContainerTable containers = new ContainerTable();
    final Map<String, SessionRecord> sessions = new HashMap<>();
    final SessionOwners sessionOwners;
    /** Every kind an agent has declared since this coordinator started: tells a typo from a missing agent. */
    final Set<String> knownKinds = new TreeSet<>();
    /** Containers known from the store (or kept through a blip) whose agent has not re-registered them yet. */
    final Set<ContainerRecord> recovering = new LinkedHashSet<>();
    /** Agents known from the store that have not come back yet. */
    final Map<String, StoredAgent> awaitedAgents = new HashMap<>();
    /**
     * Until then, gets that would create a container wait: a coordinator that just started does not know what its
     * agents run until they re-register, and creating a container by uuid before its agent is back would start a
     * second copy (and fence the first, with its state).
     */
    long recoveryEndsMs;
    long leaderEpoch = 1;
    ActivationEpochs epochs = new ActivationEpochs(leaderEpoch);
    /** Who leads (this coordinator, once elected), for watchers' snapshots. */
    LeaderInfo leader;

    RegistryState(RegistrySettings settings, InstantSource clock, EventSink events, RouteTable routes,
            StoreSink store, SessionOwners sessionOwners) {
        this.settings = settings;
        this.clock = clock;
        this.events = events;
        this.routes = routes;
        this.store = store;
        this.sessionOwners = sessionOwners;
        sessionOwners.clear();
        this.recoveryEndsMs = clock.millis() + settings.recoveryWindowMs();
    }

    long now() {
        return clock.millis();
    }

    /** Activations from now on are numbered under {@code epoch}, and outrank those of earlier leaders. */
    void leadWith(long epoch) {
        leaderEpoch = epoch;
        epochs = new ActivationEpochs(epoch);
    }

    /** The agent {@code link} belongs to, if that link is still the agent's current one; else null. */
    AgentRecord current(AgentLink link) {
        AgentRecord agent = agents.get(link.agentId());
        return agent != null && agent.link == link ? agent : null;
    }

    Event.Builder event(EventKind kind, String reason) {
        return Event.newBuilder().setKind(kind).setAtMs(clock.millis()).setReason(reason);
    }

    void publish(EventKind kind, AgentInfo agent, String reason) {
        events.publish(event(kind, reason).setAgent(agent).build());
    }

    void publish(EventKind kind, ContainerInfo container, String reason) {
        events.publish(event(kind, reason).setContainer(container).build());
    }
}
