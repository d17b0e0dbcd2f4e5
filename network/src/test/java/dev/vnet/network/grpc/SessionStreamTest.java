package dev.vnet.network.grpc;

import static dev.vnet.network.grpc.ShellHarness.ALIVE_MS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Ping;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.SessionHello;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client's {@code Session} stream, in-process over a real registry. */
class SessionStreamTest {

    private final ShellHarness shell = new ShellHarness();

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void helloIsWelcomedWithTheSessionAndItsTimings() {
        ShellHarness.Session session = shell.session("app");

        assertThat(session.welcome().getSessionId()).isNotEmpty();
        assertThat(session.welcome().getAliveTimeoutMs()).isEqualTo(ALIVE_MS);
        assertThat(session.welcome().getPingIntervalMs()).isEqualTo(shell.settings.heartbeatIntervalMs());
    }

    @Test
    void aSecondHelloEndsTheStream() {
        ShellHarness.Session session = shell.session("app");

        session.out().onNext(ClientFrame.newBuilder().setHello(SessionHello.newBuilder().setClientName("app"))
                .build());

        Status end = session.in().end();
        assertThat(end.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(end.getDescription()).contains("'hello' was sent twice");
    }

    @Test
    void getCreatesTheContainerOnAnAgentOfItsKind() {
        ShellHarness.Session session = shell.session("app");
        ShellHarness.Agent agent = shell.agent("a1", "echo");

        assertThat(shell.create(session, agent, "echo", 7)).isNotEmpty();
    }

    @Test
    void aRequestIsRoutedToTheContainersAgentAndItsReplyAnswersTheCall() {
        ShellHarness.Session session = shell.session("app");
        ShellHarness.Agent agent = shell.agent("a1", "echo");
        String uuid = shell.create(session, agent, "echo", 1);

        session.out().onNext(ClientFrame.newBuilder().setCallId(2).setRequest(ContainerRequest.newBuilder()
                .setUuid(uuid).setOperation("upper").setPayload(payload("hi"))).build());
        RouteRequest routed = agent.in().next(NetworkFrame::hasRequest).getRequest();
        assertThat(routed.getUuid()).isEqualTo(uuid);
        assertThat(routed.getOperation()).isEqualTo("upper");
        assertThat(routed.getPayload().getData().toStringUtf8()).isEqualTo("hi");
        agent.out().onNext(AgentFrame.newBuilder().setReply(RouteReply.newBuilder()
                .setRouteId(routed.getRouteId()).setPayload(payload("HI"))).build());

        ServerFrame answer = session.in().next(frame -> frame.getCallId() == 2);
        assertThat(answer.hasReply()).as("the answer: %s", answer).isTrue();
        assertThat(answer.getReply().getPayload().getData().toStringUtf8()).isEqualTo("HI");
        assertThat(answer.getReply().getAgentId()).isEqualTo("a1");
    }

    @Test
    void aPingIsAnsweredWithAPong() {
        ShellHarness.Session session = shell.session("app");

        session.out().onNext(ClientFrame.newBuilder().setPing(Ping.newBuilder().setSentAtMs(42)).build());

        ServerFrame pong = session.in().next(ServerFrame::hasPong);
        assertThat(pong.getPong().getSentAtMs()).isEqualTo(42);
    }

    @Test
    void pingsKeepASessionAliveAndOneSilentForItsAliveTimeoutIsEnded() {
        ShellHarness.Session session = shell.session("app");
        shell.pass(ALIVE_MS - 1);
        session.out().onNext(ClientFrame.newBuilder().setPing(Ping.newBuilder().setSentAtMs(1)).build());
        session.in().next(ServerFrame::hasPong);
        shell.pass(2);
        assertThat(session.in().ended()).as("a session that pinged within its alive timeout ended").isFalse();

        shell.pass(ALIVE_MS);

        Status end = session.in().end();
        assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(end.getDescription()).startsWith("session ended: no sign of life for");
    }

    static Payload payload(String text) {
        return Payload.newBuilder().setData(ByteString.copyFromUtf8(text)).build();
    }
}
