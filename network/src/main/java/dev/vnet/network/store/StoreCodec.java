package dev.vnet.network.store;

import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.MigrationStatus;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Resources;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * How the contract's values look in the store: enums as the lower-case words the schema's CHECK constraints
 * allow, capacities and loads as small JSON objects, times as timestamptz.
 */
final class StoreCodec {

    private static final String CPU = "cpu";
    private static final String MEMORY_BYTES = "memory_bytes";

    /**
     * A select list that takes the fields of a container's {@code resources} out of their JSON in PostgreSQL, as
     * {@link #resources(Row)} reads them: a read of every container then parses no JSON in the coordinator (with
     * Jackson, a third of the restore read's CPU).
     */
    static final String RESOURCES_FIELDS = "coalesce((resources->>'" + CPU + "')::float8, 0) AS resources_cpu, "
            + "coalesce((resources->>'" + MEMORY_BYTES + "')::int8, 0) AS resources_memory_bytes";

    private StoreCodec() {}

    static String type(ContainerType type) {
        return switch (type) {
            case CONTAINER_TYPE_STATELESS -> "stateless";
            case CONTAINER_TYPE_HA -> "ha";
            default -> "standard";
        };
    }

    static ContainerType type(String value) {
        return switch (value) {
            case "stateless" -> ContainerType.CONTAINER_TYPE_STATELESS;
            case "ha" -> ContainerType.CONTAINER_TYPE_HA;
            default -> ContainerType.CONTAINER_TYPE_STANDARD;
        };
    }

    static String migration(MigrationStatus status) {
        return switch (status) {
            case MIGRATION_STATUS_MIGRATING -> "migrating";
            case MIGRATION_STATUS_COMPLETED -> "completed";
            case MIGRATION_STATUS_FAILED -> "failed";
            default -> "idle";
        };
    }

    static MigrationStatus migration(String value) {
        return switch (value) {
            case "migrating" -> MigrationStatus.MIGRATION_STATUS_MIGRATING;
            case "completed" -> MigrationStatus.MIGRATION_STATUS_COMPLETED;
            case "failed" -> MigrationStatus.MIGRATION_STATUS_FAILED;
            default -> MigrationStatus.MIGRATION_STATUS_IDLE;
        };
    }

    static String status(NodeStatus status) {
        return switch (status) {
            case NODE_STATUS_UNHEALTHY -> "unhealthy";
            case NODE_STATUS_DRAINING -> "draining";
            default -> "healthy";
        };
    }

    static NodeStatus status(String value) {
        return switch (value) {
            case "unhealthy" -> NodeStatus.NODE_STATUS_UNHEALTHY;
            case "draining" -> NodeStatus.NODE_STATUS_DRAINING;
            default -> NodeStatus.NODE_STATUS_HEALTHY;
        };
    }

    static JsonObject json(Capacity capacity) {
        return new JsonObject().put(CPU, capacity.getCpu()).put(MEMORY_BYTES, capacity.getMemoryBytes())
                .put("max_containers", capacity.getMaxContainers());
    }

    static JsonObject json(Load load) {
        return new JsonObject().put(CPU, load.getCpu()).put(MEMORY_BYTES, load.getMemoryBytes())
                .put("containers", load.getContainers());
    }

    static JsonObject json(Resources resources) {
        return new JsonObject().put(CPU, resources.getCpu()).put(MEMORY_BYTES, resources.getMemoryBytes());
    }

    static Capacity capacity(Map<String, Object> json) {
        return Capacity.newBuilder().setCpu(number(json, CPU).doubleValue())
                .setMemoryBytes(number(json, MEMORY_BYTES).longValue())
                .setMaxContainers(number(json, "max_containers").intValue()).build();
    }

    static Load load(Map<String, Object> json) {
        return Load.newBuilder().setCpu(number(json, CPU).doubleValue())
                .setMemoryBytes(number(json, MEMORY_BYTES).longValue())
                .setContainers(number(json, "containers").intValue()).build();
    }

    /** The resources of a row read with {@link #RESOURCES_FIELDS}. */
    static Resources resources(Row row) {
        return Resources.newBuilder().setCpu(row.getDouble("resources_cpu"))
                .setMemoryBytes(row.getLong("resources_memory_bytes")).build();
    }

    static OffsetDateTime time(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    static long millis(Instant time) {
        return time == null ? 0 : time.toEpochMilli();
    }

    static long millis(OffsetDateTime time) {
        return time == null ? 0 : time.toInstant().toEpochMilli();
    }

    private static Number number(Map<String, Object> json, String key) {
        Object value = json == null ? null : json.get(key);
        return value instanceof Number n ? n : 0;
    }
}
