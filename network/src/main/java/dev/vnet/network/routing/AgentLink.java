package dev.vnet.network.routing;

import dev.vnet.proto.v1.ClientConnect;
import dev.vnet.proto.v1.ClientDisconnect;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.TerminateContainer;

/**
 * What the coordinator can do to one connected agent: the registry's commands, and the router's forwarding.
 * Implemented over the agent's stream; every method returns at once, without waiting for the agent.
 */
public interface AgentLink {

    String agentId();

    String instanceId();

    /**
     * When the last frame of any kind (heartbeat, reply, broadcast...) came from the agent, on the registry's clock;
     * {@code Long.MIN_VALUE} before the first. Every frame is a sign of life: a heartbeat read late, behind a burst of
     * the agent's broadcasts, must not make a working agent look silent.
     */
    long lastFrameAtMs();

    /** Answers the registration. Always the first frame the agent gets on this link. */
    void registered(RegisterAck ack);

    void start(StartContainer command);

    void terminate(TerminateContainer command);

    void connectClient(ClientConnect command);

    void disconnectClient(ClientDisconnect command);

    /**
     * Forwards a routed request; the agent's answer goes to {@code sink}, or a failure when the agent goes away or
     * the deadline passes.
     *
     * @param request the request; the link sets its route id and timeout
     * @return SENT, or why not (then {@code sink} was not used)
     */
    Forwarded forward(RouteRequest.Builder request, long epoch, long deadlineNanos, ReplySink sink);

    /** Forwards a one-way message. */
    Forwarded send(RouteSend message);

    /** Ends the link: the agent is considered dead or replaced. */
    void close(String reason);
}
