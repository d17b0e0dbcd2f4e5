package dev.vnet.network.grpc;

import dev.vnet.network.access.ContainerGuard;
import dev.vnet.network.access.Failures;
import dev.vnet.network.events.EventHub;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.registry.SessionLink;
import dev.vnet.network.routing.ReplySink;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.CloseSessionRequest;
import dev.vnet.proto.v1.CloseSessionResponse;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.KeepAliveRequest;
import dev.vnet.proto.v1.KeepAliveResponse;
import dev.vnet.proto.v1.ListAgentsRequest;
import dev.vnet.proto.v1.ListAgentsResponse;
import dev.vnet.proto.v1.ListContainersRequest;
import dev.vnet.proto.v1.ListContainersResponse;
import dev.vnet.proto.v1.ListKindsRequest;
import dev.vnet.proto.v1.ListKindsResponse;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.OpenSessionRequest;
import dev.vnet.proto.v1.OpenSessionResponse;
import dev.vnet.proto.v1.ReleaseRequest;
import dev.vnet.proto.v1.ReleaseResponse;
import dev.vnet.proto.v1.SendResponse;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.wire.Deadlines;
import dev.vnet.wire.Errors;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.Authorization;
import dev.vnet.security.Principal;
import dev.vnet.wire.Names;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.QueueBudget;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * The client API ({@code vnet.v1.Network}): translates calls into registry commands and routed requests, and
 * their outcomes back into responses. Handlers run on transport threads and never block: they enqueue a command
 * for the registry thread, or forward on an agent's stream, and answer when that completes.
 */
public final class ClientService extends NetworkGrpc.NetworkImplBase {

    private static final long MIN_LEASE_MS = 1000;
    private static final long MAX_LEASE_MS = 3_600_000;

    private final RegistryLoop loop;
    private final EventHub events;
    private final RequestForwarder forwarder;
    private final Validation validation;
    private final Names names;
    private final InFlightLimit inFlight;
    private final RegistrySettings settings;
    private final ScheduledExecutorService timers;
    private final long defaultTimeoutMs;
    private final long defaultLeaseMs;
    private final QueueBudget budget;
    private final OpenStreams streams;
    private final SessionAccess sessions;
    private final ContainerGuard guard;
    private final ContainerQuota containers;
    /** Calls in flight per principal, over all its sessions and unary calls. */
    private final InFlightLimit principalInFlight;
    private final SessionTicketIssuer tickets;

    ClientService(RegistryLoop loop, EventHub events, RequestForwarder forwarder, Validation validation,
            InFlightLimit inFlight, RegistrySettings settings, ScheduledExecutorService timers, long defaultTimeoutMs,
            long defaultLeaseMs, QueueBudget budget, OpenStreams streams, SessionAccess sessions,
            ContainerGuard guard, ContainerQuota containers, InFlightLimit principalInFlight,
            SessionTicketIssuer tickets) {
        this.guard = guard;
        this.tickets = tickets;
        this.containers = containers;
        this.principalInFlight = principalInFlight;
        this.streams = streams;
        this.sessions = sessions;
        this.loop = loop;
        this.events = events;
        this.forwarder = forwarder;
        this.validation = validation;
        this.names = validation.names();
        this.inFlight = inFlight;
        this.settings = settings;
        this.timers = timers;
        this.defaultTimeoutMs = defaultTimeoutMs;
        this.defaultLeaseMs = defaultLeaseMs;
        this.budget = budget;
    }

    // ---- streams ----

    @Override
    public StreamObserver<ClientFrame> session(StreamObserver<ServerFrame> responses) {
        OutboundStream<ServerFrame> out = new OutboundStream<>((CallStreamObserver<ServerFrame>) responses,
                budget);
        SessionStream session = new SessionStream(loop, forwarder, validation, inFlight, AuthInterceptor.caller(),
                settings, defaultTimeoutMs, out, guard, sessions, containers, principalInFlight, tickets);
        streams.track(session, out);
        return session;
    }

    @Override
    public StreamObserver<ConnectFrame> connect(StreamObserver<ConnectEvent> responses) {
        OutboundStream<ConnectEvent> out = new OutboundStream<>((CallStreamObserver<ConnectEvent>) responses,
                budget);
        ConnectionStream connection = new ConnectionStream(loop, timers, defaultTimeoutMs,
                Duration.ofMillis(settings.aliveTimeoutMs()), out, sessions, AuthInterceptor.caller(), guard);
        streams.track(connection, out);
        return connection;
    }

    @Override
    public void watchEvents(WatchEventsRequest request, StreamObserver<Event> responses) {
        if (refuse(validation.watch(request), responses)) {
            return;
        }
        OutboundStream<Event> out = new OutboundStream<>((CallStreamObserver<Event>) responses, budget);
        WatchStream watcher = new WatchStream(out, request.getKindsList());
        streams.track(watcher, out);
        watcher.ping(timers, request.getPingIntervalMs());
        loop.run(registry -> {
            if (request.getSnapshot()) {
                for (Event event : registry.snapshot()) {
                    if (!watcher.offer(event)) {
                        return;
                    }
                }
            }
            events.add(watcher);
        });
    }

