package dev.vnet.network;

import dev.vnet.network.events.EventHub;
import dev.vnet.network.grpc.NetworkServer;
import dev.vnet.network.grpc.SessionTicketIssuer;
import dev.vnet.network.leader.LeaderState;
import dev.vnet.network.leader.LeaderState.Phase;
import dev.vnet.network.leader.LeadershipListener;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.StoredState;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.network.store.StoreReader;
import dev.vnet.proto.v1.LeaderInfo;
import io.grpc.Status;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.lang.System.Logger.Level;

/**
 * What a term of leadership means for the registry and what hangs off it (its streams, routes and watchers): an
 * elected replica restores its registry from the store and announces itself; a new term of the same replica goes on
 * with the registry it has, under the new epoch; a deposed replica stops its registry first of all, ends every client
 * and agent stream (they go to the new leader) and starts again from an empty one.
 */
final class RegistryTerm implements LeadershipListener {

    private static final System.Logger LOG = System.getLogger(RegistryTerm.class.getName());

    private final RegistryLoop loop;
    private final Supplier<Registry> freshRegistry;
    private final StoreReader store;
    private final SessionTicketIssuer tickets;
    private final RouteTable routes;
    private final EventHub events;
    private final NetworkServer server;
    private final ReplicaIdentity identity;
    private final long timeoutMs;
    private final long restoreTimeoutMs;

    /**
     * @param timeout how long the registry thread may take to begin or end a term
     * @param restoreTimeout how long it may take to build the registry from what the store holds
     */
    RegistryTerm(RegistryLoop loop, Supplier<Registry> freshRegistry, StoreReader store, SessionTicketIssuer tickets,
            RouteTable routes, EventHub events, NetworkServer server, ReplicaIdentity identity, Duration timeout,
            Duration restoreTimeout) {
        this.tickets = tickets;
        this.loop = loop;
        this.freshRegistry = freshRegistry;
        this.store = store;
        this.routes = routes;
        this.events = events;
        this.server = server;
        this.identity = identity;
        this.timeoutMs = timeout.toMillis();
        this.restoreTimeoutMs = restoreTimeout.toMillis();
    }

    @Override
    public void leadershipChanged(LeaderState from, LeaderState to) throws Exception {
        switch (to.phase()) {
            case RESTORING -> restore(to.epoch());
            case SERVING -> serve(from, to.epoch());
            case DEPOSED -> forget(to.reason());
            case STOPPED -> {
                server.endStreams(Status.UNAVAILABLE.withDescription("this coordinator is shutting down"), "");
                loop.close();
            }
            default -> {
                // standing by: the registry is empty and stays so
            }
        }
    }

    private void restore(long epoch) throws Exception {
        // Before the gate opens: agents' acknowledgements and get answers carry what derives from it.
        tickets.useNetworkKey(store.sessionTicketKey());
        long started = System.nanoTime();
        StoredState state = store.load(epoch);
        long read = System.nanoTime();
        loop.call(registry -> {
            registry.restore(state);
            return null;
        }).get(restoreTimeoutMs, TimeUnit.MILLISECONDS);
        long done = System.nanoTime();
        // The two durations say whether a larger registry waits on the database or on the registry thread.
        LOG.log(Level.INFO, String.format("restored %d agents and %d containers from the store in %d ms (read %d ms, "
                + "registry %d ms)", state.agents().size(), state.containers().size(),
                (done - started) / 1_000_000, (read - started) / 1_000_000, (done - read) / 1_000_000));
    }

    private void serve(LeaderState from, long epoch) throws Exception {
        loop.call(registry -> {
            if (from.phase() == Phase.SERVING) {
                registry.newTerm(epoch);
            } else {
                registry.serving();
            }
            return null;
        }).get(timeoutMs, TimeUnit.MILLISECONDS);
        LeaderInfo leader = LeaderInfo.newBuilder().setEpoch(epoch).setHolder(identity.id())
                .setEndpoint(identity.endpoint()).setConsoleUrl(identity.consoleUrl())
                .setSinceMs(System.currentTimeMillis()).build();
        loop.run(registry -> registry.leaderChanged(leader));
        LOG.log(Level.INFO, String.format(
                "vnet network %s leads with epoch %d and serves, %d ms after the process started", identity.id(),
                epoch, System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()));
    }

    private void forget(String reason) {
        // First of all: nothing queued for the old registry (or held back while the lease was in doubt) may act.
        loop.retire();
        server.endStreams(Status.UNAVAILABLE.withDescription("this coordinator no longer leads: " + reason), "");
        try {
            // Once the old registry is gone nothing can feed the writer or the route table any more.
            loop.replace(freshRegistry.get()).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.ERROR, String.format("the registry thread did not take its fresh registry in time (%s)", e));
        }
        routes.clear();
        events.clear();
    }
}
