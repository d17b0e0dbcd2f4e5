package dev.vnet.network.grpc;

import dev.vnet.network.access.Failures;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.ConnectionSink;
import dev.vnet.network.routing.Forwarded;
import dev.vnet.network.routing.ReplySink;
import dev.vnet.network.routing.Route;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.Broadcast;
import dev.vnet.proto.v1.ClientConnect;
import dev.vnet.proto.v1.ClientDisconnect;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.HeartbeatAck;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.TerminateContainer;
import dev.vnet.security.DenialLog;
import dev.vnet.security.JwtAuthenticator;
import dev.vnet.security.Principal;
import dev.vnet.wire.Deadlines;
import dev.vnet.wire.Errors;
import dev.vnet.wire.FrameBatches;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.PendingCalls;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One agent's {@code AgentChannel} stream, seen from the coordinator. It is the registry's {@link AgentLink} to
 * that agent, and it carries the hot path without the registry: routed requests go out with an id, and the
 * agent's replies come back to whoever waits for that id.
 */
final class AgentStream implements AgentLink, StreamObserver<AgentFrame>, OpenStreams.Endable {

    private static final System.Logger LOG = System.getLogger(AgentStream.class.getName());

    private record PendingRoute(ReplySink sink, long epoch) {}

    private final RegistryLoop loop;
    private final RouteTable routes;
    private final Validation validation;
    private final AgentStreams streams;
    private final OutboundStream<NetworkFrame> out;
    /** Who opened the stream: it may serve only the agent ids its credential names. */
    private final Principal principal;
    private final SessionTicketIssuer tickets;
    private final PendingCalls<PendingRoute> pending = new PendingCalls<>();
    private final AtomicLong routeIds = new AtomicLong();
    private volatile String agentId = "";
    private volatile String instanceId = "";
    private volatile boolean registering;
    private volatile boolean ended;
    /** On the registry's clock: its silence check compares this with its own time. */
    private volatile long lastFrameAtMs = Long.MIN_VALUE;

    AgentStream(RegistryLoop loop, RouteTable routes, Validation validation, AgentStreams streams,
            OutboundStream<NetworkFrame> out, Principal principal, SessionTicketIssuer tickets) {
        this.principal = principal;
        this.tickets = tickets;
        this.loop = loop;
        this.routes = routes;
        this.validation = validation;
        this.streams = streams;
        this.out = out;
    }

    // ---- frames from the agent ----

    @Override
    public void onNext(AgentFrame frame) {
        long now = loop.clock().millis();
        lastFrameAtMs = now;
        if (!registering && frame.getFrameCase() != AgentFrame.FrameCase.REGISTER) {
            refuse(Status.INVALID_ARGUMENT.withDescription("the first frame on AgentChannel must be 'register'"));
            return;
        }
        if (frame.hasBatch()) {
            for (AgentFrame inner : frame.getBatch().getFramesList()) {
                handle(inner, now);
            }
        } else {
            handle(frame, now);
        }
    }

    /** One frame, alone or out of a batch; {@code now} is when the frame that carried it came. */
    private void handle(AgentFrame frame, long now) {
        switch (frame.getFrameCase()) {
            case REPLY -> reply(frame.getReply());
            case BROADCAST -> broadcast(frame.getBroadcast());
            case HEARTBEAT -> {
                String problem = validation.load(frame.getHeartbeat().getLoad());
                if (problem != null) {
                    refuse(Failures.invalid("heartbeat refused: " + problem));
                    return;
                }
                out.sendUrgent(NetworkFrame.newBuilder().setHeartbeatAck(HeartbeatAck.newBuilder()
                        .setReceivedAtMs(now)).build());
                loop.run(registry -> registry.heartbeat(this, frame.getHeartbeat().getLoad()));
            }
            case DRAIN -> loop.run(registry -> registry.drainRequested(this, frame.getDrain().getDeadlineMs()));
            case STARTED -> loop.run(registry -> registry.containerStarted(this, frame.getStarted()));
            case STOPPED -> loop.run(registry -> registry.containerStopped(this, frame.getStopped()));
            case CONNECTED -> loop.run(registry -> registry.clientConnected(this, frame.getConnected()));
            case REGISTER -> register(frame.getRegister());
            case FRAME_NOT_SET, BATCH -> LOG.log(Level.DEBUG, () -> "empty frame or batch inside a batch from agent "
                    + agentId + " ignored");
        }
    }

