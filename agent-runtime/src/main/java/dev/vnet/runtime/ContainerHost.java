package dev.vnet.runtime;

import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.StatelessOffer;
import dev.vnet.wire.Errors;
import io.grpc.Status;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The containers this agent runs, by uuid: starts them with their kind's factory, routes calls to them, and
 * terminates them. It knows nothing of the network; {@link NetworkLink} and {@link DirectService} drive it.
 */
final class ContainerHost {

    private static final System.Logger LOG = System.getLogger(ContainerHost.class.getName());

    /** Told when a container ends by itself (see {@link ContainerContext#stop}). */
    interface StopListener {
        void stopped(String uuid, long epoch, String reason);
    }

    private final String agentId;
    private final Map<String, ContainerKind> kinds;
    private final ExecutorService workers;
    private final int maxContainers;
    private final int maxPayloadBytes;
    private final Map<String, HostedContainer> running = new ConcurrentHashMap<>();
    private volatile StopListener stopListener = (uuid, epoch, reason) -> {};
    /** Whether the agent has been out of touch with the network since it last registered (see self-fencing). */
    private volatile BooleanSupplier networkLost = () -> false;

    ContainerHost(String agentId, Map<String, ContainerKind> kinds, ExecutorService workers, int maxContainers,
            int maxPayloadBytes) {
        this.agentId = agentId;
        this.kinds = Map.copyOf(kinds);
        this.workers = workers;
        this.maxContainers = maxContainers;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    void onStopped(StopListener listener) {
        this.stopListener = listener;
    }

    /** Tells the host how to know that the agent lost the network; self-fencing kinds then stop serving. */
    void fenceWhen(BooleanSupplier lost) {
        this.networkLost = lost;
    }

    /**
     * Creates a standby copy of a stateless container this agent offers (on the caller's thread: this happens at
     * start-up). It serves nothing until the network activates it.
     */
    void offer(String kind, String uuid, List<String> labels) throws Exception {
        ContainerKind factory = kinds.get(kind);
        if (factory == null) {
            throw new IllegalArgumentException("agent " + agentId + " offers stateless " + uuid + " of kind '" + kind
                    + "', which it has no factory for (it has " + kinds() + ")");
        }
        ContainerContext context = new ContainerContext(uuid, kind, ContainerType.CONTAINER_TYPE_STATELESS,
                List.copyOf(labels), Payload.getDefaultInstance(), 0, agentId, this::stopSelf);
        replace(hosted(factory, context, factory.create(context)));
    }

    List<StatelessOffer> offers() {
        List<StatelessOffer> offers = new ArrayList<>();
        for (HostedContainer hosted : running.values()) {
            if (hosted.isStateless()) {
                ContainerContext c = hosted.context();
                offers.add(StatelessOffer.newBuilder().setUuid(c.uuid()).setKind(c.kind()).addAllLabels(c.labels())
                        .build());
            }
        }
        return offers;
    }

    List<String> kinds() {
        return kinds.keySet().stream().sorted().toList();
    }

    /** Starts a container as the network asked; {@code done} gets null once it runs, else why it could not. */
    void start(StartContainer command, Consumer<Error> done) {
        ContainerKind kind = kinds.get(command.getKind());
        if (kind == null) {
            done.accept(Errors.error(Status.Code.NOT_FOUND,
                    "agent " + agentId + " has no factory for kind '" + command.getKind() + "'"));
            return;
        }
        HostedContainer existing = running.get(command.getUuid());
        if (existing != null && existing.epoch() == command.getEpoch()) {
            done.accept(null);
            return;
        }
        if (existing != null && existing.isStateless() && existing.context().kind().equals(command.getKind())) {
            existing.activate(command.getEpoch(), done);
            return;
        }
        if (maxContainers > 0 && count() >= maxContainers) {
            done.accept(Errors.error(Status.Code.RESOURCE_EXHAUSTED,
                    "agent " + agentId + " already runs its maximum of " + maxContainers + " containers"));
            return;
        }
        ContainerContext context = new ContainerContext(command.getUuid(), command.getKind(), command.getType(),
                List.copyOf(command.getLabelsList()), command.getSpec(), command.getEpoch(), agentId, this::stopSelf);
        try {
            workers.execute(() -> create(kind, context, done));
        } catch (RejectedExecutionException e) {
            done.accept(Errors.error(Status.Code.RESOURCE_EXHAUSTED,
                    "agent " + agentId + " has no free worker to create container " + command.getUuid()));
        }
    }

    private void create(ContainerKind kind, ContainerContext context, Consumer<Error> done) {
        Container container;
        try {
            container = kind.create(context);
            if (container == null) {
                throw new IllegalStateException("factory of kind '" + kind.name() + "' returned null");
            }
        } catch (Throwable failure) {
            LOG.log(Level.WARNING, "agent " + agentId + " could not create " + context.kind() + " " + context.uuid(),
                    failure);
            Error error = Errors.containerError(failure);
            done.accept(error.toBuilder().setMessage("creating " + context.kind() + " container " + context.uuid()
                    + " failed: " + error.getMessage()).build());
            return;
        }
        replace(hosted(kind, context, container));
        done.accept(null);
    }

    private HostedContainer hosted(ContainerKind kind, ContainerContext context, Container container) {
        BooleanSupplier fenced = kind.selfFencing(context.type()) ? () -> networkLost.getAsBoolean() : () -> false;
        return new HostedContainer(context, container, executorFor(kind.threading()), fenced, maxPayloadBytes);
    }

    private void replace(HostedContainer hosted) {
        HostedContainer previous = running.put(hosted.context().uuid(), hosted);
        if (previous != null && previous != hosted) {
            previous.terminate("replaced by activation " + hosted.epoch());
        }
    }

    /**
     * Terminates the copy of {@code uuid} with activation {@code epoch} (any copy when 0). A stateless copy is not
     * destroyed: it goes back to standby, ready to be activated again.
     *
     * @return whether a copy was terminated (or sent to standby)
     */
    boolean terminate(String uuid, long epoch, String reason) {
        HostedContainer hosted = running.get(uuid);
        if (hosted == null || (epoch != 0 && hosted.epoch() != epoch)) {
            return false;
        }
        if (hosted.isStateless()) {
            hosted.standby(reason);
            return true;
        }
        return destroy(uuid, hosted, reason);
    }

    private boolean destroy(String uuid, HostedContainer hosted, String reason) {
        if (running.remove(uuid, hosted)) {
            hosted.terminate(reason);
            return true;
        }
        return false;
    }

    /** Terminates everything, e.g. when the agent shuts down. */
    void terminateAll(String reason) {
        for (HostedContainer hosted : running.values()) {
            destroy(hosted.context().uuid(), hosted, reason);
        }
    }

    /**
     * Runs a call on {@code uuid}. With {@code epoch} non-zero, only that activation may answer: the network
     * routes to one activation, and a copy of another epoch must not serve in its place. {@code traced}: the call's
     * spans, or null.
     */
    void call(String uuid, long epoch, Call call, long deadlineNanos, ReplyTo answer, CallTracing.Traced traced) {
        ReplyTo reply = traced == null ? answer : traced.ending(answer);
        HostedContainer hosted = running.get(uuid);
        if (hosted == null) {
            reply.fail(Errors.error(Status.Code.NOT_FOUND,
                    "container " + uuid + " does not run on agent " + agentId + "; ask the network where it is"));
            return;
        }
        if (epoch != 0 && hosted.epoch() != epoch) {
            reply.fail(Errors.error(Status.Code.UNAVAILABLE, "agent " + agentId + " runs activation "
                    + hosted.epoch() + " of container " + uuid + ", not the requested " + epoch));
            return;
        }
        hosted.call(call, deadlineNanos, reply, traced);
    }

    void connect(String uuid, long epoch, ClientLink client, Consumer<Error> done) {
        HostedContainer hosted = running.get(uuid);
        if (hosted == null || (epoch != 0 && hosted.epoch() != epoch)) {
            done.accept(Errors.error(Status.Code.NOT_FOUND,
                    "container " + uuid + " does not run on agent " + agentId + "; ask the network where it is"));
            return;
        }
        hosted.connect(client, done);
    }

    void disconnect(String uuid, ClientLink client) {
        HostedContainer hosted = running.get(uuid);
        if (hosted != null) {
            hosted.disconnect(client);
        }
    }

    /** Disconnects, in every container, the clients {@code which} selects. */
    void disconnectAll(Predicate<ClientLink> which) {
        for (HostedContainer hosted : running.values()) {
            hosted.disconnectAll(which);
        }
    }

    /** The copies that serve now (standby stateless copies are offers, not running containers). */
    List<RunningContainer> running() {
        List<RunningContainer> list = new ArrayList<>(running.size());
        for (HostedContainer hosted : running.values()) {
            if (!hosted.isActive()) {
                continue;
            }
            ContainerContext c = hosted.context();
            list.add(RunningContainer.newBuilder().setUuid(c.uuid()).setKind(c.kind()).setType(c.type())
                    .addAllLabels(c.labels()).setEpoch(hosted.epoch()).build());
        }
        return list;
    }

    HostedContainer find(String uuid) {
        return running.get(uuid);
    }

    /** Copies that serve now, by kind. */
    Map<String, Integer> countByKind() {
        Map<String, Integer> counts = new HashMap<>();
        for (HostedContainer hosted : running.values()) {
            if (hosted.isActive()) {
                counts.merge(hosted.context().kind(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Copies that serve now. */
    int count() {
        int active = 0;
        for (HostedContainer hosted : running.values()) {
            if (hosted.isActive()) {
                active++;
            }
        }
        return active;
    }

    private void stopSelf(String uuid, long epoch, String reason) {
        if (terminate(uuid, epoch, reason)) {
            stopListener.stopped(uuid, epoch, reason);
        }
    }

    private Executor executorFor(Threading threading) {
        return switch (threading) {
            case SERIAL -> new SerialExecutor(workers);
            case CONCURRENT -> workers;
            case INLINE -> Runnable::run;
        };
    }

}
