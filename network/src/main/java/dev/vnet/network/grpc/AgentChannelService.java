package dev.vnet.network.grpc;

import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.QueueBudget;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.StreamObserver;

/** Accepts agents' streams ({@code vnet.v1.AgentChannel}); each becomes an {@link AgentStream}. */
public final class AgentChannelService extends AgentChannelGrpc.AgentChannelImplBase {

    private final RegistryLoop loop;
    private final RouteTable routes;
    private final Validation validation;
    private final AgentStreams streams;
    private final QueueBudget budget;
    private final OpenStreams open;
    private final SessionTicketIssuer tickets;

    AgentChannelService(RegistryLoop loop, RouteTable routes, Validation validation, AgentStreams streams,
            QueueBudget budget, OpenStreams open, SessionTicketIssuer tickets) {
        this.open = open;
        this.tickets = tickets;
        this.loop = loop;
        this.routes = routes;
        this.validation = validation;
        this.streams = streams;
        this.budget = budget;
    }

    @Override
    public StreamObserver<AgentFrame> connect(StreamObserver<NetworkFrame> responses) {
        OutboundStream<NetworkFrame> out = new OutboundStream<>((CallStreamObserver<NetworkFrame>) responses,
                budget);
        AgentStream agent = new AgentStream(loop, routes, validation, streams, out, AuthInterceptor.caller(),
                tickets);
        open.track(agent, out);
        return agent;
    }
}
