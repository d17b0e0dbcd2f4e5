package dev.vnet.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.vnet.it.support.PrivatePostgres;
import dev.vnet.network.registry.StoredContainer;
import dev.vnet.network.store.PrivateDatabase;
import dev.vnet.network.store.StoreReader;
import dev.vnet.network.store.StoreWriter;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.MigrationStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Resources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The coordinator's guards against a PostgreSQL outage, on a PostgreSQL of the test's own that it stops and starts:
 * the election join retries until the database comes up, and the store writer's circuit breaker opens while the
 * database is down (readiness DOWN, saying why; the metric shows it) and closes after it, losing no write. The
 * database is down when the coordinator boots, so the join comes first.
 */
@QuarkusTest
@TestProfile(StoreOutageTest.QuickGuards.class)
@WithTestResource(PrivateDatabase.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreOutageTest {

    /**
     * Short guard timings, so that the test sees several retries and a whole open-and-close of the breaker; a long
     * leader lease, so that the outage (seconds of stopping and starting PostgreSQL on a loaded machine) does not
     * also depose the leader, which would rightly drop the writes of its term (LeaderElectionTest covers that).
     */
    public static class QuickGuards implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vnet.store.retry-interval", "100ms", "vnet.store.retry-jitter", "50ms",
                    "vnet.store.breaker.request-volume-threshold", "2", "vnet.store.breaker.delay", "1s",
                    "vnet.store.timeout", "2s", "vnet.network.leader.lease", "60s");
        }
    }

    /** Bound of anything that waits for PostgreSQL to start or for the coordinator to notice: generous, not timed. */
    private static final Duration NOTICED = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @PrivateDatabase.Server
    PrivatePostgres postgres;

    @Inject
    Coordinator coordinator;

    @Inject
    StoreReader reader;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    @BeforeEach
    void needsAPrivatePostgres() {
        PrivatePostgres.missing().ifPresent(Assumptions::abort);
        assertThat(postgres).as("the private PostgreSQL, from PrivateDatabase").isNotNull();
    }

    @Test
    @Order(1)
    void theReplicaJoinsTheElectionOnlyOnceItsDatabaseComesUpAndSaysMeanwhileWhy() throws Exception {
        // Several failed attempts: the guard goes on retrying, and readiness names the problem.
        await().atMost(NOTICED).until(() -> failedAttempts() >= 3);
        HttpResponse<String> notReady = get(readiness);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("cannot use PostgreSQL").contains("vnet.store.retry-interval");
        assertThat(coordinator.isReady()).isFalse();

        postgres.startAgain();

        await().atMost(NOTICED).until(coordinator::isReady);
        assertThat(coordinator.waitingForStore()).isNull();
        assertThat(coordinator.leaderEpoch()).isPositive();
        await().atMost(NOTICED).until(() -> get(readiness).statusCode() == 200);
    }

    @Test
    @Order(2)
    void theStoreBreakerOpensDuringAnOutageAndClosesAfterItWithoutLosingAWrite() throws Exception {
        if (!postgres.accepting()) {
            postgres.startAgain();
        }
        await().atMost(NOTICED).until(() -> coordinator.isReady() && get(readiness).statusCode() == 200);
        StoreWriter writer = coordinator.writer();
        assertThat(writer.breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(get(metrics).body()).containsPattern(breakerIs("closed"));

        postgres.stop();
        StoredContainer written = container("outage-c1");
        writer.container(written);

        await().atMost(NOTICED).until(() -> writer.breakerState() == CircuitBreakerState.OPEN);
        HttpResponse<String> down = get(readiness);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("store-writer").contains("circuit breaker is OPEN")
                .contains("changes wait in memory");
        assertThat(get(metrics).body()).containsPattern(breakerIs("open"));
        assertThat(writer.pending()).as("the write made during the outage waits").isPositive();
        assertThat(coordinator.isReady()).as("routing goes on: the gate stays open").isTrue();

        postgres.startAgain();

        await().atMost(NOTICED).until(() -> writer.breakerState() == CircuitBreakerState.CLOSED);
        await().atMost(NOTICED).until(() -> get(readiness).statusCode() == 200);
        assertThat(get(metrics).body()).containsPattern(breakerIs("closed"));
        await().atMost(NOTICED).untilAsserted(() -> assertThat(reader.load(0).containers()).contains(written));
    }

    /** The breaker's gauge for {@code state} at 1, as Prometheus shows it. */
    private static String breakerIs(String state) {
        return "vnet_store_breaker_state\\{state=\"" + state + "\",?\\} 1\\.0";
    }

    /** The failed attempts to join that readiness reports; 0 before the first. */
    private int failedAttempts() {
        String waiting = coordinator.waitingForStore();
        Matcher attempts = waiting == null ? null : Pattern.compile("(\\d+) attempts failed").matcher(waiting);
        return attempts != null && attempts.find() ? Integer.parseInt(attempts.group(1)) : 0;
    }

    private static StoredContainer container(String uuid) {
        return new StoredContainer(uuid, "kv", ContainerType.CONTAINER_TYPE_HA, List.of("tenant=a"),
                Payload.newBuilder().setData(ByteString.copyFromUtf8("{}")).setContentType("application/json").build(),
                Resources.newBuilder().setCpu(0.5).build(), "agent-x", 1L << 32 | 1,
                MigrationStatus.MIGRATION_STATUS_COMPLETED, "eu-2", 1_700_000_100_000L, 1_700_000_000_000L);
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
