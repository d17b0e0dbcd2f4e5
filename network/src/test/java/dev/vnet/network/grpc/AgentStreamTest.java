package dev.vnet.network.grpc;

import static dev.vnet.network.grpc.ShellHarness.ALIVE_MS;
import static dev.vnet.network.grpc.SessionStreamTest.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentHeartbeat;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.wire.Received;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
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
        Received<NetworkFrame> frames = new Received<>();
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
        Received<ContainerReply> replies = new Received<>();

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

    @Test
    void anAgentThatKeepsHeartbeatingStaysWellPastTheAliveTimeout() {
        ShellHarness.Agent agent = shell.agent("a1", "echo");

        passHeartbeating(3 * ALIVE_MS, agent);

        assertThat(agentIds()).containsExactly("a1");
        assertThat(agent.in().ended()).isFalse();
    }

    @Test
    void aHeartbeatIsAcknowledgedWithTheRegistrysClock() {
        ShellHarness.Agent agent = shell.agent("a1", "echo");
        shell.pass(2500);

        heartbeat(agent);

        // Not the system's clock: the registry's, the one its silence check reads.
        assertThat(agent.in().next(NetworkFrame::hasHeartbeatAck).getHeartbeatAck().getReceivedAtMs())
                .isEqualTo(shell.now());
    }

    /**
     * The documented death by silence: after the alive timeout, and not before, the agent is removed and its stream
     * closed UNAVAILABLE; its standard container is removed (its holder told), its ha container re-created on the
     * agent that still heartbeats.
     */
    @Test
    void anAgentSilentPastTheAliveTimeoutIsDeclaredGoneAndItsContainersRemovedOrMoved() {
        ShellHarness.Agent silent = shell.agent("a1", "echo");
        ShellHarness.Session app = shell.session("app");
        String standard = shell.create(app, silent, "echo", 1);
        String ha = createHa(app, silent, "echo", 2);
        ShellHarness.Agent alive = shell.agent("a2", "echo");

        passHeartbeating(ALIVE_MS, alive);
        assertThat(agentIds()).as("silent for exactly the alive timeout").containsExactlyInAnyOrder("a1", "a2");
        assertThat(silent.in().ended()).isFalse();

        passHeartbeating(shell.settings.heartbeatIntervalMs(), alive);

        Status end = silent.in().end();
        assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(end.getDescription()).contains("sent no heartbeat, nor anything else, for " + (ALIVE_MS
                + shell.settings.heartbeatIntervalMs()) + " ms");
        assertThat(agentIds()).containsExactly("a2");
        Event removed = app.in().next(frame -> frame.hasEvent()
                && frame.getEvent().getKind() == EventKind.EVENT_KIND_CONTAINER_REMOVED).getEvent();
        assertThat(removed.getContainer().getUuid()).isEqualTo(standard);
        StartContainer moved = alive.in().next(NetworkFrame::hasStart).getStart();
        assertThat(moved.getUuid()).isEqualTo(ha);
        assertThat(moved.getType()).isEqualTo(ContainerType.CONTAINER_TYPE_HA);
    }

    /** Like {@link ShellHarness#create}, for an ha container. */
    private static String createHa(ShellHarness.Session session, ShellHarness.Agent agent, String kind, long callId) {
        session.out().onNext(ClientFrame.newBuilder().setCallId(callId).setGet(GetRequest.newBuilder().setKind(kind)
                .setType(ContainerType.CONTAINER_TYPE_HA)).build());
        StartContainer start = agent.in().next(NetworkFrame::hasStart).getStart();
        agent.out().onNext(AgentFrame.newBuilder().setStarted(ContainerStarted.newBuilder().setUuid(start.getUuid())
                .setEpoch(start.getEpoch())).build());
        ServerFrame got = session.in().next(frame -> frame.getCallId() == callId);
        assertThat(got.hasGet()).as("the answer to 'get': %s", got).isTrue();
        return start.getUuid();
    }

    /**
     * {@code millis} pass on the registry's clock while {@code agents} heartbeat once per interval, as agents do.
     * Each heartbeat's acknowledgement is awaited: the stream has then stamped it on the registry's clock.
     */
    private void passHeartbeating(long millis, ShellHarness.Agent... agents) {
        long step = shell.settings.heartbeatIntervalMs();
        for (long left = millis; left > 0; left -= step) {
            for (ShellHarness.Agent agent : List.of(agents)) {
                heartbeat(agent);
                agent.in().next(NetworkFrame::hasHeartbeatAck);
            }
            shell.pass(Math.min(step, left));
        }
    }

    private List<String> agentIds() {
        return shell.registry(registry -> registry.agents()).stream().map(AgentInfo::getAgentId).toList();
    }

    private static void heartbeat(ShellHarness.Agent agent) {
        agent.out().onNext(AgentFrame.newBuilder().setHeartbeat(AgentHeartbeat.getDefaultInstance()).build());
    }
}
