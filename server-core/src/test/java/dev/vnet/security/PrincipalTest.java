package dev.vnet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrincipalTest {

    @Test
    void agentIdsAreExactIdsPrefixGlobsOrAny() {
        AgentIds ids = AgentIds.parse(List.of("shop-*", " billing ", ""));
        assertThat(ids.allows("shop-")).isTrue();
        assertThat(ids.allows("shop-7")).isTrue();
        assertThat(ids.allows("billing")).isTrue();
        assertThat(ids.allows("billing-2")).isFalse();
        assertThat(ids.allows("workshop-1")).isFalse();
        assertThat(AgentIds.parse(List.of("*")).allows("anything")).isTrue();
        assertThat(AgentIds.NONE.allows("anything")).isFalse();
        assertThatThrownBy(() -> AgentIds.parse(List.of("sh*p"))).hasMessageContaining("prefix glob");
    }

    @Test
    void aPrincipalServesOnlyTheAgentIdsItNamesAndOnlyWithAgentRegister() {
        Principal agents = Principal.of("agents", List.of("agent:register"), List.of("shop-*"), "k");
        assertThat(agents.mayServe("shop-1")).isTrue();
        assertThat(agents.mayServe("agent-1")).isFalse();
        Principal reader = Principal.of("reader", List.of("admin:read"), List.of("*"), "k");
        assertThat(reader.mayServe("shop-1")).isFalse();
    }

    @Test
    void agentRegisterWithoutAgentIdsIsAnErrorThatNamesTheSettingAndStarGrantsAllButIt() {
        assertThatThrownBy(() -> Principal.of("vnet.security.tokens.agents", List.of("agent:register"), List.of(),
                "vnet.security.tokens.agents.agent-ids"))
                .hasMessageContaining("vnet.security.tokens.agents.agent-ids");
        Principal ops = Principal.of("ops", List.of("*"), List.of(), "k");
        assertThat(ops.has(Permission.CONTAINER_DELETE)).isTrue();
        assertThat(ops.has(Permission.AGENT_REGISTER)).isFalse();
        assertThat(Principal.of("ops", List.of("*"), List.of("*"), "k").mayServe("agent-1")).isTrue();
    }

    @Test
    void authorizationDecidesByPermissionAndScope() {
        Principal acme = Principal.of("acme", List.of("container:get", "container:request"), List.of(), "k")
                .scopedTo(ContainerScope.parse(List.of("workspace"), List.of("tenant=acme")));

        assertThat(Authorization.check(acme, Permission.CONTAINER_REQUEST, "workspace",
                List.of("tenant=acme", "tier=gold"))).isNull();
        assertThat(Authorization.check(acme, Permission.CONTAINER_REQUEST, "workspace", List.of("tenant=globex"))
                .getDescription()).contains("kinds workspace with labels tenant=acme");
        assertThat(Authorization.check(acme, Permission.CONTAINER_REQUEST, "chat", List.of("tenant=acme")))
                .isNotNull();
        assertThat(Authorization.check(acme, Permission.CONTAINER_DELETE, "workspace", List.of("tenant=acme"))
                .getDescription()).contains("lacks permission container:delete");
        assertThat(Authorization.reachesKind(acme, "chat")).isFalse();
        assertThat(Authorization.isScoped(acme)).isTrue();

        Principal everyone = Principal.of("ops", List.of("*"), List.of(), "k");
        assertThat(Authorization.isScoped(everyone)).isFalse();
        assertThat(Authorization.check(everyone, Permission.CONTAINER_GET, "chat", List.of())).isNull();
    }
}
