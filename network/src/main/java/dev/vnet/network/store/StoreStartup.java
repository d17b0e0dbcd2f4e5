package dev.vnet.network.store;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;

/**
 * What a coordinator does with the store before it serves: bring the schema up to date (Flyway, versioned
 * migrations under {@code db/migration}) and take the leader epoch, which fences every write of every earlier
 * coordinator.
 */
@ApplicationScoped
public class StoreStartup {

    private static final String TAKE_EPOCH = """
            UPDATE coordinator_leader SET epoch = epoch + 1, holder = $1, endpoint = $2, since = now(), renewed_at = now()
            WHERE id = 1 RETURNING epoch
            """;

    private final Flyway flyway;
    private final Pool pool;
    private final StoreConfig config;

    public StoreStartup(Flyway flyway, Pool pool, StoreConfig config) {
        this.flyway = flyway;
        this.pool = pool;
        this.config = config;
    }

    /** Applies the migrations this database has not had yet; safe to run from several replicas at once. */
    public void migrate() {
        flyway.migrate();
    }

    /** Takes the next leader epoch for {@code holder} (reachable at {@code endpoint}) and answers it. */
    public long takeLeaderEpoch(String holder, String endpoint) {
        return pool.preparedQuery(TAKE_EPOCH).execute(Tuple.of(holder, endpoint))
                .map(rows -> rows.iterator().next().getLong(0))
                .await().atMost(config.timeout());
    }
}
