package dev.vnet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StaticTokensTest {

    private static final String SECRET = "0123456789abcdef-reader";

    @Test
    void aKnownTokenIsItsNamedPrincipalWithItsPermissions() throws Exception {
        StaticTokens tokens = new StaticTokens().add("reader", SECRET, List.of(Permission.ADMIN_READ));

        Principal principal = tokens.authenticate(SECRET);

        assertThat(principal.name()).isEqualTo("reader");
        assertThat(principal.has(Permission.ADMIN_READ)).isTrue();
        assertThat(principal.has(Permission.CONTAINER_GET)).isFalse();
    }

    @Test
    void aTokenMayBeConfiguredByItsDigest() throws Exception {
        StaticTokens tokens = new StaticTokens().addDigest("ops", StaticTokens.sha256(SECRET).toUpperCase(),
                List.of(Permission.AGENT_DRAIN));

        assertThat(tokens.authenticate(SECRET).name()).isEqualTo("ops");
    }

    @Test
    void anUnknownTokenIsRefusedWithoutRepeatingIt() {
        StaticTokens tokens = new StaticTokens().add("reader", SECRET, List.of());

        assertThatThrownBy(() -> tokens.authenticate("not-the-secret-at-all"))
                .isInstanceOf(AuthenticationException.class)
                .hasMessage("unknown token");
    }

    @Test
    void weakOrAmbiguousConfigurationIsRefused() {
        assertThatThrownBy(() -> new StaticTokens().add("short", "abc", List.of()))
                .hasMessageContaining("shorter than 16");
        assertThatThrownBy(() -> new StaticTokens().addDigest("bad", "xyz", List.of()))
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> new StaticTokens().add("a", SECRET, List.of()).add("b", SECRET, List.of()))
                .hasMessageContaining("'a' and 'b' are the same");
    }
}
