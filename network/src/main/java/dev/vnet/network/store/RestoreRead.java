package dev.vnet.network.store;

import dev.vnet.network.registry.StoredAgent;
import dev.vnet.network.registry.StoredContainer;
import dev.vnet.network.registry.StoredState;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import com.google.protobuf.UnsafeByteOperations;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The read a coordinator restores its registry from, in plain SQL on the reactive PG client, and the one place
 * where the restore's columns become registry records. It is the largest read a coordinator makes, and it happens
 * while clients wait for a new leader: Hibernate entities would cost the session's first-use set-up and an entity
 * per row, only to be copied into records at once.
 *
 * <p>Each query's rows are mapped as the client decodes them ({@code mapping}): only the records are held, never
 * a result set of raw rows beside them. A cursor ({@code RowStream}) would bound memory further, but it needs a
 * transaction and a round trip per fetch, and the records are all kept anyway: the registry is built from them.
 *
 * <p>Every query takes a row limit ({@code LIMIT $1}; null reads every row), so that a standby can run the very
 * same statements on its first rows at start-up and have their decoding and mapping ready before it is needed.
 */
final class RestoreRead {

    private static final String AGENTS = """
            SELECT id, instance_id, endpoint, cluster, labels, kinds, capacity, first_seen, last_seen
            FROM agents LIMIT $1
            """;
    private static final String CONTAINERS = """
            SELECT uuid, kind, type, labels, spec, spec_content_type, %s, agent_id, epoch, migration_status,
                   preferred_cluster, last_migration_at, created_at
            FROM containers LIMIT $1
            """.formatted(StoreCodec.RESOURCES_FIELDS);
    private static final String GONE_AGENTS = "SELECT agent_id FROM node_health WHERE status = $1 LIMIT $2";

    private RestoreRead() {}

    /**
     * Everything the store holds for a registry led with {@code leaderEpoch}, on one connection of the pool.
     *
     * @param rowLimit the most rows read from each table; null for all of them
     */
    static Uni<StoredState> read(Pool pool, long leaderEpoch, Long rowLimit) {
        return pool.withConnection(connection -> rows(connection, AGENTS, Tuple.of(rowLimit), RestoreRead::agent)
                .chain(agents -> rows(connection, CONTAINERS, Tuple.of(rowLimit), RestoreRead::container)
                        .chain(containers -> rows(connection, GONE_AGENTS,
                                Tuple.of(StoreCodec.status(NodeStatus.NODE_STATUS_UNHEALTHY), rowLimit),
                                row -> row.getString("agent_id"))
                                .map(gone -> new StoredState(leaderEpoch, agents, containers, Set.copyOf(gone))))));
    }

    private static <T> Uni<List<T>> rows(SqlConnection connection, String sql, Tuple arguments,
            Function<Row, T> mapper) {
        return connection.preparedQuery(sql).mapping(mapper).execute(arguments).map(RestoreRead::list);
    }

    private static <T> List<T> list(RowSet<T> rows) {
        List<T> list = new ArrayList<>(rows.size());
        rows.forEach(list::add);
        return list;
    }

    private static StoredAgent agent(Row row) {
        return new StoredAgent(row.getString("id"), row.getString("instance_id"), row.getString("endpoint"),
                row.getString("cluster"), strings(row, "labels"), strings(row, "kinds"),
                StoreCodec.capacity(json(row, "capacity")), StoreCodec.millis(row.getOffsetDateTime("first_seen")),
                StoreCodec.millis(row.getOffsetDateTime("last_seen")));
    }

    private static StoredContainer container(Row row) {
        // getBytes() answers a copy of its own: wrapping it spares the protobuf a second one.
        Payload spec = Payload.newBuilder()
                .setData(UnsafeByteOperations.unsafeWrap(row.getBuffer("spec").getBytes()))
                .setContentType(row.getString("spec_content_type")).build();
        String agentId = row.getString("agent_id");
        return new StoredContainer(row.getString("uuid"), row.getString("kind"),
                StoreCodec.type(row.getString("type")), strings(row, "labels"), spec,
                StoreCodec.resources(row), agentId == null ? "" : agentId, row.getLong("epoch"),
                StoreCodec.migration(row.getString("migration_status")), row.getString("preferred_cluster"),
                StoreCodec.millis(row.getOffsetDateTime("last_migration_at")),
                StoreCodec.millis(row.getOffsetDateTime("created_at")));
    }

    private static List<String> strings(Row row, String column) {
        return Arrays.asList(row.getArrayOfStrings(column));
    }

    private static Map<String, Object> json(Row row, String column) {
        return row.getJsonObject(column).getMap();
    }
}
