package dev.vnet.network.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import dev.vnet.proto.v1.MigrationInfo;

/** A store that records what the registry asks it to write, in order. */
final class RecordingStore implements StoreSink {

    final List<StoredAgent> agents = new ArrayList<>();
    final List<StoredHealth> health = new ArrayList<>();
    final List<StoredContainer> containers = new ArrayList<>();
    final List<String> removed = new ArrayList<>();
    final List<MigrationInfo> migrations = new ArrayList<>();
    /** Durable writes not acknowledged yet: a test completes them to play the database answering. */
    final List<CompletableFuture<Void>> durable = new ArrayList<>();

    @Override
    public void agent(StoredAgent agent) {
        agents.add(agent);
    }

    @Override
    public void health(StoredHealth update) {
        health.add(update);
    }

    @Override
    public void container(StoredContainer container) {
        containers.add(container);
    }

    @Override
    public void containerRemoved(String uuid) {
        removed.add(uuid);
    }

    @Override
    public void migration(MigrationInfo migration) {
        migrations.add(migration);
    }

    @Override
    public CompletableFuture<Void> containerDurably(StoredContainer container) {
        containers.add(container);
        CompletableFuture<Void> written = new CompletableFuture<>();
        durable.add(written);
        return written;
    }

    StoredHealth lastHealthOf(String agentId) {
        for (int i = health.size() - 1; i >= 0; i--) {
            if (health.get(i).agentId().equals(agentId)) {
                return health.get(i);
            }
        }
        return null;
    }
}
