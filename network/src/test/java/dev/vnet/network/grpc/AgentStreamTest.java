package dev.vnet.network.grpc;

import static dev.vnet.network.grpc.ShellHarness.ALIVE_MS;
import static dev.vnet.network.grpc.SessionStreamTest.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentHeartbeat;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RouteRequest;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent's {@code AgentChannel.Connect} stream, in-process over a real registry. */
class AgentStreamTest {

    private final ShellHarness shell = new ShellHarness();

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void registerIsAcknowledgedWithTheTimingsTheAgentMustKeep() {
        RegisterAck ack = shell.agent("a1", "echo").registered().getRegistered();

        assertThat(ack.getHeartbeatIntervalMs()).isEqualTo(shell.settings.heartbeatIntervalMs());
        assertThat(ack.getAliveTimeoutMs()).isEqualTo(ALIVE_MS);
        assertThat(ack.getSessionTicketKey()).as("the key to check session tickets with").isNotEmpty();
    }

    @Test
    void aFirstFrameOtherThanRegisterIsRefused() {
        ShellHarness.Received<NetworkFrame> frames = new ShellHarness.Received<>();
        shell.agentChannel().connect(frames).onNext(AgentFrame.newBuilder()
                .setHeartbeat(AgentHeartbeat.getDefaultInstance()).build());

        Status end = frames.end();
        assertThat(end.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(end.getDescription()).contains("must be 'register'");
    }

    @Test
    void aSecondRegisterOnOneStreamIsRefused() {
        ShellHarness.Agent agent = shell.agent("a1", "echo");

        agent.out().onNext(AgentFrame.newBuilder().setRegister(AgentRegister.newBuilder().setAgentId("a2")
                .setInstanceId("a2-1").setEndpoint("127.0.0.1:2")).build());

        Status end = agent.in().end();
        assertThat(end.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(end.getDescription()).contains("already registered as a1");
    }

    @Test
    void aHeartbeatIsAcknowledgedAndItsLoadReachesTheRegistry() {
        ShellHarness.Agent agent = shell.agent("a1", "echo");
        shell.pass(500);
        Load load = Load.newBuilder().setCpu(0.5).setMemoryBytes(1 << 20).setContainers(2).build();

        agent.out().onNext(AgentFrame.newBuilder().setHeartbeat(AgentHeartbeat.newBuilder().setLoad(load)).build());

        assertThat(agent.in().next().hasHeartbeatAck()).isTrue();
        // The acknowledgement goes out before the heartbeat reaches the registry.
        await().atMost(Duration.ofSeconds(ShellHarness.WAIT_SECONDS)).untilAsserted(() -> {
            AgentInfo info = shell.registry(registry -> registry.agents()).get(0);
            assertThat(info.getLoad()).isEqualTo(load);
            assertThat(info.getLastHeartbeatMs()).isEqualTo(shell.now());
        });
    }

    @Test
    void aRoutedRequestReachesTheAgentAndItsReplyTheClient() {
        ShellHarness.Agent agent = shell.agent("a1", "echo");
        String uuid = shell.create(shell.session("app"), agent, "echo", 1);
        ShellHarness.Received<ContainerReply> replies = new ShellHarness.Received<>();

        shell.client().request(ContainerRequest.newBuilder().setUuid(uuid).setOperation("upper")
                .setPayload(payload("hi")).build(), replies);
        RouteRequest routed = agent.in().next(NetworkFrame::hasRequest).getRequest();
        assertThat(routed.getUuid()).isEqualTo(uuid);
        assertThat(routed.getPayload().getData().toStringUtf8()).isEqualTo("hi");
        agent.out().onNext(AgentFrame.newBuilder().setReply(RouteReply.newBuilder().setRouteId(routed.getRouteId())
                .setPayload(payload("HI"))).build());

        assertThat(replies.next().getPayload().getData().toStringUtf8()).isEqualTo("HI");
        assertThat(replies.end().isOk()).isTrue();
    }
}
