package dev.vnet.network.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.vnet.network.Coordinator;
import dev.vnet.network.access.Failures;
import dev.vnet.network.registry.StoredAgent;
import dev.vnet.network.registry.StoredContainer;
import dev.vnet.network.registry.StoredHealth;
import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.MigrationStatus;
import dev.vnet.proto.v1.NodeInfo;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Resources;
import io.grpc.Status;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store against a real PostgreSQL (a database of its own, created empty for this test run). */
@QuarkusTest
@WithTestResource(FreshDatabase.class)
class StoreTest {

    private static final Duration WRITTEN = Duration.ofSeconds(10);

    @Inject
    Coordinator coordinator;

    @Inject
    StoreReader reader;

    @Inject
    StoreConfig config;

    @Inject
    Pool pool;

    @ConfigProperty(name = "vnet.db.url")
    String databaseUrl;

    @TestHTTPResource("/api/v1/nodes")
    URI nodesApi;

    @BeforeEach
    void coordinatorIsUp() {
        await().atMost(Duration.ofSeconds(30)).until(coordinator::isReady);
    }

    @Test
    void theSchemaIsMigratedFromAnEmptyDatabase() {
        List<String> tables = column("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
                Tuple.tuple());
        assertThat(tables).contains("agents", "node_health", "containers", "container_migration_history",
                "coordinator_leader", "flyway_schema_history");
        assertThat(column("SELECT version || ':' || success FROM flyway_schema_history WHERE version IS NOT NULL",
                Tuple.tuple())).contains("1:true");
    }

    @Test
    void theSessionTicketKeyIsMadeWithTheSchemaAndEveryReadGetsTheSameOne() {
        byte[] key = reader.sessionTicketKey();
        assertThat(key).hasSize(32);
        assertThat(reader.sessionTicketKey()).as("what every replica, and every later leader, reads").isEqualTo(key);
        assertThat(key).as("random, not a default").isNotEqualTo(new byte[32]);
    }

    @Test
    void anAgentAndItsHealthRoundTrip() {
        Capacity capacity = Capacity.newBuilder().setCpu(4).setMemoryBytes(8L << 30).setMaxContainers(50).build();
        StoredAgent agent = new StoredAgent("store-agent", "i-1", "10.0.0.7:3738", "eu-1", List.of("ssd", "tier=a"),
                List.of("echo", "kv"), capacity, 1_700_000_000_000L, 1_700_000_005_000L);
        Load load = Load.newBuilder().setCpu(0.25).setMemoryBytes(123_456_789L).setContainers(3).build();
        coordinator.writer().agent(agent);
        coordinator.writer().health(new StoredHealth("store-agent", NodeStatus.NODE_STATUS_DRAINING,
                1_700_000_004_000L, capacity, load));

        await().atMost(WRITTEN).untilAsserted(() -> assertThat(reader.load(0).agents()).contains(agent));
        NodeInfo node = reader.nodes(NodeStatus.NODE_STATUS_DRAINING).stream()
                .filter(n -> n.getAgentId().equals("store-agent")).findFirst().orElseThrow();
        assertThat(node.getStatus()).isEqualTo(NodeStatus.NODE_STATUS_DRAINING);
        assertThat(node.getLastHeartbeatMs()).isEqualTo(1_700_000_004_000L);
        assertThat(node.getCapacity()).isEqualTo(capacity);
        assertThat(node.getLoad()).isEqualTo(load);
        assertThat(node.getEndpoint()).isEqualTo("10.0.0.7:3738");
        assertThat(node.getCluster()).isEqualTo("eu-1");
        assertThat(node.getFirstSeenMs()).isEqualTo(1_700_000_000_000L);
        assertThat(column("SELECT written_epoch::text FROM node_health WHERE agent_id = $1", Tuple.of("store-agent")))
                .containsExactly(Long.toString(coordinator.leaderEpoch()));
        assertThat(reader.load(0).goneAgentIds()).as("draining is alive").doesNotContain("store-agent");

        coordinator.writer().health(new StoredHealth("store-agent", NodeStatus.NODE_STATUS_UNHEALTHY,
                1_700_000_006_000L, capacity, load));
        await().atMost(WRITTEN).untilAsserted(() -> assertThat(reader.load(0).goneAgentIds()).contains("store-agent"));
    }

