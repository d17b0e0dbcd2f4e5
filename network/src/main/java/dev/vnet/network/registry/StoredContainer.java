package dev.vnet.network.registry;

import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.MigrationStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Resources;
import java.util.List;

/**
 * A container's row in the store (table {@code containers}).
 *
 * @param agentId the agent of its current activation
 * @param epoch that activation's epoch
 * @param lastMigrationAtMs when it last moved; 0 when never
 */
public record StoredContainer(String uuid, String kind, ContainerType type, List<String> labels, Payload spec,
        Resources resources, String agentId, long epoch, MigrationStatus migrationStatus, String preferredCluster,
        long lastMigrationAtMs, long createdAtMs) {

    public StoredContainer {
        labels = List.copyOf(labels);
    }
}
