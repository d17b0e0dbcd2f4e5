package dev.vnet.network.registry;

import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.Forwarded;
import dev.vnet.network.routing.ReplySink;
import dev.vnet.proto.v1.ClientConnect;
import dev.vnet.proto.v1.ClientDisconnect;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.TerminateContainer;
import java.util.ArrayList;
import java.util.List;

/** An agent link that records what the registry tells the agent. */
final class FakeAgentLink implements AgentLink {

    final String agentId;
    final String instanceId;
    final List<RegisterAck> acks = new ArrayList<>();
    final List<StartContainer> starts = new ArrayList<>();
    final List<TerminateContainer> terminates = new ArrayList<>();
    final List<ClientConnect> connects = new ArrayList<>();
    final List<ClientDisconnect> disconnects = new ArrayList<>();
    /** Everything in the order it was sent, for tests of ordering. */
    final List<Object> sent = new ArrayList<>();
    String closedBecause;
    /** When the fake agent last sent a frame of any kind; the test moves it. */
    long lastFrameAtMs = Long.MIN_VALUE;

    FakeAgentLink(String agentId, String instanceId) {
        this.agentId = agentId;
        this.instanceId = instanceId;
    }

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public long lastFrameAtMs() {
        return lastFrameAtMs;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public void registered(RegisterAck ack) {
        acks.add(ack);
        sent.add(ack);
    }

    @Override
    public void start(StartContainer command) {
        starts.add(command);
        sent.add(command);
    }

    @Override
    public void terminate(TerminateContainer command) {
        terminates.add(command);
        sent.add(command);
    }

    @Override
    public void connectClient(ClientConnect command) {
        connects.add(command);
        sent.add(command);
    }

    @Override
    public void disconnectClient(ClientDisconnect command) {
        disconnects.add(command);
        sent.add(command);
    }

    @Override
    public Forwarded forward(RouteRequest.Builder request, long epoch, long deadlineNanos, ReplySink sink) {
        throw new AssertionError("the registry never forwards requests");
    }

    @Override
    public Forwarded send(RouteSend message) {
        throw new AssertionError("the registry never forwards sends");
    }

    @Override
    public void close(String reason) {
        if (closedBecause == null) {
            closedBecause = reason;
        }
    }

    StartContainer lastStart() {
        return starts.get(starts.size() - 1);
    }

    List<String> terminatedUuids() {
        return terminates.stream().map(TerminateContainer::getUuid).toList();
    }
}
