package dev.vnet.network.grpc;

import dev.vnet.network.access.ContainerGuard;
import dev.vnet.network.access.Failures;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.routing.ConnectionSink;
import dev.vnet.proto.v1.ConnectClosed;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.ConnectReady;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Payload;
import dev.vnet.security.Principal;
import dev.vnet.wire.ConnectFrames;
import dev.vnet.wire.Errors;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.StreamLiveness;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One client's {@code Network.Connect} stream: waits for the container to run, asks its agent to connect the
 * client, then relays the container's broadcasts. Broadcasts the container sends while accepting the client
 * (a welcome, say) are held until {@code ready} has gone out, so the client sees them in order.
 */
final class ConnectionStream implements ConnectionSink, StreamObserver<ConnectFrame>, OpenStreams.Endable {

    private final RegistryLoop loop;
    private final ScheduledExecutorService timers;
    private final long readyTimeoutMs;
    private final Duration aliveTimeout;
    private final OutboundStream<ConnectEvent> out;
    private final List<Payload> early = new ArrayList<>();
    private ConnectOpen opened;
    private StreamLiveness pings;
    private String uuid;
    private String clientId;
    private boolean ready;
    private boolean over;

    private final SessionAccess sessions;
    private final Principal caller;
    private final ContainerGuard guard;

    ConnectionStream(RegistryLoop loop, ScheduledExecutorService timers, long readyTimeoutMs, Duration aliveTimeout,
            OutboundStream<ConnectEvent> out, SessionAccess sessions, Principal caller, ContainerGuard guard) {
        this.aliveTimeout = aliveTimeout;
        this.guard = guard;
        this.sessions = sessions;
        this.caller = caller;
        this.loop = loop;
        this.timers = timers;
        this.readyTimeoutMs = readyTimeoutMs;
        this.out = out;
    }

    @Override
    public void onNext(ConnectFrame frame) {
        synchronized (this) {
            String problem = ConnectFrames.problem(frame, opened);
            if (problem != null) {
                out.fail(Failures.invalid(problem));
                return;
            }
            if (frame.hasPing()) {
                pings.heard();
                return;
            }
            Error refusal = sessions.refusal(caller, frame.getOpen().getSessionId());
            if (refusal != null) {
                out.fail(Errors.toStatusException(refusal).getStatus());
                return;
            }
            opened = frame.getOpen();
            uuid = opened.getUuid();
            clientId = ConnectFrames.clientId(opened, "connection");
            // From open on, also while the container is being waited for: that wait can be long.
            pings = ConnectFrames.serverPings(opened, timers, aliveTimeout, out, this::disconnect);
        }
        // The registry expires the wait by its own clock.
        long deadlineMs = loop.clock().millis() + readyTimeoutMs;
        guard.reach(caller, uuid)
                .thenCompose(reachable -> loop.compose(registry -> registry.awaitRoute(uuid, deadlineMs)))
                .thenCompose(route -> loop.compose(registry -> registry.connect(uuid, clientId, this)))
                .whenComplete((container, failure) -> {
                    if (failure != null) {
                        out.fail(Failures.toStatus(failure));
                    } else {
                        becomeReady(container);
                    }
                });
        timers.schedule(this::giveUpIfNotReady, readyTimeoutMs, TimeUnit.MILLISECONDS);
    }

    private synchronized void becomeReady(ContainerInfo container) {
        if (over) {
            return;
        }
        out.send(ConnectEvent.newBuilder().setReady(ConnectReady.newBuilder().setClientId(clientId)
                .setContainer(container)).build());
        for (Payload payload : early) {
            out.send(ConnectEvent.newBuilder().setBroadcast(payload).build());
        }
        early.clear();
        ready = true;
    }

    private void giveUpIfNotReady() {
        synchronized (this) {
            if (ready || over) {
                return;
            }
            over = true;
        }
        out.fail(Status.DEADLINE_EXCEEDED.withDescription("container " + uuid + " did not accept the connection within "
                + readyTimeoutMs + " ms"));
        loop.run(registry -> registry.disconnect(uuid, clientId, this));
    }

    @Override
    public synchronized void broadcast(Payload payload) {
        if (over) {
            return;
        }
        if (!ready) {
            early.add(payload);
        } else if (!out.send(ConnectEvent.newBuilder().setBroadcast(payload).build())) {
            // The stream dropped this reader: it fell behind its queue budget (the status says which).
            over = true;
            loop.run(registry -> registry.disconnect(uuid, clientId, this));
        }
    }

    @Override
    public synchronized void closed(String reason) {
        if (over) {
            return;
        }
        over = true;
        out.send(ConnectEvent.newBuilder().setClosed(ConnectClosed.newBuilder().setReason(reason)).build());
        out.complete();
    }

    @Override
    public void onError(Throwable failure) {
        out.abandon();
        disconnect();
    }

    @Override
    public void onCompleted() {
        out.complete();
        disconnect();
    }

    @Override
    public void end(Status status, Metadata trailers) {
        out.fail(status, trailers);
        disconnect();
    }

    private void disconnect() {
        String connectedTo;
        synchronized (this) {
            over = true;
            connectedTo = uuid;
        }
        if (connectedTo != null) {
            loop.run(registry -> registry.disconnect(connectedTo, clientId, this));
        }
    }
}
