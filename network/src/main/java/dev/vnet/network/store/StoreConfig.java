package dev.vnet.network.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The store's timing, under {@code vnet.store}. The database itself is configured with {@code vnet.db.url},
 * {@code vnet.db.user} and {@code vnet.db.password} (environment: VNET_DB_URL, VNET_DB_USER, VNET_DB_PASSWORD).
 */
@ConfigMapping(prefix = "vnet.store")
public interface StoreConfig {

    /** How often pending writes are flushed, in one transaction, to PostgreSQL. */
    @WithDefault("250ms")
    Duration flushInterval();

    /** How long to wait between attempts while PostgreSQL is unreachable (at start-up and for writes). */
    @WithDefault("2s")
    Duration retryInterval();

    /** Bound of one flush or one read; a slower database counts as unreachable. */
    @WithDefault("10s")
    Duration timeout();
}
