package dev.vnet.network.grpc;

import static dev.vnet.network.grpc.SessionStreamTest.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.Broadcast;
import dev.vnet.proto.v1.ClientConnect;
import dev.vnet.proto.v1.ClientConnected;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.wire.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client's {@code Network.Connect} stream to a container, in-process over a real registry. */
class ConnectionStreamTest {

    private final ShellHarness shell = new ShellHarness();

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void openIsReadyOnceTheAgentAcceptsAndThenRelaysTheContainersBroadcasts() {
        ShellHarness.Agent agent = shell.agent("a1", "chat");
        ShellHarness.Session session = shell.session("app");
        String uuid = shell.create(session, agent, "chat", 1);
        Received<ConnectEvent> events = new Received<>();

        shell.client().connect(events).onNext(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder()
                .setUuid(uuid).setSessionId(session.welcome().getSessionId())).build());
        ClientConnect connect = agent.in().next(NetworkFrame::hasConnect).getConnect();
        assertThat(connect.getUuid()).isEqualTo(uuid);
        agent.out().onNext(AgentFrame.newBuilder().setConnected(ClientConnected.newBuilder().setUuid(uuid)
                .setClientId(connect.getClientId())).build());

        ConnectEvent ready = events.next();
        assertThat(ready.hasReady()).as("the first event: %s", ready).isTrue();
        assertThat(ready.getReady().getClientId()).isEqualTo(connect.getClientId());
        assertThat(ready.getReady().getContainer().getUuid()).isEqualTo(uuid);

        agent.out().onNext(AgentFrame.newBuilder().setBroadcast(Broadcast.newBuilder().setUuid(uuid)
                .setClientId(connect.getClientId()).setPayload(payload("hello, client"))).build());

        ConnectEvent broadcast = events.next(ConnectEvent::hasBroadcast);
        assertThat(broadcast.getBroadcast().getData().toStringUtf8()).isEqualTo("hello, client");
    }
}
