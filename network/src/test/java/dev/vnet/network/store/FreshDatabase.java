package dev.vnet.network.store;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * Gives a test run its own empty database on the local PostgreSQL (127.0.0.1:5432, trust auth), so that tests
 * start from nothing, never see each other's rows, and show that the schema migrates from empty.
 */
public class FreshDatabase implements QuarkusTestResourceLifecycleManager {

    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private String name;

    @Override
    public Map<String, String> start() {
        name = "vnet_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE DATABASE " + name);
        return Map.of("vnet.db.url", "postgresql://127.0.0.1:5432/" + name);
    }

    @Override
    public void stop() {
        if (name != null) {
            execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(ADMIN_URL, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on the local PostgreSQL: " + e.getMessage(), e);
        }
    }
}
