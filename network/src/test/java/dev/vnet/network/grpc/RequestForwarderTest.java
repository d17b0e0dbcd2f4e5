package dev.vnet.network.grpc;

import static dev.vnet.network.grpc.SessionStreamTest.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.wire.Received;
import io.grpc.Status;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests forwarded to a container's agent and answered, in-process over a real registry. */
class RequestForwarderTest {

    private final ShellHarness shell = new ShellHarness();
    private ShellHarness.Agent agent;
    private String uuid;

    @BeforeEach
    void container() {
        agent = shell.agent("a1", "echo");
        uuid = shell.create(shell.session("app"), agent, "echo", 1);
    }

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void eachReplyIsRoutedBackToItsOwnCallInWhateverOrderTheyCome() {
        Received<ContainerReply> first = request("one");
        Received<ContainerReply> second = request("two");
        RouteRequest routedFirst = agent.in().next(NetworkFrame::hasRequest).getRequest();
        RouteRequest routedSecond = agent.in().next(NetworkFrame::hasRequest).getRequest();
        assertThat(routedFirst.getRouteId()).isNotEqualTo(routedSecond.getRouteId());

        reply(routedSecond);
        reply(routedFirst);

        assertThat(first.next().getPayload().getData().toStringUtf8()).isEqualTo("ONE");
        assertThat(second.next().getPayload().getData().toStringUtf8()).isEqualTo("TWO");
    }

    @Test
    void theAgentsStreamEndingFailsTheCallInFlightAsUnavailable() {
        Received<ContainerReply> call = request("one");
        agent.in().next(NetworkFrame::hasRequest);

        agent.out().onCompleted();

        Status failed = call.end();
        assertThat(failed.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failed.getDescription()).contains("agent a1 went away before answering");
    }

    private Received<ContainerReply> request(String text) {
        Received<ContainerReply> replies = new Received<>();
        shell.client().request(ContainerRequest.newBuilder().setUuid(uuid).setOperation("upper")
                .setPayload(payload(text)).build(), replies);
        return replies;
    }

    private void reply(RouteRequest routed) {
        String upper = routed.getPayload().getData().toStringUtf8().toUpperCase(Locale.ROOT);
        agent.out().onNext(AgentFrame.newBuilder().setReply(RouteReply.newBuilder().setRouteId(routed.getRouteId())
                .setPayload(payload(upper))).build());
    }
}
