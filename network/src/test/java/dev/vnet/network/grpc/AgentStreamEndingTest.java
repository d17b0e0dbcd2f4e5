package dev.vnet.network.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.events.EventHub;
import dev.vnet.network.registry.ManualClock;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.registry.SessionOwners;
import dev.vnet.network.registry.StoreSink;
import dev.vnet.network.routing.Forwarded;
import dev.vnet.network.routing.ReplySink;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;
import dev.vnet.security.Principal;
import dev.vnet.wire.Names;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.QueueBudget;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's stream while it is being ended: the registry thread fails the stream (e.g. to send the agent to a new
 * leader) and only then marks it ended, so a call routed in between finds a closed stream that is not marked yet.
 * It must be told the agent is going away (the router then waits for the agent's next route), not that the agent
 * is slow (which fails the call with RESOURCE_EXHAUSTED).
 */
class AgentStreamEndingTest {

    private final RouteTable routes = new RouteTable();
    private final RegistryLoop loop = new RegistryLoop(new Registry(RegistrySettings.builder().build(),
            new ManualClock(), new EventHub(), routes, StoreSink.NONE, new SessionOwners()));
    private final Transport transport = new Transport();
    private final AgentStream stream = new AgentStream(loop, routes, new Validation(1 << 20, new Names(64, 16, 64)),
            new AgentStreams(), new OutboundStream<>(transport, QueueBudget.writerDecides(1024, 1 << 20)),
            new Principal("agent", Set.of()), new SessionTicketIssuer());

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void aCallRoutedWhileTheStreamIsBeingEndedWaitsForTheAgentsNextRoute() {
        List<Forwarded> outcomes = new ArrayList<>();
        transport.whenFailed = () -> outcomes.add(stream.forward(RouteRequest.newBuilder().setUuid("c1"), 1,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(5), new IgnoredReplies()));

        stream.end(Status.UNAVAILABLE.withDescription("go to the new leader"), new Metadata());

        assertThat(outcomes).containsExactly(Forwarded.GONE);
    }

    @Test
    void aMessageSentWhileTheStreamIsBeingEndedIsToldTheAgentIsGone() {
        List<Forwarded> outcomes = new ArrayList<>();
        transport.whenFailed = () -> outcomes.add(stream.send(RouteSend.newBuilder().setUuid("c1").build()));

        stream.close("the registry let it go");

        assertThat(outcomes).containsExactly(Forwarded.GONE);
    }

    /** A transport always ready, that runs {@link #whenFailed} as the stream's failure reaches it. */
    private static final class Transport extends CallStreamObserver<NetworkFrame> {
        Runnable whenFailed = () -> { };

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) { }

        @Override
        public void disableAutoInboundFlowControl() { }

        @Override
        public void request(int count) { }

        @Override
        public void setMessageCompression(boolean enable) { }

        @Override
        public void onNext(NetworkFrame frame) { }

        @Override
        public void onError(Throwable failure) {
            whenFailed.run();
        }

        @Override
        public void onCompleted() { }
    }

    private static final class IgnoredReplies implements ReplySink {
        @Override
        public void reply(ContainerReply reply) { }

        @Override
        public void fail(Error error) { }
    }
}
