package dev.vnet.network.leader;

import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.wire.DaemonThreads;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.PGConnection;

/**
 * Elects one leader among the coordinator replicas that share a PostgreSQL database, with a session-level advisory
 * lock held on a dedicated connection (never pooled: a pool would lose or leak the session and its lock) and an
 * epoch in {@code coordinator_leader} that fences every store write.
 *
 * <ul>
 *   <li>A standby tries the lock every retry interval. When it gets it, it takes the next epoch and leads. A lock
 *       that is free means its holder's session is gone (a killed process): it is taken at once.</li>
 *   <li>A held lock whose {@code renewed_at} is older than the lease (on the database's clock) belongs to a frozen
 *       leader (SIGSTOP, a long pause): the standby ends that session ({@code pg_terminate_backend}) and takes over.
 *       A store write the frozen leader left unfinished (it holds the leader row) is ended too once it blocks the
 *       new epoch for longer than {@link #writerWait()}. The frozen leader, when it wakes, finds its session gone or
 *       its epoch moved, and steps down.</li>
 *   <li>A leader that shuts down lets go of the lock and says so ({@code NOTIFY vnet_leader_released}); standbys
 *       wait for that between their tries ({@code LISTEN}) and take over at once.</li>
 *   <li>The leader renews {@code renewed_at} every retry interval, guarded by its epoch. A renewal that finds
 *       another epoch means it was replaced: it steps down. A failed renewal (the session broke) is repaired at once
 *       if the database answers (a new session, the lock again, a new epoch). If the database does not answer, the
 *       leader steps down, unless it saw no standby at its last renewal: then nobody can take over, and it goes on
 *       routing through the outage and takes the lock again when the database is back.</li>
 * </ul>
 * Every acquisition of the lock takes a new epoch, so an epoch names one uninterrupted holding of the lock.
 */
