package dev.vnet.network.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.network.store.FreshDatabase;
import dev.vnet.proto.v1.LeaderInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The election against a real PostgreSQL (a database of its own), with short timings. */
class LeaderElectionTest {

    private static final Duration RETRY = Duration.ofMillis(100);
    private static final Duration LEASE = Duration.ofMillis(1500);
    /** Far past every take-up of these tests but the one that hangs. */
    private static final Duration TAKE_UP_BOUND = Duration.ofSeconds(30);

    private final FreshDatabase database = new FreshDatabase();
    private final List<LeaderElection> started = new CopyOnWriteArrayList<>();
    private String jdbcUrl;

    @BeforeEach
    void migrate() {
        Map<String, String> config = database.start();
        jdbcUrl = "jdbc:" + config.get("vnet.db.url");
        Flyway.configure().dataSource(jdbcUrl, "postgres", "").load().migrate();
    }

    @AfterEach
    void stop() {
        started.forEach(LeaderElection::close);
        database.stop();
    }

    @Test
    void theFirstCandidateLeadsAndTheOtherKnowsWhereItIs() {
        Recorder a = candidate("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.epoch() == 1);
        Recorder b = candidate("b");

        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader != null);
        assertThat(b.leader.getHolder()).isEqualTo("a");
        assertThat(b.leader.getEndpoint()).isEqualTo("a:1");
        assertThat(b.elections).isEmpty();
    }

    @Test
    void aLeaderThatLeavesIsReplacedAtOnceWithANewEpoch() {
        Recorder a = candidate("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.epoch() == 1);
        Recorder b = candidate("b");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader != null);

        long leftAt = System.nanoTime();
        started.get(0).close();

        await().atMost(Duration.ofSeconds(5)).until(() -> b.epoch() == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - leftAt)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aLeaderThatLetsGoIsReplacedWithoutWaitingForTheNextTry() {
        Duration slowRetry = Duration.ofSeconds(5);
        Recorder a = candidate("a", slowRetry, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.epoch() == 1);
        Recorder b = candidate("b", slowRetry, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader != null);

        long leftAt = System.nanoTime();
        started.get(0).close();

        await().atMost(Duration.ofSeconds(4)).until(() -> b.epoch() == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - leftAt)).as("well within one retry interval")
                .isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aTakeUpThatOutlastsTheLeaseKeepsItRenewed() throws InterruptedException {
        Recorder a = new Recorder();
        // A restore of a large registry: seconds, longer than the lease.
        a.takingUp = new CountDownLatch(1);
        start("a", RETRY, LEASE, TAKE_UP_BOUND, a);
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.elections.isEmpty());
        Recorder b = candidate("b");

        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader != null);
        await().during(LEASE.multipliedBy(3)).atMost(LEASE.multipliedBy(4))
                .until(() -> b.elections.isEmpty() && a.deposals.isEmpty());
        a.takingUp.countDown();

