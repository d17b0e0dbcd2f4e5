package dev.vnet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerSecurityTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void aTokenWithAgentRegisterMustNameItsAgentIdsAndTheErrorNamesTheSetting() {
        SecurityConfig config = properties(Map.of("vnet.security.enabled", "true",
                "vnet.security.tokens.agents.secret", SECRET,
                "vnet.security.tokens.agents.permissions", "agent:register"));

        assertThatThrownBy(() -> ServerSecurity.from(config, "test"))
                .hasMessageContaining("vnet.security.tokens.agents.agent-ids");
    }

    @Test
    void agentIdsComeFromPropertiesAndFromTheEnvironment() throws Exception {
        SecurityConfig fromProperties = properties(Map.of("vnet.security.enabled", "true",
                "vnet.security.tokens.agents.secret", SECRET,
                "vnet.security.tokens.agents.permissions", "agent:register",
                "vnet.security.tokens.agents.agent-ids", "shop-*,billing"));
        assertThat(fromProperties.tokens().get("agents").agentIds()).hasValueSatisfying(ids ->
                assertThat(ids).containsExactly("shop-*", "billing"));

        SmallRyeConfig env = new SmallRyeConfigBuilder().withMapping(SecurityConfig.class)
                .withSources(new EnvConfigSource(Map.of("VNET_SECURITY_ENABLED", "true",
                        "VNET_SECURITY_TOKENS_COMPOSE_SECRET", SECRET,
                        "VNET_SECURITY_TOKENS_COMPOSE_PERMISSIONS", "*",
                        "VNET_SECURITY_TOKENS_COMPOSE_AGENT_IDS", "*"), 300)).build();
        SecurityConfig fromEnv = env.getConfigMapping(SecurityConfig.class);
        assertThat(fromEnv.tokens()).containsOnlyKeys("compose");
        assertThat(fromEnv.tokens().get("compose").agentIds()).hasValueSatisfying(ids ->
                assertThat(ids).containsExactly("*"));
    }

    private static SecurityConfig properties(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(SecurityConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 300)).build()
                .getConfigMapping(SecurityConfig.class);
    }
}
