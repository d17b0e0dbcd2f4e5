package dev.vnet.network.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The store's timing and its guards, under {@code vnet.store}. The database itself is configured with
 * {@code vnet.db.url}, {@code vnet.db.user} and {@code vnet.db.password} (environment: VNET_DB_URL, VNET_DB_USER,
 * VNET_DB_PASSWORD).
 */
@ConfigMapping(prefix = "vnet.store")
public interface StoreConfig {

    /** The setting named in the DEADLINE_EXCEEDED an operator's read answers when the store is too slow. */
    String ADMIN_READ_TIMEOUT = "vnet.store.admin-read-timeout";

    /** How often pending writes are flushed, in one transaction, to PostgreSQL. */
    @WithDefault("250ms")
    Duration flushInterval();

    /**
     * How long a replica waits between attempts to join the election while PostgreSQL is unusable (start-up): the
     * delay of the join's retry guard, which has no maximum number of attempts and no maximum duration.
     */
    @WithDefault("2s")
    Duration retryInterval();

    /**
     * Each wait between join attempts is the retry interval give or take up to this (never below zero), so that
     * replicas started together do not hit a recovering database in step.
     */
    @WithDefault("500ms")
    Duration retryJitter();

    /**
     * Bound of one flush and of a replica's warm-up of the restore's read at start-up; a slower database counts as
     * unreachable (a warm-up that fails only logs).
     */
    @WithDefault("10s")
    Duration timeout();

    /**
     * Most container and move rows one flush writes; what is left is written by the next flush, at once. Every flush
     * holds a share lock on the leader row until it commits, and the leader's lease renewal waits for that lock: an
     * unbounded flush (a thousand agents registering a million containers) held it for seconds and cost the leader
     * its lease. Agents' rows and heartbeats, one per agent, are always written whole.
     */
    @WithDefault("2000")
    int maxRowsPerFlush();

    /**
     * Bound of each of the two steps of a takeover's restore: reading every agent and container from the store, and
     * building the registry from them. It grows with the registry (a million containers: 10 s on an idle two-core
     * machine sharing its CPU with PostgreSQL, 27 s beside other work), so it is not the flush's bound: a take-up that
     * outlasts it fails, and the replica lets go of the lock and tries again, which at that size would never succeed.
     */
    @WithDefault("60s")
    Duration restoreTimeout();

    /**
     * Bound of one operator's read from the store (nodes, move history, the leader row), waiting for an admin
     * thread included; a slower read fails DEADLINE_EXCEEDED naming this setting.
     */
    @WithDefault("5s")
    Duration adminReadTimeout();

    /** The circuit breaker around the store writer's flush. */
    Breaker breaker();

    /**
     * While PostgreSQL fails, the store writer's flushes open a circuit breaker: no flush is tried while it is open
     * (changes wait in memory, readiness is DOWN saying why); after the delay one flush is let through, and the
     * breaker closes once enough of those succeed.
     */
    interface Breaker {

        /** Flushes in the rolling window the breaker judges (also the fewest it judges at all). */
        @WithDefault("4")
        int requestVolumeThreshold();

        /** Share of failed flushes in that window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before it lets one flush through. */
        @WithDefault("5s")
        Duration delay();

        /** Flushes let through that must succeed in a row to close the breaker again. */
        @WithDefault("1")
        int successThreshold();
    }
}