    // ---- unary sessions ----

    @Override
    public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> responses) {
        long lease = request.getLeaseMs() == 0 ? defaultLeaseMs : request.getLeaseMs();
        String problem = validation.clientName(request.getClientName());
        if (problem == null && (lease < MIN_LEASE_MS || lease > MAX_LEASE_MS)) {
            problem = "lease_ms must be between " + MIN_LEASE_MS + " and " + MAX_LEASE_MS + " (0 for "
                    + defaultLeaseMs + ")";
        }
        if (problem != null) {
            responses.onError(Failures.invalid(problem).asRuntimeException());
            return;
        }
        String owner = SessionAccess.owner(AuthInterceptor.caller());
        respond(loop.call(registry -> {
                    sessions.requireRoom(owner);
                    return registry.openSession(request.getClientName(), owner, null, lease).id();
                }),
                id -> OpenSessionResponse.newBuilder().setSessionId(id).setLeaseMs(lease).build(), responses);
    }

    @Override
    public void keepAlive(KeepAliveRequest request, StreamObserver<KeepAliveResponse> responses) {
        if (refuse(names.idProblem("session_id", request.getSessionId()), responses)) {
            return;
        }
        boolean mine = sessions.mayUse(AuthInterceptor.caller(), request.getSessionId());
        respond(loop.call(registry -> mine ? registry.touchSession(request.getSessionId()) : -1L), expiresAt -> {
            if (expiresAt < 0) {
                throw Status.NOT_FOUND.withDescription("session " + request.getSessionId()
                        + " does not exist or has ended (also when the leader changed since it was opened); open a "
                        + "new one and Get its containers again").asRuntimeException();
            }
            return KeepAliveResponse.newBuilder().setExpiresAtMs(expiresAt).build();
        }, responses);
    }

    @Override
    public void closeSession(CloseSessionRequest request, StreamObserver<CloseSessionResponse> responses) {
        if (refuse(names.idProblem("session_id", request.getSessionId()), responses)) {
            return;
        }
        String id = request.getSessionId();
        boolean mine = sessions.mayUse(AuthInterceptor.caller(), id);
        respond(loop.call(registry -> {
                    if (!mine) {
                        return -1;
                    }
                    SessionLink stream = registry.sessionLink(id);
                    int released = registry.closeSession(id, "closed by the client (CloseSession)");
                    if (stream != null) {
                        stream.close("session " + id + " was closed by CloseSession");
                    }
                    return released;
                }),
                released -> {
                    if (released < 0) {
                        throw Status.NOT_FOUND.withDescription("session " + request.getSessionId()
                                + " does not exist or has ended").asRuntimeException();
                    }
                    return CloseSessionResponse.newBuilder().setReleased(released).build();
                }, responses);
    }

    // ---- containers ----

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> responses) {
        if (refuse(validation.get(request), responses)) {
            return;
        }
        Status denied = ContainerPermissions.toGet(AuthInterceptor.caller(), request);
        if (denied != null) {
            responses.onError(denied.asRuntimeException());
            return;
        }
        if (refuse(sessions.refusal(AuthInterceptor.caller(), request.getSessionId()), responses)) {
            return;
        }
        Principal caller = AuthInterceptor.caller();
        respond(loop.compose(registry -> {
            ContainerGuard.requireReachableIfExists(registry, caller, request.getUuid());
            containers.requireRoom(registry, caller.name(), request.getUuid());
            return registry.get(request.getSessionId(), request);
        }), got -> {
            containers.got(caller.name(), got);
            return tickets.withTicket(got, request.getSessionId(), SessionAccess.owner(caller));
        }, responses);
    }

    @Override
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> responses) {
        if (refuse(validation.release(request.getSessionId(), request.getUuid()), responses)
                || refuse(sessions.refusal(AuthInterceptor.caller(), request.getSessionId()), responses)) {
            return;
        }
        Principal caller = AuthInterceptor.caller();
        respond(loop.call(registry -> {
            ContainerGuard.requireReachable(registry, caller, request.getUuid());
            return registry.release(request.getSessionId(), request.getUuid());
        }), Function.identity(), responses);
    }

    @Override
    public void request(ContainerRequest request, StreamObserver<ContainerReply> responses) {
        Object client = admitUnary(request, responses);
        if (client == null) {
            return;
        }
        String principal = AuthInterceptor.caller().name();
        long deadline = Deadlines.fromCall(request.getTimeoutMs(), defaultTimeoutMs);
        ReplySink sink = inFlight.releasingOnAnswer(client, principalInFlight.releasingOnAnswer(principal,
                new ReplySink() {
            @Override
            public void reply(ContainerReply reply) {
                responses.onNext(reply);
                responses.onCompleted();
            }

            @Override
            public void fail(Error error) {
                responses.onError(Errors.toStatusException(error));
            }
        }));
        guard.reach(AuthInterceptor.caller(), request.getUuid()).whenComplete((ok, refused) -> {
            if (refused != null) {
                sink.fail(Failures.toError(refused));
            } else {
                forwarder.request(request, request.getSessionId(), deadline, sink);
            }
        });
    }

    /**
     * Checks a unary request and takes its slots; answers whose budget it counts against, or null when it was
     * refused (the refusal is sent).
     */
    private Object admitUnary(ContainerRequest request, StreamObserver<?> responses) {
        if (refuse(validation.request(request), responses)
                || refuse(sessions.refusal(AuthInterceptor.caller(), request.getSessionId()), responses)) {
            return null;
        }
        Object client = unaryClient(request);
        return acquire(client, AuthInterceptor.caller().name(), responses) ? client : null;
    }

    /** Takes the call's slots, the client's and the principal's, or refuses it naming the limit it passed. */
    private boolean acquire(Object client, String principal, StreamObserver<?> responses) {
        if (!inFlight.tryAcquire(client)) {
            responses.onError(Status.RESOURCE_EXHAUSTED.withDescription(inFlight.refusal()).asRuntimeException());
            return false;
        }
        if (!principalInFlight.tryAcquire(principal)) {
            inFlight.release(client);
            responses.onError(Status.RESOURCE_EXHAUSTED.withDescription(principalInFlight.refusal())
                    .asRuntimeException());
            return false;
        }
        return true;
    }

    /** Whose budget a unary request counts against: its session's, else its caller's. */
    private static Object unaryClient(ContainerRequest request) {
        return request.getSessionId().isEmpty() ? AuthInterceptor.caller().name() : request.getSessionId();
    }

    @Override
    public void send(ContainerRequest request, StreamObserver<SendResponse> responses) {
        Object client = admitUnary(request, responses);
        if (client == null) {
            return;
        }
        String principal = AuthInterceptor.caller().name();
        long deadline = Deadlines.fromCall(request.getTimeoutMs(), defaultTimeoutMs);
        respond(guard.reach(AuthInterceptor.caller(), request.getUuid())
                        .thenCompose(ok -> forwarder.send(request, request.getSessionId(), deadline))
                        .whenComplete((ok, failure) -> {
                            inFlight.release(client);
                            principalInFlight.release(principal);
                        }),
                ok -> SendResponse.getDefaultInstance(), responses);
    }

    // ---- listings ----

    @Override
    public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> responses) {
        respond(loop.call(registry -> registry.agents()),
                agents -> ListAgentsResponse.newBuilder().addAllAgents(agents).build(), responses);
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> responses) {
        String problem = Names.first(request.getKind().isEmpty() ? null : names.kindProblem("kind", request.getKind()),
                names.labelsProblem("labels", request.getLabelsList()),
                names.optionalIdProblem("agent_id", request.getAgentId()));
        if (refuse(problem, responses)) {
            return;
        }
        Principal caller = AuthInterceptor.caller();
        respond(loop.call(registry -> registry.containers(request.getKind(), request.getLabelsList(),
                        request.getAgentId())),
                list -> ListContainersResponse.newBuilder().addAllContainers(list.stream()
                        .filter(c -> Authorization.reaches(caller, c.getKind(), c.getLabelsList())).toList()).build(),
                responses);
    }

    @Override
    public void listKinds(ListKindsRequest request, StreamObserver<ListKindsResponse> responses) {
        Principal caller = AuthInterceptor.caller();
        respond(loop.call(registry -> registry.kinds()),
                kinds -> ListKindsResponse.newBuilder().addAllKinds(kinds.stream()
                        .filter(k -> Authorization.reachesKind(caller, k.getKind())).toList()).build(), responses);
    }

    // ---- helpers ----

    private static boolean refuse(Error refusal, StreamObserver<?> responses) {
        if (refusal == null) {
            return false;
        }
        responses.onError(Errors.toStatusException(refusal));
        return true;
    }

    private static boolean refuse(String problem, StreamObserver<?> responses) {
        if (problem == null) {
            return false;
        }
        responses.onError(Failures.invalid(problem).asRuntimeException());
        return true;
    }

    /** Answers a unary call with the mapped result of {@code outcome}, or with its failure as a status. */
    private static <T, R> void respond(CompletableFuture<T> outcome, Function<T, R> toResponse,
            StreamObserver<R> responses) {
        outcome.whenComplete((value, failure) -> {
            if (failure != null) {
                responses.onError(Failures.toStatus(failure).asRuntimeException());
                return;
            }
            R response;
            try {
                response = toResponse.apply(value);
            } catch (RuntimeException refused) {
                responses.onError(Failures.toStatus(refused).asRuntimeException());
                return;
            }
            responses.onNext(response);
            responses.onCompleted();
        });
    }
}
