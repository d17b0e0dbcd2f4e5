package dev.vnet.network.registry;

import dev.vnet.proto.v1.MigrationInfo;
import java.util.concurrent.CompletableFuture;

/**
 * Where the registry sends what must outlive the coordinator. Called on the registry thread: implementations
 * record the change and return at once; the writing happens elsewhere, later, batched (the registry never waits
 * for the database).
 */
public interface StoreSink {

    /** Nothing is stored: for tests of the registry alone. */
    StoreSink NONE = new StoreSink() {
        @Override
        public void agent(StoredAgent agent) {}

        @Override
        public void health(StoredHealth health) {}

        @Override
        public void container(StoredContainer container) {}

        @Override
        public void containerRemoved(String uuid) {}

        @Override
        public void migration(MigrationInfo migration) {}

        @Override
        public CompletableFuture<Void> containerDurably(StoredContainer container) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** An agent registered or left: its identity and when it was last seen. */
    void agent(StoredAgent agent);

    /** An agent's health changed or it heartbeated; later calls for one agent replace earlier ones. */
    void health(StoredHealth health);

    /** A container was activated or changed; later calls for one uuid replace earlier ones. */
    void container(StoredContainer container);

    /** A container is gone. */
    void containerRemoved(String uuid);

    /** A finished move (completed or failed), for the history: appended, never coalesced. */
    void migration(MigrationInfo migration);

    /**
     * Like {@link #container}, but completes only once the row is written: for what must be durable before anyone
     * is told it exists (an {@code ha} container's spec).
     */
    CompletableFuture<Void> containerDurably(StoredContainer container);
}
