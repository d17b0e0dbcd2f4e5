package dev.vnet.network.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Placement over plain views of agents: no registry needed to say which agent a container goes to. */
class LeastLoadedTest {

    private static final Resources NOTHING = Resources.getDefaultInstance();

    private final LeastLoaded placement = new LeastLoaded();

    @Test
    void choosesTheActiveAgentWithFewestContainersThatOffersTheKindAndHasRoom() {
        List<View> agents = List.of(
                new View("busy", "", AgentState.AGENT_STATE_ACTIVE, "echo", 5, true),
                new View("idle-but-draining", "", AgentState.AGENT_STATE_DRAINING, "echo", 0, true),
                new View("idle-other-kind", "", AgentState.AGENT_STATE_ACTIVE, "kv", 0, true),
                new View("idle-but-full", "", AgentState.AGENT_STATE_ACTIVE, "echo", 1, false),
                new View("light", "", AgentState.AGENT_STATE_ACTIVE, "echo", 2, true));

        assertThat(placement.choose(agents, "echo", NOTHING).agentId()).isEqualTo("light");
        assertThat(placement.choose(agents, "chat", NOTHING)).isNull();
    }

    @Test
    void tiesGoRoundRobinInAgentIdOrder() {
        List<View> agents = List.of(new View("b", "", AgentState.AGENT_STATE_ACTIVE, "echo", 1, true),
                new View("a", "", AgentState.AGENT_STATE_ACTIVE, "echo", 1, true));

        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(placement.choose(agents, "echo", NOTHING).agentId());
        }

        assertThat(chosen).containsExactly("a", "b", "a", "b");
    }

    @Test
    void aTargetComesFromTheFirstClusterThatHasRoomThenFromAnyAndNeverFromTheExcluded() {
        List<View> agents = List.of(new View("eu-1", "eu", AgentState.AGENT_STATE_ACTIVE, "kv", 3, true),
                new View("us-1", "us", AgentState.AGENT_STATE_ACTIVE, "kv", 0, true),
                new View("ap-1", "ap", AgentState.AGENT_STATE_ACTIVE, "kv", 1, true));

        assertThat(placement.chooseTarget(agents, "kv", NOTHING, List.of("", "eu"), Set.of()).agentId())
                .isEqualTo("eu-1");
        assertThat(placement.chooseTarget(agents, "kv", NOTHING, List.of("eu", "ap"), Set.of("eu-1")).agentId())
                .isEqualTo("ap-1");
        assertThat(placement.chooseTarget(agents, "kv", NOTHING, List.of("moon"), Set.of()).agentId())
                .isEqualTo("us-1");
        assertThat(placement.chooseTarget(agents, "kv", NOTHING, List.of(), Set.of("eu-1", "us-1", "ap-1")))
                .isNull();
    }

    @Test
    void saysWhyNoAgentFitsForEachAgentNotExcluded() {
        List<View> agents = List.of(new View("a1", "", AgentState.AGENT_STATE_ACTIVE, "kv", 0, true),
                new View("a2", "", AgentState.AGENT_STATE_DRAINING, "echo", 0, true),
                new View("a3", "", AgentState.AGENT_STATE_ACTIVE, "echo", 4, false),
                new View("a4", "", AgentState.AGENT_STATE_ACTIVE, "echo", 0, true));

        assertThat(placement.whyNone(agents, "echo", Resources.newBuilder().setCpu(0.5).build(), Set.of("a4")))
                .isEqualTo("no active agent with room for a 'echo' container: a1 does not offer kind 'echo'; "
                        + "a2 is draining; a3 has no room (4 containers; needs cpu 0.5, memory 0 bytes)");
        assertThat(placement.whyNone(List.of(), "echo", NOTHING, Set.of()))
                .isEqualTo("no active agent with room for a 'echo' container is connected");
    }

    private record View(String agentId, String cluster, AgentState state, String kind, int containerCount,
            boolean room) implements AgentView {

        @Override
        public boolean supports(String wanted) {
            return kind.equals(wanted);
        }

        @Override
        public boolean hasRoomFor(Resources need) {
            return room;
        }
    }
}
