package dev.vnet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {

    private static final TestJwts IDP = new TestJwts();
    private static final TestJwts ANOTHER_IDP = new TestJwts();
    private static final List<String> PERMISSIONS = List.of("container:get", "events:watch");

    private final JwtAuthenticator jwt = new JwtAuthenticator(IDP.publicKey(), TestJwts.ISSUER, TestJwts.AUDIENCE,
            "permissions");

    @Test
    void aValidJwtNamesItsSubjectAndGrantsItsPermissions() throws Exception {
        Principal principal = jwt.authenticate(IDP.sign("alice", PERMISSIONS, 60));

        assertThat(principal.name()).isEqualTo("alice");
        assertThat(principal.permissions()).containsExactlyInAnyOrder(Permission.CONTAINER_GET,
                Permission.EVENTS_WATCH);
    }

    @Test
    void permissionsMayComeAsAScopeStringAmongOtherServicesScopes() throws Exception {
        JwtAuthenticator scoped = new JwtAuthenticator(IDP.publicKey(), "", "", "scope");
        JwtClaims claims = TestJwts.claims("bob", List.of(), 60);
        claims.setClaim("scope", "openid container:request profile");

        assertThat(scoped.authenticate(IDP.sign(claims)).permissions()).containsExactly(Permission.CONTAINER_REQUEST);
    }

    @Test
    void agentRegisterComesWithTheAgentIdsOfItsClaimAndIsRefusedWithoutThem() throws Exception {
        JwtClaims claims = TestJwts.claims("shop-agents", List.of("agent:register"), 60);
        claims.setStringListClaim(JwtAuthenticator.AGENT_IDS_CLAIM, List.of("shop-*", "billing"));
        Principal agents = jwt.authenticate(IDP.sign(claims));
        assertThat(agents.mayServe("shop-1")).isTrue();
        assertThat(agents.mayServe("billing")).isTrue();
        assertThat(agents.mayServe("billing-2")).isFalse();

        assertThatThrownBy(() -> jwt.authenticate(IDP.sign("no-ids", List.of("agent:register"), 60)))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("agent:register").hasMessageContaining(JwtAuthenticator.AGENT_IDS_CLAIM);
        Principal everything = jwt.authenticate(IDP.sign("root", List.of("*"), 60));
        assertThat(everything.has(Permission.ADMIN_READ)).isTrue();
        assertThat(everything.has(Permission.AGENT_REGISTER)).isFalse();
    }

    @Test
    void aJwtsScopeComesFromItsKindsAndLabelsClaims() throws Exception {
        JwtClaims claims = TestJwts.claims("acme-user", List.of("container:request"), 60);
        claims.setStringListClaim(JwtAuthenticator.KINDS_CLAIM, List.of("workspace"));
        claims.setClaim(JwtAuthenticator.LABELS_CLAIM, "tenant=acme");
        Principal acme = jwt.authenticate(IDP.sign(claims));

        assertThat(acme.scope()).isEqualTo(new ContainerScope(java.util.Set.of("workspace"), List.of("tenant=acme")));
        assertThat(jwt.authenticate(IDP.sign("anyone", PERMISSIONS, 60)).scope()).isEqualTo(ContainerScope.ANY);
    }

    @Test
    void refusalsSayWhyWithoutRepeatingTheToken() {
        assertThatThrownBy(() -> jwt.authenticate(IDP.sign("alice", PERMISSIONS, -120)))
                .hasMessage("the JWT has expired");
        assertThatThrownBy(() -> jwt.authenticate(ANOTHER_IDP.sign("alice", PERMISSIONS, 60)))
                .hasMessageContaining("signature does not verify");
        JwtClaims wrongAudience = TestJwts.claims("alice", PERMISSIONS, 60);
        wrongAudience.setAudience("another-service");
        assertThatThrownBy(() -> jwt.authenticate(IDP.sign(wrongAudience))).hasMessageContaining("audience");
        JwtClaims wrongIssuer = TestJwts.claims("alice", PERMISSIONS, 60);
        wrongIssuer.setIssuer("https://elsewhere");
        assertThatThrownBy(() -> jwt.authenticate(IDP.sign(wrongIssuer))).hasMessageContaining("issuer");
        assertThatThrownBy(() -> jwt.authenticate("a.b.c")).isInstanceOf(AuthenticationException.class)
                .hasMessageNotContaining("a.b.c");
    }

    @Test
    void readsAPemPublicKey(@TempDir Path dir) throws Exception {
        Path pem = IDP.writePublicKey(dir.resolve("key.pem"));

        assertThat(JwtAuthenticator.readPublicKey(pem)).isEqualTo(IDP.publicKey());
        Path notAKey = Files.writeString(dir.resolve("x.pem"), "hello");
        assertThatThrownBy(() -> JwtAuthenticator.readPublicKey(notAKey)).hasMessageContaining("not a PEM public key");
    }
}