    private void register(AgentRegister registration) {
        if (registering) {
            refuse(Status.INVALID_ARGUMENT.withDescription("this stream is already registered as " + agentId));
            return;
        }
        String problem = validation.register(registration);
        if (problem != null) {
            refuse(Failures.invalid("registration refused: " + problem));
            return;
        }
        if (!principal.mayServe(registration.getAgentId())) {
            String why = "may not serve agent id " + registration.getAgentId() + " (it may serve: "
                    + principal.agentIds() + ")";
            DenialLog.shared().denied(principal.name(), "registration as agent " + registration.getAgentId(),
                    "its agent stream", why);
            refuse(Status.PERMISSION_DENIED.withDescription(principal.name() + " " + why + "; a token names the agent "
                    + "ids it may serve in vnet.security.tokens.<name>.agent-ids, a JWT in its claim "
                    + JwtAuthenticator.AGENT_IDS_CLAIM));
            return;
        }
        agentId = registration.getAgentId();
        instanceId = registration.getInstanceId();
        if (registration.getAcceptsBatches()) {
            out.batchWith(FrameBatches::ofNetworkFrames);
        }
        registering = true;
        streams.add(this);
        loop.call(registry -> {
            registry.registerAgent(this, registration);
            return null;
        }).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, () -> "registration of agent " + agentId + " refused: " + failure.getMessage());
                refuse(Failures.toStatus(failure));
            }
        });
    }

    private void reply(RouteReply reply) {
        PendingRoute route = pending.take(reply.getRouteId());
        if (route == null) {
            return;
        }
        if (reply.hasError()) {
            route.sink().fail(Errors.cut(reply.getError()));
        } else {
            route.sink().reply(ContainerReply.newBuilder().setPayload(reply.getPayload()).setAgentId(agentId)
                    .setEpoch(route.epoch()).build());
        }
    }

    private void broadcast(Broadcast broadcast) {
        Route route = routes.get(broadcast.getUuid());
        if (route != null && route.agent() == this) {
            ConnectionSink subscriber = route.subscriber(broadcast.getClientId());
            if (subscriber != null) {
                subscriber.broadcast(broadcast.getPayload());
            }
        }
    }

    @Override
    public void onError(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        ended("broke its stream (" + status.getCode() + (status.getDescription() == null ? ""
                : ": " + status.getDescription()) + ")");
    }

    @Override
    public void onCompleted() {
        out.complete();
        ended("closed its stream");
    }

    private void refuse(Status status) {
        out.fail(status);
        ended("was refused: " + status.getDescription());
    }

    /** The stream is over, whoever ended it: fail what waits on it and tell the registry the agent is gone. */
    private void ended(String reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        streams.remove(this);
        out.abandon();
        pending.drain(route -> route.sink().fail(Errors.error(Status.Code.UNAVAILABLE,
                "agent " + agentId + " went away before answering: it " + reason)));
        if (registering) {
            loop.run(registry -> registry.agentDisconnected(this, reason));
        }
    }

    /** Fails the routed calls whose deadline passed; run periodically. */
    void sweep(long nowNanos) {
        pending.expire(nowNanos, route -> route.sink().fail(Errors.error(Status.Code.DEADLINE_EXCEEDED,
                "agent " + agentId + " did not answer within the call's deadline")));
    }

    int inFlight() {
        return pending.size();
    }

    // ---- the AgentLink the registry and the router use ----

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public long lastFrameAtMs() {
        return lastFrameAtMs;
    }

    @Override
    public void registered(RegisterAck ack) {
        // Every ack says that this network takes batches: an agent that registered before it could know may send
        // them after any later ack too.
        command(NetworkFrame.newBuilder().setRegistered(tickets.withAgentKey(ack, agentId).toBuilder()
                .setAcceptsBatches(true)).build());
    }

    @Override
    public void start(StartContainer command) {
        command(NetworkFrame.newBuilder().setStart(command).build());
    }

    @Override
    public void terminate(TerminateContainer command) {
        command(NetworkFrame.newBuilder().setTerminate(command).build());
    }

    @Override
    public void connectClient(ClientConnect command) {
        command(NetworkFrame.newBuilder().setConnect(command).build());
    }

    @Override
    public void disconnectClient(ClientDisconnect command) {
        command(NetworkFrame.newBuilder().setDisconnect(command).build());
    }

    /**
     * Commands must not be lost, and data queued for the agent never refuses one (commands are counted only as
     * messages): an agent too far behind to take one is cut off, and will re-register.
     */
    private void command(NetworkFrame frame) {
        if (!out.sendControl(frame) && !closing()) {
            close("it fell too far behind reading commands");
        }
    }

    @Override
    public Forwarded forward(RouteRequest.Builder request, long epoch, long deadlineNanos, ReplySink sink) {
        if (ended) {
            return Forwarded.GONE;
        }
        long routeId = routeIds.incrementAndGet();
        pending.put(routeId, new PendingRoute(sink, epoch), deadlineNanos);
        request.setRouteId(routeId).setTimeoutMs(Deadlines.remainingMillis(deadlineNanos)).setEpoch(epoch);
        if (!out.send(NetworkFrame.newBuilder().setRequest(request).build())) {
            if (pending.take(routeId) == null) {
                return Forwarded.SENT; // someone already completed it (the stream ended meanwhile)
            }
            return refused();
        }
        if (ended && pending.take(routeId) != null) {
            return Forwarded.GONE;
        }
        return Forwarded.SENT;
    }

    @Override
    public Forwarded send(RouteSend message) {
        if (ended) {
            return Forwarded.GONE;
        }
        return out.send(NetworkFrame.newBuilder().setSend(message).build()) ? Forwarded.SENT : refused();
    }

    /**
     * Why the stream took no message: the agent is behind only while the stream is open. A closed one is going
     * away, though {@link #ended} may not be set yet (the registry thread fails the stream, then marks it ended):
     * the call then waits for the agent's next route instead of failing as if the agent were slow.
     */
    private Forwarded refused() {
        return closing() ? Forwarded.GONE : Forwarded.BEHIND;
    }

    private boolean closing() {
        return ended || !out.isOpen();
    }

    @Override
    public void end(Status status, Metadata trailers) {
        if (!ended) {
            out.fail(status, trailers);
            ended("was sent away: " + status.getDescription());
        }
    }

    @Override
    public void close(String reason) {
        if (!ended) {
            out.fail(Status.UNAVAILABLE.withDescription(reason));
            ended("was disconnected: " + reason);
        }
    }

    @Override
    public String toString() {
        return "agent " + agentId + " (instance " + instanceId + ")";
    }
}
