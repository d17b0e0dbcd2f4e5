package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.client.CallOptions;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.client.VnetException;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.CloseSessionRequest;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.OpenSessionRequest;
import dev.vnet.proto.v1.Payload;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Quotas per principal, with authentication on: each refuses past its limit with RESOURCE_EXHAUSTED naming the
 * limit and its setting, while another principal is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuotaIT {


    private final VnetProcesses processes = new VnetProcesses();
    private VnetProcess network;
    private VnetProcess agent;
    private Endpoint endpoint;

    @BeforeAll
    void start() {
        Map<String, String> security = new HashMap<>();
        security.put("vnet.security.enabled", "true");
        for (String name : List.of("alice", "bob", "carol")) {
            security.put("vnet.security.tokens." + name + ".secret", secret(name));
            security.put("vnet.security.tokens." + name + ".permissions", "container:get,container:request");
        }
        security.put("vnet.security.tokens.agents.secret", secret("agents"));
        security.put("vnet.security.tokens.agents.permissions", "agent:register");
        security.put("vnet.security.tokens.agents.agent-ids", "quota-*");
        Map<String, String> settings = new HashMap<>(security);
        settings.put("vnet.network.limits.max-sessions-per-principal", "3");
        settings.put("vnet.network.limits.max-containers-per-principal", "3");
        settings.put("vnet.network.limits.max-in-flight-per-principal", "2");
        // The agent is paused to hold calls in flight: it must not be declared dead meanwhile.
        settings.put("vnet.network.alive-timeout", "120s");
        network = processes.network("quota-network", settings).awaitReady(READY);
        endpoint = Endpoint.parse(network.endpoint());
        Map<String, String> agentSettings = new HashMap<>(security);
        agentSettings.put("vnet.agent.token", secret("agents"));
        agent = processes.agent("quota-agent", network.endpoint(), agentSettings).awaitReady(READY);
    }

    @AfterAll
    void stop() {
        processes.close();
    }

    @Test
    void openSessionsPerPrincipal() {
        List<String> opened = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            opened.add(unary("alice", channel -> NetworkGrpc.newBlockingStub(channel).openSession(
                    OpenSessionRequest.getDefaultInstance()).getSessionId()));
        }
        assertThat(status("alice", channel -> NetworkGrpc.newBlockingStub(channel).openSession(
                OpenSessionRequest.getDefaultInstance())))
                .startsWith("RESOURCE_EXHAUSTED alice has 3 sessions open")
                .contains("vnet.network.limits.max-sessions-per-principal");
        assertThat(status("bob", channel -> NetworkGrpc.newBlockingStub(channel).openSession(
                OpenSessionRequest.getDefaultInstance()))).isEqualTo("OK");

        for (String id : opened) {
            unary("alice", channel -> NetworkGrpc.newBlockingStub(channel).closeSession(
                    CloseSessionRequest.newBuilder().setSessionId(id).build()));
        }
        assertThat(status("alice", channel -> NetworkGrpc.newBlockingStub(channel).openSession(
                OpenSessionRequest.getDefaultInstance()))).isEqualTo("OK");
    }

    @Test
    void containersCreatedPerPrincipalSessionlessGetsIncluded() {
        GetRequest anyEcho = GetRequest.newBuilder().setKind("echo").build();
        String first = unary("carol", channel -> NetworkGrpc.newBlockingStub(channel).get(anyEcho))
                .getContainer().getUuid();
        for (int i = 1; i < 3; i++) {
            unary("carol", channel -> NetworkGrpc.newBlockingStub(channel).get(anyEcho));
        }
        assertThat(status("carol", channel -> NetworkGrpc.newBlockingStub(channel).get(anyEcho)))
                .startsWith("RESOURCE_EXHAUSTED carol has created 3 containers")
                .contains("vnet.network.limits.max-containers-per-principal");
        // A container that exists is still got; another principal still creates.
        assertThat(status("carol", channel -> NetworkGrpc.newBlockingStub(channel).get(anyEcho.toBuilder()
                .setUuid(first).build()))).isEqualTo("OK");
        assertThat(status("bob", channel -> NetworkGrpc.newBlockingStub(channel).get(anyEcho))).isEqualTo("OK");
    }

    @Test
    void callsInFlightPerPrincipal() throws Exception {
        try (VnetClient alice = client("alice"); VnetClient bob = client("bob")) {
            alice.get(GetOptions.kind("echo").uuid("held-calls"));
            bob.get(GetOptions.kind("echo").uuid("held-calls"));
            agent.signal("STOP");
            List<CompletableFuture<Payload>> held = new ArrayList<>();
            try {
                CallOptions patient = CallOptions.timeout(Duration.ofSeconds(60));
                held.add(alice.requestAsync("held-calls", "say", Map.of("n", 1), patient));
                held.add(alice.requestAsync("held-calls", "say", Map.of("n", 2), patient));
                assertThatThrownBy(() -> alice.request("held-calls", "say", Map.of("n", 3), Map.class))
                        .isInstanceOfSatisfying(VnetException.class, e -> {
                            assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                            assertThat(e.getMessage()).contains("vnet.network.limits.max-in-flight-per-principal");
                        });
                held.add(bob.requestAsync("held-calls", "say", Map.of("n", 4), patient));
            } finally {
                agent.signal("CONT");
            }
            for (CompletableFuture<Payload> call : held) {
                assertThat(call.get(60, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
            }
        }
    }

    private VnetClient client(String token) {
        return VnetClient.builder().network(network.endpoint()).token(secret(token)).timeout(Duration.ofSeconds(20))
                .build().awaitConnected(Duration.ofSeconds(20));
    }

    private static String secret(String name) {
        return "secret-of-" + name + "-0123456789abcdef";
    }

    private <T> T unary(String token, Function<ManagedChannel, T> call) {
        ManagedChannel channel = Grpc.channel(endpoint, 1 << 20, new ChannelSecurity(null, secret(token)));
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    private String status(String token, Function<ManagedChannel, ?> call) {
        try {
            unary(token, call);
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + " " + e.getStatus().getDescription();
        }
    }
}