public final class LeaderElection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());
    /** The advisory lock key: "vnetLead" in ASCII. */
    static final long LOCK_KEY = 0x766E65744C656164L;
    private static final String APPLICATION = "vnet-network:";
    /** The channel a leader that lets go of the lock notifies, so that standbys take over without waiting. */
    private static final String RELEASED = "vnet_leader_released";
    /** SQLSTATE of a statement that gave up waiting for a lock ({@code lock_timeout}). */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String holder;
    private final String endpoint;
    private final String consoleUrl;
    private final Duration retry;
    private final Duration lease;
    private final Duration takeUpBound;
    private final LeaderListener listener;
    private final LeaderLease leaderLease;
    private final ScheduledExecutorService thread = DaemonThreads.scheduler("vnet-leader");
    /** Where the listener takes up leadership, while the election's thread keeps renewing the lease. */
    private final ExecutorService takeUps = Executors.newSingleThreadExecutor(DaemonThreads.factory("vnet-take-up"));

    private Connection connection;
    /** The session listens on {@link #RELEASED}. */
    private boolean listening;
    /** This replica holds the lock and leads with {@link #epoch}. */
    private boolean leading;
    /** This replica serves clients and agents: it leads, or rides out a database outage as the only replica. */
    private boolean serving;
    private long epoch;
    /** Written on the election thread, read by the console's overview. */
    private volatile int standbysAtLastRenewal;
    private String lastProblem;

    /**
     * @param consoleUrl  where operators reach this replica's console, recorded with the leadership
     * @param takeUpBound how long the listener may take to take up leadership (the restore) while the lease is
     *                    renewed for it; past it the replica lets go of the lock, so that a take-up that hangs
     *                    cannot hold the lock for ever
     */
    public LeaderElection(String jdbcUrl, String user, String password, String holder, String endpoint,
            String consoleUrl, Duration retry, Duration lease, Duration takeUpBound, LeaderListener listener) {
        this(jdbcUrl, user, password, holder, endpoint, consoleUrl, retry, new LeaderLease(lease), lease, takeUpBound,
                listener);
    }

    /** @param leaderLease the lease this election keeps, judged by this replica's clock; made for {@code lease} */
    public LeaderElection(String jdbcUrl, String user, String password, String holder, String endpoint,
            String consoleUrl, Duration retry, LeaderLease leaderLease, Duration lease, Duration takeUpBound,
            LeaderListener listener) {
        this.consoleUrl = consoleUrl;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.holder = holder;
        this.endpoint = endpoint;
        this.retry = retry;
        this.lease = lease;
        this.takeUpBound = takeUpBound;
        this.listener = listener;
        this.leaderLease = leaderLease;
    }

    /** The lease as this replica's own clock judges it: what the registry, the gate and the writer act under. */
    public LeaderLease lease() {
        return leaderLease;
    }

    /** Replicas that were waiting for the lock when this replica last led and renewed its lease. */
    public int standbyReplicas() {
        return standbysAtLastRenewal;
    }

    public void start() {
        thread.execute(this::tick);
    }

    /** Gives up leadership, e.g. because the store found the epoch moved; runs on the election thread. */
    public void stepDown(String reason) {
        thread.execute(() -> {
            if (serving || leading) {
                deposed(reason);
            }
        });
    }

    /** One step; schedules the next. A standby's step waits (for a release, or its retry interval) by itself. */
    private void tick() {
        long nextMs = retry.toMillis();
        try {
            if (leading) {
                lead();
            } else if (stand()) {
                nextMs = 0;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "leader election failed unexpectedly", e);
        }
        try {
            thread.schedule(this::tick, nextMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // close() has run: no next step
        }
    }

    // ---- as a standby (or a leader riding out an outage) ----

    /**
     * Tries to lead; when another replica does, waits until it announces that it let go (a graceful shutdown) or
     * until the retry interval (or the leader's lease, if sooner) has passed.
     *
     * @return whether it waited
     */
    private boolean stand() {
        Connection session;
        try {
            session = session();
        } catch (SQLException unreachable) {
            problem("cannot reach PostgreSQL for leader election (" + unreachable.getMessage() + ")"
                    + (serving ? "; still serving: no standby was known to take over" : ""));
            return false;
        }
        try {
            if (tryLock(session)) {
                elect(session);
                return false;
            }
            LeaderRow row = leaderRow(session);
            if (serving) {
                deposed("another coordinator (" + row.info().getHolder() + ", epoch " + row.info().getEpoch()
                        + ") took over while this one could not reach PostgreSQL");
                return false;
            }
            listener.leaderIs(row.info());
            long leaseLeftMs = lease.toMillis() - row.ageMs();
            if (leaseLeftMs >= 0) {
                lastProblem = null;
                awaitRelease(session, Math.min(retry.toMillis(), leaseLeftMs + 1));
                return true;
            }
            Integer pid = lockHolder(session);
            if (pid != null && endFrozenLeader(session, pid, row.info().getEpoch())) {
                LOG.log(Level.WARNING, String.format(
                        "leader %s (epoch %d) had not renewed its lease for over %d ms: ended its database "
                        + "session (backend %d) to take over", row.info().getHolder(), row.info().getEpoch(),
                        lease.toMillis(), pid));
            }
            if (tryLock(session)) {
                elect(session);
            }
            lastProblem = null;
        } catch (SQLException e) {
            dropSession();
            problem("leader election query failed (" + e.getMessage() + ")");
        }
        return false;
    }

    /** Waits up to {@code millis} for the leader to announce that it let go of the lock. */
    private void awaitRelease(Connection session, long millis) throws SQLException {
        if (!listening) {
            try (Statement listen = session.createStatement()) {
                listen.execute("LISTEN " + RELEASED);
            }
            listening = true;
        }
        session.unwrap(PGConnection.class).getNotifications((int) Math.max(1, millis));
    }

    private void elect(Connection session) throws SQLException {
        boolean continuing = serving;
        long sentAt = leaderLease.now();
        long taken = takeEpoch(session);
        epoch = taken;
        leaderLease.renewed(sentAt);
        leading = true;
        standbysAtLastRenewal = standbys(session);
        lastProblem = null;
        LOG.log(Level.INFO, String.format(
                "elected leader with epoch %d (%s at %s; %d standby replicas)%s", taken, holder, endpoint,
                standbysAtLastRenewal, continuing ? "; it had kept serving" : ""));
        if (takeUp(session, taken, continuing)) {
            serving = true;
        } else {
            LOG.log(Level.WARNING, String.format(
                    "could not take up leadership with epoch %d; releasing the lock", taken));
            leading = false;
            serving = false;
            leaderLease.released();
            dropSession();
        }
    }

    /**
     * Lets the listener take up leadership on a thread of its own, and renews the lease meanwhile, every retry
     * interval. The take-up restores the registry, which grows with it (7-15 s for a million containers here): if it
     * outlasted the lease unrenewed, the lease would run out by this replica's own clock, the registry (which acts on
     * nothing while the lease is in doubt) would wait for the election, the election for the take-up, and both until
     * the restore timed out; and a standby would take over meanwhile. The take-up is given up (interrupted, and the
     * listener told it is deposed) when it outlasts its bound, or when the lease can no longer be renewed for it.
     */
    private boolean takeUp(Connection session, long taken, boolean continuing) {
        Future<Boolean> takingUp = takeUps.submit(() -> listener.elected(taken, continuing));
        long deadline = System.nanoTime() + takeUpBound.toNanos();
        String givenUp = null;
        while (givenUp == null) {
            try {
                return takingUp.get(retry.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillTakingUp) {
                givenUp = System.nanoTime() - deadline > 0
                        ? "taking up epoch " + taken + " outlasted its bound of " + takeUpBound.toMillis() + " ms"
                        : renewDuringTakeUp(session, taken);
            } catch (ExecutionException failed) {
                LOG.log(Level.ERROR, String.format("taking up leadership with epoch %d failed", taken),
                        failed.getCause());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        takingUp.cancel(true);
        LOG.log(Level.WARNING, String.format("gave up taking up leadership: %s", givenUp));
        // The listener's transitions are serialised, and the take-up may still hold them: it hears of the deposal
        // once the take-up has let go, on the take-up's thread.
        String reason = givenUp;
        takeUps.execute(() -> listener.deposed(reason));
        return false;
    }

    /**
     * One renewal while the take-up runs.
     *
     * @return why the take-up must be given up (the epoch moved on, or the lock's session broke), or null
     */
    private String renewDuringTakeUp(Connection session, long taken) {
        long sentAt = leaderLease.now();
        try {
            if (!renew(session)) {
                return "epoch " + taken + " is no longer current: another coordinator took over";
            }
            leaderLease.renewed(sentAt);
            return null;
        } catch (SQLException e) {
            return "the lock's session broke while taking up epoch " + taken + " (" + e.getMessage() + ")";
        }
    }

    /**
     * Takes the next epoch. The leader row may be locked by a store write that a deposed leader began and never
     * finished (frozen between the fence and the commit): it would block the update for as long as it stays frozen,
     * and the election session's socket timeout would then break the session with the lock in it. Since this replica
     * holds the lock, every other transaction on the row belongs to a coordinator that no longer holds it: after a
     * short wait (a live writer commits in milliseconds) they are ended, and the update runs once more.
     */
    private long takeEpoch(Connection session) throws SQLException {
        try {
            return nextEpoch(session);
        } catch (SQLException blocked) {
            if (!LOCK_NOT_AVAILABLE.equals(blocked.getSQLState())) {
                throw blocked;
            }
        }
        List<Integer> ended = endStaleWriters(session);
        LOG.log(Level.WARNING, String.format(
                "the leader row was locked for over %d ms by a store write of a coordinator that no longer holds "
                + "the lock (a frozen process): ended its database sessions (backends %s)", writerWait().toMillis(),
                ended));
        return nextEpoch(session);
    }

    private long nextEpoch(Connection session) throws SQLException {
        try (Statement timeout = session.createStatement()) {
            timeout.execute("SET lock_timeout = " + writerWait().toMillis());
        }
        try (PreparedStatement update = session.prepareStatement("UPDATE coordinator_leader SET epoch = epoch + 1, "
                + "holder = ?, endpoint = ?, console_url = ?, since = now(), renewed_at = now() WHERE id = 1 "
                + "RETURNING epoch")) {
            update.setString(1, holder);
            update.setString(2, endpoint);
            update.setString(3, consoleUrl);
            try (ResultSet rows = update.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } finally {
            try (Statement reset = session.createStatement()) {
                reset.execute("RESET lock_timeout");
            }
        }
    }

    /** How long the election waits for a store write that holds the leader row before it ends that write. */
    private Duration writerWait() {
        return retry.compareTo(lease.dividedBy(2)) < 0 ? retry : lease.dividedBy(2);
    }

    // ---- as the leader ----

    private void lead() {
        try {
            long sentAt = leaderLease.now();
            long overdueMs = leaderLease.overdueMillis();
            if (!renew(connection)) {
                deposed("its epoch " + epoch + " is no longer current: another coordinator took over");
                return;
            }
            leaderLease.renewed(sentAt);
            if (overdueMs > 0) {
                LOG.log(Level.WARNING, String.format(
                        "renewed the leader lease %d ms after it had run out by this coordinator's clock (it was "
                        + "paused); nobody had taken over, so it goes on leading", overdueMs));
            }
            standbysAtLastRenewal = standbys(connection);
            lastProblem = null;
        } catch (SQLException broken) {
            dropSession();
            leading = false;
            try {
                Connection fresh = session();
                if (tryLock(fresh)) {
                    LOG.log(Level.WARNING, String.format(
                            "the lock session broke (%s); took the lock again on a new one", broken.getMessage()));
                    elect(fresh);
                } else {
                    deposed("its lock session broke (" + broken.getMessage() + ") and another coordinator holds the "
                            + "lock now");
                }
            } catch (SQLException unreachable) {
                if (standbysAtLastRenewal == 0) {
                    leaderLease.unbounded();
                    LOG.log(Level.WARNING, String.format(
                            "lost the lock session and cannot reach PostgreSQL (%s); no standby was known, so this "
                            + "coordinator keeps serving and takes the lock again when PostgreSQL is back",
                            unreachable.getMessage()));
                } else {
                    deposed("its lock session broke and PostgreSQL does not answer (" + unreachable.getMessage()
                            + "); " + standbysAtLastRenewal + " standby replicas may take over");
                }
            }
        }
    }

    private boolean renew(Connection session) throws SQLException {
        if (session == null) {
            throw new SQLException("no lock session");
        }
        try (PreparedStatement renew = session.prepareStatement(
                "UPDATE coordinator_leader SET renewed_at = now() WHERE id = 1 AND epoch = ?")) {
            renew.setLong(1, epoch);
            return renew.executeUpdate() == 1;
        }
    }

    private void deposed(String reason) {
        boolean was = serving || leading;
        leading = false;
        serving = false;
        dropSession();
        if (was) {
            LOG.log(Level.WARNING, String.format("stepping down as leader (epoch %d): %s", epoch, reason));
            listener.deposed(reason);
        }
        // After the listener has retired the registry: nothing held back while in doubt may run for this term.
        leaderLease.released();
    }

    // ---- the dedicated session ----

    private Connection session() throws SQLException {
        if (connection != null && !connection.isClosed()) {
            return connection;
        }
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", APPLICATION + holder);
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("socketTimeout", Long.toString(Math.max(2, lease.toSeconds())));
        properties.setProperty("tcpKeepAlive", "true");
        connection = DriverManager.getConnection(jdbcUrl, properties);
        connection.setAutoCommit(true);
        return connection;
    }

    private void dropSession() {
        Connection dropped = connection;
        connection = null;
        listening = false;
        if (dropped != null) {
            try {
                dropped.close();
            } catch (SQLException ignored) {
                // Closing a broken session: the database releases its lock with it either way.
            }
        }
    }

    private static boolean tryLock(Connection session) throws SQLException {
        try (PreparedStatement lock = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, LOCK_KEY);
            try (ResultSet rows = lock.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** The leader row, and how long ago (on the database's clock) it was last renewed. */
    private record LeaderRow(LeaderInfo info, long ageMs) {}

    private LeaderRow leaderRow(Connection session) throws SQLException {
        try (PreparedStatement read = session.prepareStatement("SELECT epoch, holder, endpoint, since, "
                + "(extract(epoch FROM clock_timestamp() - renewed_at) * 1000)::bigint, console_url "
                + "FROM coordinator_leader WHERE id = 1")) {
            try (ResultSet rows = read.executeQuery()) {
                rows.next();
                return new LeaderRow(LeaderInfo.newBuilder().setEpoch(rows.getLong(1)).setHolder(rows.getString(2))
                        .setEndpoint(rows.getString(3)).setSinceMs(rows.getTimestamp(4).getTime())
                        .setConsoleUrl(rows.getString(6)).build(),
                        rows.getLong(5));
            }
        }
    }

    /** The backend that holds the leader lock in this database, or null when nobody does. */
    private static Integer lockHolder(Connection session) throws SQLException {
        try (PreparedStatement find = session.prepareStatement("SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
                + "AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1 AND granted "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            find.setLong(1, LOCK_KEY >>> 32);
            find.setLong(2, LOCK_KEY & 0xFFFF_FFFFL);
            try (ResultSet rows = find.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    /**
     * Ends the lock holder's session if the leader row still shows {@code epoch} with an expired lease (checked in the
     * same statement: a replica that took over meanwhile has renewed the row and is left alone), and waits for that
     * session to be gone, so that the lock is free when this replica tries it next.
     *
     * @return whether it ended the session
     */
    private boolean endFrozenLeader(Connection session, int pid, long frozenEpoch) throws SQLException {
        try (PreparedStatement terminate = session.prepareStatement("SELECT pg_terminate_backend(?, ?) "
                + "FROM coordinator_leader WHERE id = 1 AND epoch = ? "
                + "AND renewed_at < clock_timestamp() - make_interval(secs => ?)")) {
            terminate.setInt(1, pid);
            terminate.setLong(2, writerWait().toMillis());
            terminate.setLong(3, frozenEpoch);
            terminate.setDouble(4, lease.toMillis() / 1000.0);
            try (ResultSet rows = terminate.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Ends every other session that holds a write lock on the leader row's table; answers their backends. */
    private List<Integer> endStaleWriters(Connection session) throws SQLException {
        try (PreparedStatement terminate = session.prepareStatement("SELECT pid, pg_terminate_backend(pid, ?) "
                + "FROM (SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'relation' AND granted "
                + "AND relation = 'coordinator_leader'::regclass AND mode IN ('RowShareLock', 'RowExclusiveLock') "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                + "AND pid <> pg_backend_pid()) writers")) {
            terminate.setLong(1, writerWait().toMillis());
            List<Integer> ended = new ArrayList<>();
            try (ResultSet rows = terminate.executeQuery()) {
                while (rows.next()) {
                    ended.add(rows.getInt(1));
                }
            }
            return ended;
        }
    }

    /** Other replicas with an election session open on this database: those that could take over. */
    private static int standbys(Connection session) throws SQLException {
        try (PreparedStatement count = session.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND application_name LIKE ? AND pid <> pg_backend_pid()")) {
            count.setString(1, APPLICATION + "%");
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private void problem(String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.log(Level.WARNING, problem);
            lastProblem = problem;
        }
    }

    /**
     * Leaves: a leader lets go of the lock and tells the standbys, which take over at once rather than at their
     * next try; the session's end would release the lock anyway.
     */
    @Override
    public void close() {
        if (thread.isShutdown()) {
            return;
        }
        try {
            thread.submit(this::release).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.log(Level.DEBUG, () -> String.format("could not announce the release of the leader lock: %s", e));
        }
        thread.shutdownNow();
        takeUps.shutdownNow();
        dropSession();
    }

    private void release() {
        Connection session = connection;
        if (!leading || session == null) {
            return;
        }
        try (Statement statement = session.createStatement()) {
            statement.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            statement.execute("NOTIFY " + RELEASED);
            leading = false;
            leaderLease.released();
            LOG.log(Level.INFO, String.format("released the leader lock (epoch %d)", epoch));
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, () -> String.format("could not release the leader lock cleanly: %s", e.getMessage()));
        }
    }
}
