package dev.vnet.network.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vnet.network.Coordinator;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.network.grpc.TestKinds;
import dev.vnet.network.store.FreshDatabase;
import dev.vnet.runtime.AgentRuntime;
import dev.vnet.security.ChannelSecurity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API on a real coordinator with security on: the gRPC port's tokens and permissions, the gRPC codes'
 * meanings as HTTP statuses with a JSON body, the OpenAPI description, and the event stream.
 */
@QuarkusTest
@TestProfile(ApiResourceTest.Secured.class)
@WithTestResource(FreshDatabase.class)
class ApiResourceTest {

    static final String OPERATOR = "operator-secret-0123456789abcdef";
    static final String VIEWER = "viewer-secret-0123456789abcdef";
    static final String ACME = "acme-secret-0123456789abcdef";
    static final String AGENT = "agent-secret-0123456789abcdef";

    /**
     * Security on, with a token that may do everything, one that may only look, one that may only look at the
     * containers labelled tenant=acme, and the agent's.
     */
    public static class Secured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("vnet.security.enabled", "true"),
                    Map.entry("vnet.security.tokens.operator.secret", OPERATOR),
                    Map.entry("vnet.security.tokens.operator.permissions", "*"),
                    Map.entry("vnet.security.tokens.viewer.secret", VIEWER),
                    Map.entry("vnet.security.tokens.viewer.permissions", "admin:read,migration:view,events:watch"),
                    Map.entry("vnet.security.tokens.acme.secret", ACME),
                    Map.entry("vnet.security.tokens.acme.permissions", "admin:read,migration:view,container:delete"),
                    Map.entry("vnet.security.tokens.acme.labels", "tenant=acme"),
                    Map.entry("vnet.security.tokens.agent.secret", AGENT),
                    Map.entry("vnet.security.tokens.agent.permissions", "agent:register"),
                    Map.entry("vnet.security.tokens.agent.agent-ids", "api-agent"),
                    Map.entry("vnet.console.overview-interval", "200ms"));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Inject
    Coordinator coordinator;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void leads() {
        await().atMost(Duration.ofSeconds(60)).until(coordinator::isReady);
    }

    @Test
    void whoAmIFollowsTheToken() throws Exception {
        JsonNode me = ok(get("/api/v1/me", VIEWER));
        assertThat(me.path("name").asText()).isEqualTo("viewer");
        assertThat(me.path("securityOn").asBoolean()).isTrue();
        assertThat(me.path("permissions").toString()).contains("admin:read").doesNotContain("migration:manage");
    }

    @Test
    void aReadOnlyTokenMayListButMayNotMigrate() throws Exception {
        assertThat(ok(get("/api/v1/agents", VIEWER)).path("agents").isArray()).isTrue();
        JsonNode page = ok(get("/api/v1/containers?type=ha&sort=-created&limit=10", VIEWER));
        assertThat(page.path("total").asInt()).isZero();
        assertThat(page.path("containers").isArray()).isTrue();

        HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/v1/containers/c-1/migrate"))
                .header("Authorization", "Bearer " + VIEWER).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"targetAgent\":\"\"}")).build());
        assertThat(refused.statusCode()).isEqualTo(403);
        JsonNode error = JSON.readTree(refused.body());
        assertThat(error.path("code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(error.path("message").asText()).isEqualTo(
                "viewer lacks permission migration:manage, which POST /api/v1/containers/{uuid}/migrate needs");
    }

    @Test
    void refusalsCarryTheGrpcCodeAndAMessage() throws Exception {
        HttpResponse<String> anonymous = get("/api/v1/agents", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).path("code").asText()).isEqualTo("UNAUTHENTICATED");

        HttpResponse<String> missing = get("/api/v1/containers/no-such-container", OPERATOR);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("message").asText())
                .isEqualTo("container no-such-container does not exist");

        HttpResponse<String> badSort = get("/api/v1/containers?sort=size", OPERATOR);
        assertThat(badSort.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badSort.body()).path("code").asText()).isEqualTo("INVALID_ARGUMENT");

        HttpResponse<String> unknownAgent = send(HttpRequest.newBuilder(uri("/api/v1/agents/nobody/drain"))
                .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"deadlineMs\":1000}")).build());
        assertThat(unknownAgent.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownAgent.body()).path("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void theLeaderAndTheOverviewComeFromThisReplica() throws Exception {
        JsonNode leader = ok(get("/api/v1/leader", VIEWER));
        assertThat(leader.path("epoch").asLong()).isEqualTo(coordinator.leaderEpoch());
        JsonNode overview = ok(get("/api/v1/overview", VIEWER));
        assertThat(overview.path("agentsByState").has("active")).isTrue();
        assertThat(overview.path("containersByState").path("running").asInt()).isZero();
        assertThat(ok(get("/api/v1/containers/c-1/history", VIEWER)).path("migrations").isArray()).isTrue();
    }

    @Test
    void aTenantScopedTokenSeesAndTouchesOnlyItsTenantsContainers() throws Exception {
        String network = "127.0.0.1:" + coordinator.grpcPort();
        AgentRuntime agent = AgentRuntime.builder().agentId("api-agent").network(network).host("127.0.0.1").port(0)
                .networkSecurity(new ChannelSecurity(null, AGENT)).kind(TestKinds.echo()).build().start();
        try (VnetClient client = VnetClient.builder().network(network).token(OPERATOR)
                .timeout(Duration.ofSeconds(10)).build().awaitConnected(Duration.ofSeconds(60))) {
            agent.registered().get(30, TimeUnit.SECONDS);
            String ours = client.get(GetOptions.kind("echo").labels("tenant=acme")).uuid();
            String theirs = client.get(GetOptions.kind("echo").labels("tenant=other")).uuid();

            JsonNode page = ok(get("/api/v1/containers?kind=echo", ACME));
            assertThat(page.path("total").asInt()).isEqualTo(1);
            assertThat(page.path("containers").get(0).path("uuid").asText()).isEqualTo(ours);
            assertThat(ok(get("/api/v1/containers/" + ours, ACME)).path("container").path("uuid").asText())
                    .isEqualTo(ours);
            assertThat(ok(get("/api/v1/containers?kind=echo", OPERATOR)).path("total").asInt()).isEqualTo(2);

            // Another tenant's container looks exactly like one that does not exist.
            HttpResponse<String> hidden = get("/api/v1/containers/" + theirs, ACME);
            assertThat(hidden.statusCode()).isEqualTo(404);
            assertThat(get("/api/v1/containers/" + theirs + "/history", ACME).statusCode()).isEqualTo(404);
            HttpResponse<String> delete = send(HttpRequest.newBuilder(uri("/api/v1/containers/" + theirs))
                    .header("Authorization", "Bearer " + ACME).DELETE().build());
            assertThat(delete.statusCode()).isEqualTo(404);
            assertThat(ok(get("/api/v1/containers/" + theirs, OPERATOR)).path("container").path("uuid").asText())
                    .as("still there").isEqualTo(theirs);
        } finally {
            agent.close(Duration.ofSeconds(1));
        }
    }

    @Test
    void openApiDescribesTheApi() throws Exception {
        HttpResponse<String> spec = get("/q/openapi?format=json", null);
        assertThat(spec.statusCode()).isEqualTo(200);
        JsonNode paths = JSON.readTree(spec.body()).path("paths");
        assertThat(paths.has("/api/v1/containers")).isTrue();
        assertThat(paths.has("/api/v1/containers/{uuid}/migrate")).isTrue();
        assertThat(paths.has("/api/v1/events")).isTrue();
    }

    @Test
    void theEventStreamSendsOverviews() throws Exception {
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/v1/events"))
                .header("Authorization", "Bearer " + VIEWER).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean named = false;
            while ((line = lines.readLine()) != null) {
                if (line.equals("event:overview") || line.equals("event: overview")) {
                    named = true;
                } else if (named && line.startsWith("data:")) {
                    assertThat(JSON.readTree(line.substring(5).trim()).has("routedRequests")).isTrue();
                    break;
                }
            }
            assertThat(named).isTrue();
        }
        assertThat(get("/api/v1/events", null).statusCode()).isEqualTo(401);
    }

    private JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return base.resolve(path);
    }
}