    @Test
    void aContainerRoundTripsAndIsDeleted() {
        StoredContainer container = new StoredContainer("store-c1", "kv", ContainerType.CONTAINER_TYPE_HA,
                List.of("tenant=a"), Payload.newBuilder().setData(ByteString.copyFromUtf8("{\"data\":{\"k\":1}}"))
                        .setContentType("application/json").build(),
                Resources.newBuilder().setCpu(0.5).setMemoryBytes(64L << 20).build(), "agent-x", 77L << 32 | 3,
                MigrationStatus.MIGRATION_STATUS_COMPLETED, "eu-2", 1_700_000_100_000L, 1_700_000_000_000L);
        coordinator.writer().container(container);

        await().atMost(WRITTEN).untilAsserted(() -> assertThat(reader.load(0).containers()).contains(container));

        coordinator.writer().containerRemoved("store-c1");
        await().atMost(WRITTEN).untilAsserted(() -> assertThat(reader.load(0).containers())
                .extracting(StoredContainer::uuid).doesNotContain("store-c1"));
    }

    @Test
    void everyKindOfContainerRowRoundTripsThroughTheRestoreRead() {
        // Not UTF-8, and with a zero byte: the spec is opaque bytes.
        Payload binary = Payload.newBuilder().setData(ByteString.copyFrom(new byte[] {0, (byte) 0xff, 7, 0}))
                .setContentType("application/octet-stream").build();
        StoredContainer moving = new StoredContainer("store-c2", "echo", ContainerType.CONTAINER_TYPE_STATELESS,
                List.of("tenant=b", "zone=1", "ssd"), binary, Resources.newBuilder().setCpu(2).setMemoryBytes(1L << 40)
                        .build(), "agent-y", Long.MAX_VALUE, MigrationStatus.MIGRATION_STATUS_MIGRATING, "",
                1_700_000_200_001L, 1_700_000_000_001L);
        // No agent (agent_id NULL), never moved (last_migration_at NULL), nothing but defaults.
        StoredContainer bare = new StoredContainer("store-c3", "kv", ContainerType.CONTAINER_TYPE_STANDARD, List.of(),
                Payload.getDefaultInstance(), Resources.getDefaultInstance(), "", 0,
                MigrationStatus.MIGRATION_STATUS_FAILED, "us-1", 0, 1_700_000_000_002L);
        coordinator.writer().container(moving);
        coordinator.writer().container(bare);

        await().atMost(WRITTEN).untilAsserted(() -> assertThat(reader.load(0).containers()).contains(moving, bare));
        assertThat(column("SELECT coalesce(agent_id, 'null') || ',' || coalesce(last_migration_at::text, 'null') "
                + "FROM containers WHERE uuid = $1", Tuple.of("store-c3")))
                .as("what the restore read had to take for empty").containsExactly("null,null");
    }

    @Test
    void rowsHoldingOnlyTheSchemaDefaultsAreRestoredAsEmptyValues() {
        column("INSERT INTO agents (id, instance_id, endpoint, first_seen, last_seen, written_epoch) "
                + "VALUES ('sql-agent', 'i-9', 'h:9', to_timestamp(1700000000.5), to_timestamp(1700000001), 0) "
                + "RETURNING id", Tuple.tuple());
        column("INSERT INTO containers (uuid, kind, type, epoch, created_at, updated_at, written_epoch) "
                + "VALUES ('sql-c', 'echo', 'standard', 5, to_timestamp(1700000000.25), now(), 0) RETURNING uuid",
                Tuple.tuple());

        assertThat(reader.load(0).agents()).contains(new StoredAgent("sql-agent", "i-9", "h:9", "", List.of(),
                List.of(), Capacity.getDefaultInstance(), 1_700_000_000_500L, 1_700_000_001_000L));
        assertThat(reader.load(0).containers()).contains(new StoredContainer("sql-c", "echo",
                ContainerType.CONTAINER_TYPE_STANDARD, List.of(), Payload.getDefaultInstance(),
                Resources.getDefaultInstance(), "", 5, MigrationStatus.MIGRATION_STATUS_IDLE, "", 0,
                1_700_000_000_250L));
    }

    @Test
    void migrationsAreAppendedToTheHistoryAndReadNewestFirst() {
        MigrationInfo failed = MigrationInfo.newBuilder().setContainerUuid("store-m1").setFromAgent("a1")
                .setTrigger("automatic").setStatus(MigrationStatus.MIGRATION_STATUS_FAILED)
                .setStartedAtMs(1_700_000_000_000L).setFinishedAtMs(1_700_000_000_020L).setDurationMs(20)
                .setError("no room").build();
        MigrationInfo completed = failed.toBuilder().setToAgent("a2").setStatus(MigrationStatus.MIGRATION_STATUS_COMPLETED)
                .setStartedAtMs(1_700_000_001_000L).setFinishedAtMs(1_700_000_001_300L).setDurationMs(300).setError("")
                .build();
        coordinator.writer().migration(failed);
        coordinator.writer().migration(completed);

        await().atMost(WRITTEN).untilAsserted(() -> assertThat(reader.history("store-m1", 10))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("id_")
                .extracting(m -> m.toBuilder().clearId().build())
                .containsExactly(completed, failed));
        assertThat(reader.history("store-m1", 1)).hasSize(1);
    }

