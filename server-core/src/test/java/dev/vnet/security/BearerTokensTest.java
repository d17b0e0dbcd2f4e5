package dev.vnet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

    private static final TestJwts IDP = new TestJwts();

    @Test
    void jwtsAndStaticTokensAreToldApart() throws Exception {
        BearerTokens tokens = new BearerTokens(new StaticTokens().add("svc", "static-token-0123456789",
                Set.of(Permission.ADMIN_READ)), new JwtAuthenticator(IDP.publicKey(), "", "", "permissions"));

        assertThat(tokens.authenticate("static-token-0123456789").name()).isEqualTo("svc");
        assertThat(tokens.authenticate(IDP.sign("carol", List.of("events:watch"), 60)).name()).isEqualTo("carol");
    }

    @Test
    void withOnlyStaticTokensAJwtIsAnUnknownToken() {
        BearerTokens tokens = new BearerTokens(new StaticTokens().add("svc", "static-token-0123456789", Set.of()), null);

        assertThatThrownBy(() -> tokens.authenticate(IDP.sign("carol", List.of(), 60))).hasMessage("unknown token");
    }

    @Test
    void authenticationWithNothingToCheckAgainstIsRefusedAtStart() {
        assertThatThrownBy(() -> new BearerTokens(new StaticTokens(), null))
                .hasMessageContaining("nobody could call").hasMessageContaining("vnet.security.enabled=false");
    }
}
