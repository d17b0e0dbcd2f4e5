package dev.vnet.it.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The database the coordinators of a test or a benchmark use. Usually a database of a test's own on a PostgreSQL
 * server with trust auth (the machine's on 127.0.0.1:5432, or a {@link PrivatePostgres}): created empty, dropped at
 * the end, so that coordinators of different tests never share rows. A benchmark that sits beside other systems
 * names its database instead ({@link #named}): created if missing and left in place.
 */
public final class TestDatabase implements AutoCloseable {

    /** The machine's PostgreSQL, which tests share (each in a database of its own) and never stop. */
    public static final String MACHINE_SERVER = "127.0.0.1:5432";
    /** The user of the machine's PostgreSQL (trust auth: no password). */
    public static final String MACHINE_USER = "postgres";

    private final String server;
    private final String name;
    private final String user;
    private final String password;
    private final boolean dropOnClose;

    /** A database on the machine's PostgreSQL. */
    public TestDatabase() {
        this(MACHINE_SERVER);
    }

    /** A database on the server at {@code hostAndPort}. */
    public TestDatabase(String hostAndPort) {
        this(hostAndPort, "vnet_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12), MACHINE_USER,
                "", true);
        admin("CREATE DATABASE " + name);
    }

    private TestDatabase(String server, String name, String user, String password, boolean dropOnClose) {
        this.server = server;
        this.name = name;
        this.user = user;
        this.password = password;
        this.dropOnClose = dropOnClose;
    }

    /**
     * The database {@code name} on the server at {@code hostAndPort}, created if it does not exist yet; never
     * dropped, since someone named it. Fails with a message that says what to do when the server does not answer.
     */
    public static TestDatabase named(String hostAndPort, String name, String user, String password) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name '" + name + "' is not a plain PostgreSQL identifier "
                    + "(letters, digits and _, at most 63)");
        }
        TestDatabase database = new TestDatabase(hostAndPort, name, user, password, false);
        if (!database.exists()) {
            database.admin("CREATE DATABASE " + name);
        }
        return database;
    }

    /** The URL coordinators are given ({@code vnet.db.url}). */
    public String url() {
        return "postgresql://" + server + "/" + name;
    }

    /** The user coordinators connect as ({@code vnet.db.user}). */
    public String user() {
        return user;
    }

    /** The rows of a query, each row's columns joined with '|'. */
    public List<String> query(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + server + "/" + name,
                user, password);
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
        if (dropOnClose) {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private boolean exists() {
        try (Connection connection = adminConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw unreachable("look up database " + name, e);
        }
    }

    private void admin(String sql) {
        try (Connection connection = adminConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw unreachable("run '" + sql + "'", e);
        }
    }

    /**
     * A connection to the server's maintenance database, from which databases are created and dropped; a server
     * that does not answer is an error within 10 s, not a hang.
     */
    private Connection adminConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + server + "/postgres?loginTimeout=10", user,
                password);
    }

    private IllegalStateException unreachable(String what, SQLException e) {
        return new IllegalStateException("cannot " + what + " on the PostgreSQL at " + server + " as user " + user
                + ": " + e.getMessage(), e);
    }
}