        await().during(LEASE).atMost(LEASE.multipliedBy(2)).until(() -> b.elections.isEmpty());
        assertThat(a.elections).containsExactly("1:false");
    }

    @Test
    void aTakeUpThatHangsPastItsBoundLetsGoOfTheLock() {
        Recorder a = new Recorder();
        // Never counted down: the take-up hangs until it is interrupted.
        a.takingUp = new CountDownLatch(1);
        Duration bound = LEASE.multipliedBy(3);
        start("a", RETRY, LEASE, bound, a);
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.elections.isEmpty());
        long electedAt = System.nanoTime();
        Recorder b = candidate("b");

        await().atMost(bound.multipliedBy(4)).until(() -> b.epoch() == 2);
        // Measured from when the test saw the election, up to a poll later than it happened: a margin of a lease.
        assertThat(Duration.ofNanos(System.nanoTime() - electedAt)).as("held, renewed, until about the bound")
                .isGreaterThan(bound.minus(LEASE));
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.deposals.isEmpty());
        assertThat(a.deposals).singleElement().asString().contains("outlasted its bound of " + bound.toMillis());
    }

    @Test
    void aFrozenLeadersSessionIsEndedOnceItsLeaseIsStale() throws SQLException {
        try (Connection frozen = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement statement = frozen.createStatement()) {
            statement.execute("SELECT pg_try_advisory_lock(" + LeaderElection.LOCK_KEY + ")");
            statement.execute("UPDATE coordinator_leader SET epoch = 7, holder = 'frozen', endpoint = 'f:1', "
                    + "renewed_at = now() WHERE id = 1");
            Recorder b = candidate("b");
            await().atMost(Duration.ofSeconds(5)).until(() -> b.leader != null);
            assertThat(b.elections).as("not while the lease is fresh").isEmpty();

            await().atMost(Duration.ofSeconds(10)).until(() -> b.epoch() == 8);
            assertThat(isAlive(frozen)).as("the frozen leader's session was ended").isFalse();
        }
    }

    /**
     * A leader frozen in the middle of a store write holds the leader row under a share lock (the write's fence):
     * the standby ends that write too, and is elected promptly instead of blocking on the row until its session
     * times out (the cause of the frozen-leader IT failing by chance).
     */
    @Test
    void aFrozenLeadersUnfinishedStoreWriteDoesNotBlockTheTakeover() throws SQLException {
        try (Connection frozen = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement lock = frozen.createStatement();
                Connection frozenWriter = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement write = frozenWriter.createStatement()) {
            lock.execute("SELECT pg_try_advisory_lock(" + LeaderElection.LOCK_KEY + ")");
            lock.execute("UPDATE coordinator_leader SET epoch = 7, holder = 'frozen', endpoint = 'f:1', "
                    + "renewed_at = now() WHERE id = 1");
            frozenWriter.setAutoCommit(false);
            write.executeQuery("SELECT epoch FROM coordinator_leader WHERE id = 1 FOR SHARE").close();

            long frozenAt = System.nanoTime();
            Recorder b = candidate("b");
            await().atMost(Duration.ofSeconds(10)).until(() -> b.epoch() == 8);
            assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).as("the lease, then a prompt takeover")
                    .isLessThan(LEASE.plusSeconds(3));
            assertThat(b.elections).containsExactly("8:false");
            assertThat(isAlive(frozen)).as("the frozen leader's session was ended").isFalse();
            assertThat(isAlive(frozenWriter)).as("the frozen leader's unfinished write was ended").isFalse();
        }
    }

    @Test
    void aLeaderWhoseEpochMovesStepsDown() throws SQLException {
        Recorder a = candidate("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.epoch() == 1);

        execute("UPDATE coordinator_leader SET epoch = epoch + 1 WHERE id = 1");

        await().atMost(Duration.ofSeconds(5)).until(() -> !a.deposals.isEmpty());
        assertThat(a.deposals.get(0)).contains("no longer current");
    }

    @Test
    void aBrokenLockSessionIsRepairedWithANewEpochWithoutStoppingService() throws SQLException {
        Recorder a = candidate("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.epoch() == 1);

        execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'vnet-network:a'");

        await().atMost(Duration.ofSeconds(5)).until(() -> a.epoch() == 2);
        assertThat(a.elections.get(1)).as("continuing").endsWith(":true");
        assertThat(a.deposals).isEmpty();
    }

    private Recorder candidate(String name) {
        return candidate(name, RETRY, LEASE);
    }

    private Recorder candidate(String name, Duration retry, Duration lease) {
        return start(name, retry, lease, TAKE_UP_BOUND, new Recorder());
    }

    private Recorder start(String name, Duration retry, Duration lease, Duration takeUpBound, Recorder recorder) {
        LeaderElection election = new LeaderElection(jdbcUrl, "postgres", "", name, name + ":1", "", retry, lease,
                takeUpBound, recorder);
        started.add(election);
        election.start();
        return recorder;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static boolean isAlive(Connection connection) {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
            return rows.next();
        } catch (SQLException e) {
            return false;
        }
    }

    /** Records what the election tells the coordinator. */
    private static final class Recorder implements LeaderListener {
        final List<String> elections = new CopyOnWriteArrayList<>();
        final List<String> deposals = new CopyOnWriteArrayList<>();
        volatile LeaderInfo leader;
        /** While set, taking up leadership lasts until it is counted down (at most a minute). */
        volatile CountDownLatch takingUp;

        @Override
        public boolean elected(long epoch, boolean continuing) {
            elections.add(epoch + ":" + continuing);
            CountDownLatch until = takingUp;
            if (until != null) {
                try {
                    return until.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        @Override
        public void deposed(String reason) {
            deposals.add(reason);
        }

        @Override
        public void leaderIs(LeaderInfo info) {
            leader = info;
        }

        long epoch() {
            return elections.isEmpty() ? 0 : Long.parseLong(elections.get(elections.size() - 1).split(":")[0]);
        }
    }
}
