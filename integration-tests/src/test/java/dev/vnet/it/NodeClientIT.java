package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vnet.client.Json;
import dev.vnet.it.support.FreePorts;
import dev.vnet.it.support.NodeExample;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.KeepAliveRequest;
import dev.vnet.proto.v1.ListContainersRequest;
import dev.vnet.proto.v1.NetworkGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Node.js example (docs/examples/node) against a real network and agent: proof that the .proto files alone make
 * a working client in another language, and that the example keeps working as the contract evolves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeClientIT {

    private static final Duration NPM_CI = Duration.ofMinutes(3);
    private static final Duration CLIENT_RUN = Duration.ofSeconds(60);
    /**
     * Makes the client send its bearer-token header, so that code path runs too. The network here has
     * authentication off and must ignore the header; with authentication on, this would be a configured token.
     */
    private static final Map<String, String> TOKEN = Map.of("VNET_TOKEN", "node-client-it");

    private final NodeExample node = NodeExample.inRepository();
    private final VnetProcesses processes = new VnetProcesses();
    private VnetProcess network;
    private ManagedChannel channel;
    private NetworkGrpc.NetworkBlockingStub stub;

    @BeforeAll
    void start() {
        // First, so that a machine without Node.js fails at once with what to install, before any process starts.
        node.requireNode();
        node.installIfStale(NPM_CI);
        network = processes.network("network", Map.of()).awaitReady(READY);
        processes.agent("agent-1", network.endpoint(), Map.of()).awaitReady(READY);
        channel = ManagedChannelBuilder.forTarget(network.endpoint()).usePlaintext().build();
        stub = NetworkGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        processes.close();
    }

    @Test
    void theNodeClientLivesAWholeSessionThroughTheProtoContract() {
        String text = "node says " + UUID.randomUUID();

        NodeExample.Result run = node.runClient(CLIENT_RUN, TOKEN, network.endpoint(), text);

        assertThat(run.exitCode()).as("exit code of client.js; it printed:\n%s", run.transcript()).isZero();
        Map<String, Map<String, Object>> steps = steps(run);
        assertThat(steps.keySet()).as(run.transcript()).containsExactly("open_session", "keep_alive", "get", "request",
                "whoami", "watch_events", "release", "close_session", "done");

        String session = (String) steps.get("open_session").get("session_id");
        Map<String, Object> get = steps.get("get");
        String uuid = (String) get.get("uuid");
        assertThat(get).containsEntry("kind", "echo").containsEntry("agent_id", "agent-1")
                .containsEntry("created", true).containsEntry("references", 1);

        Map<String, Object> request = steps.get("request");
        Map<?, ?> sent = (Map<?, ?>) request.get("sent");
        assertThat(sent.get("text")).isEqualTo(text);
        assertThat((String) sent.get("nonce")).isNotBlank();
        assertThat(request.get("received")).as("the echo container's reply").isEqualTo(sent);
        assertThat(request).containsEntry("content_type", "application/json").containsEntry("agent_id", "agent-1");

        assertThat(steps.get("whoami")).as("the container saw the unary session as its client")
                .containsEntry("uuid", uuid).containsEntry("client", session).containsEntry("agent", "agent-1");

        assertThat(steps.get("watch_events")).containsEntry("uuid", uuid)
                .containsEntry("kind", "EVENT_KIND_CONTAINER_ADDED");
        assertThat(steps.get("release")).containsEntry("uuid", uuid).containsEntry("references", 0);
        assertThat(steps.get("close_session")).containsEntry("session_id", session).containsEntry("released", 0);
        assertThat(steps.get("done")).containsEntry("ok", true);

        // What the network holds afterwards: the container outlives the client (until its idle timeout) but nobody
        // references it, and the session is gone.
        List<ContainerInfo> left = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .listContainers(ListContainersRequest.newBuilder().setKind("echo").build()).getContainersList();
        assertThat(left).filteredOn(c -> c.getUuid().equals(uuid)).allSatisfy(c -> assertThat(c.getReferences())
                .as("references to %s after the client released it", uuid).isZero());
        assertThatThrownBy(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .keepAlive(KeepAliveRequest.newBuilder().setSessionId(session).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void anUnreachableNetworkEndsTheClientWithTheGrpcStatus() {
        String nobody = "127.0.0.1:" + FreePorts.next();

        NodeExample.Result run = node.runClient(CLIENT_RUN, TOKEN, nobody);

        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
        Map<String, Object> last = lastLine(run);
        assertThat(last).as(run.transcript()).containsEntry("step", "open_session").containsEntry("ok", false)
                .containsEntry("status", "UNAVAILABLE").containsEntry("code", Status.Code.UNAVAILABLE.value());
        assertThat(run.stderr()).contains("open_session failed: UNAVAILABLE (14)");
    }

    /** The client's JSON lines by step, in the order printed; a step printed twice fails the test. */
    private static Map<String, Map<String, Object>> steps(NodeExample.Result run) {
        Map<String, Map<String, Object>> steps = new LinkedHashMap<>();
        for (String line : run.stdout()) {
            Map<String, Object> fields = parse(line, run);
            assertThat(steps.put((String) fields.get("step"), fields)).as("step printed twice: %s", line).isNull();
        }
        return steps;
    }

    private static Map<String, Object> lastLine(NodeExample.Result run) {
        assertThat(run.stdout()).as(run.transcript()).isNotEmpty();
        return parse(run.stdout().get(run.stdout().size() - 1), run);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String line, NodeExample.Result run) {
        try {
            return Json.mapper().readValue(line, Map.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("client.js printed a line that is not JSON: " + line + "\n" + run.transcript(), e);
        }
    }
}