    @Test
    void theLeaderRowNamesThisCoordinatorAndItsEpoch() {
        assertThat(reader.leader().getEpoch()).isEqualTo(coordinator.leaderEpoch()).isPositive();
        assertThat(reader.leader().getEndpoint()).endsWith(":" + coordinator.grpcPort());
    }

    @Test
    void aWriterWhoseEpochIsNoLongerCurrentWritesNothing() {
        StoreWriter stale = new StoreWriter(pool, config);
        AtomicLong deposedBy = new AtomicLong();
        try {
            stale.start(coordinator.leaderEpoch() - 1, deposedBy::set);
            stale.agent(new StoredAgent("ghost", "i", "h:1", "", List.of(), List.of(), Capacity.getDefaultInstance(),
                    0, 0));
            stale.flush();

            assertThat(deposedBy.get()).isEqualTo(coordinator.leaderEpoch());
            assertThat(column("SELECT id FROM agents WHERE id = $1", Tuple.of("ghost"))).isEmpty();
        } finally {
            stale.close();
        }
    }

    @Test
    void aBacklogLargerThanOneFlushIsWrittenWholeInTransactionsOfBoundedSize() {
        // A burst of registrations: unbounded, it went out in one transaction holding the leader row for seconds.
        int rows = 2 * config.maxRowsPerFlush() + 7;
        StoreWriter bulk = new StoreWriter(pool, config);
        try {
            for (int i = 0; i < rows; i++) {
                bulk.container(new StoredContainer("bulk-" + i, "echo", ContainerType.CONTAINER_TYPE_STANDARD,
                        List.of(), Payload.getDefaultInstance(), Resources.getDefaultInstance(), "agent-bulk", 1,
                        MigrationStatus.MIGRATION_STATUS_UNSPECIFIED, "", 0, 1_700_000_000_000L));
            }
            bulk.start(coordinator.leaderEpoch(), newer -> { });

            await().atMost(WRITTEN).untilAsserted(() -> assertThat(
                    column("SELECT count(*) FROM containers WHERE uuid LIKE 'bulk-%'", Tuple.tuple()))
                    .containsExactly(Integer.toString(rows)));
            assertThat(bulk.rowsWritten()).isEqualTo(rows);
            assertThat(bulk.flushes()).as("transactions of at most vnet.store.max-rows-per-flush rows")
                    .isGreaterThanOrEqualTo(3);
            assertThat(bulk.pending()).isZero();
        } finally {
            bulk.close();
            column("DELETE FROM containers WHERE uuid LIKE 'bulk-%' RETURNING uuid", Tuple.tuple());
        }
    }

    @Test
    void anAdminReadThatTheStoreKeepsWaitingFailsDeadlineExceededNamingItsSetting() throws Exception {
        long bound = config.adminReadTimeout().toMillis();
        // Another session holds node_health exclusively: the read of the nodes waits in PostgreSQL for real.
        try (Connection locker = DriverManager.getConnection("jdbc:" + databaseUrl, "postgres", "")) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE node_health IN ACCESS EXCLUSIVE MODE");
            }
            long startedAt = System.nanoTime();
            Throwable failure = coordinator.admin().nodes(NodeStatus.NODE_STATUS_UNSPECIFIED)
                    .handle((nodes, error) -> error).get(bound + 30_000, TimeUnit.MILLISECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);

            Status status = Failures.toStatus(failure);
            assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(status.getDescription()).contains(StoreConfig.ADMIN_READ_TIMEOUT).contains(bound + " ms");
            assertThat(tookMs).as("answered at the bound, not when the lock went").isGreaterThanOrEqualTo(bound)
                    .isLessThan(bound + 20_000);

            HttpResponse<String> rest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(nodesApi)
                    .timeout(Duration.ofMillis(bound + 30_000)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).isEqualTo(504);
            assertThat(rest.body()).contains("DEADLINE_EXCEEDED").contains(StoreConfig.ADMIN_READ_TIMEOUT);
            locker.rollback();
        }
        assertThat(coordinator.admin().nodes(NodeStatus.NODE_STATUS_UNSPECIFIED).get(30, TimeUnit.SECONDS))
                .as("once the lock is gone the same read answers").isNotNull();
    }

    private List<String> column(String sql, Tuple arguments) {
        List<String> values = new ArrayList<>();
        for (Row row : pool.preparedQuery(sql).execute(arguments).await().atMost(Duration.ofSeconds(10))) {
            values.add(String.valueOf(row.getValue(0)));
        }
        return values;
    }
}
