package dev.vnet.it.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A database of a test's own on a PostgreSQL server with trust auth (the machine's on 127.0.0.1:5432, or a
 * {@link PrivatePostgres}): created empty, dropped at the end, so that coordinators of different tests never share
 * rows.
 */
public final class TestDatabase implements AutoCloseable {

    /** The machine's PostgreSQL, which tests share (each in a database of its own) and never stop. */
    public static final String MACHINE_SERVER = "127.0.0.1:5432";

    private final String server;
    private final String name = "vnet_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    /** A database on the machine's PostgreSQL. */
    public TestDatabase() {
        this(MACHINE_SERVER);
    }

    /** A database on the server at {@code hostAndPort}. */
    public TestDatabase(String hostAndPort) {
        this.server = hostAndPort;
        admin("CREATE DATABASE " + name);
    }

    /** The URL coordinators are given ({@code vnet.db.url}). */
    public String url() {
        return "postgresql://" + server + "/" + name;
    }

    /** The rows of a query, each row's columns joined with '|'. */
    public List<String> query(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + server + "/" + name,
                "postgres", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> result = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rows.getString(i));
                }
                result.add(row.toString());
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void admin(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + server + "/postgres",
                "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on the PostgreSQL at " + server + ": "
                    + e.getMessage(), e);
        }
    }
}
