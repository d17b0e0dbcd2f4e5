package dev.vnet.bench;

import dev.vnet.it.support.FreePorts;
import dev.vnet.it.support.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * Where {@code --spawn} puts the cluster the request and event scenarios share: the coordinator's and the agents'
 * gRPC ports ({@code --network-port}, {@code --agent-port}: the first agent on it, any further one on the next
 * ports) and its database ({@code --database}), so that the bench can run beside other systems. Anything not given
 * is random: free ports, and a fresh database on the machine's PostgreSQL that is dropped at the end.
 */
final class SpawnSettings {

    /** Scenarios that start clusters of their own, one after another, always on random ports and fresh databases. */
    static final List<String> OWN_CLUSTERS = List.of("registry", "failover", "agent-replica", "migration",
            "frozen-leader", "leader-kill", "store-writes", "console");

    /** Random ports, a fresh database: what every cluster but a placed shared one gets. */
    static final SpawnSettings RANDOM = new SpawnSettings(null, null, null, Map.of());

    private final Integer networkPort;
    private final Integer agentPort;
    private final String database;
    private final Map<String, String> env;

    private SpawnSettings(Integer networkPort, Integer agentPort, String database, Map<String, String> env) {
        this.networkPort = networkPort;
        this.agentPort = agentPort;
        this.database = database;
        this.env = env;
    }

    /**
     * The settings the options ask for, checked against the scenarios chosen: they need {@code --spawn}, apply only
     * to the shared cluster (so not with scenarios that start their own), and the ports must be free now.
     *
     * @param env where {@code VNET_DB_USER} and {@code VNET_DB_PASSWORD} are read, as {@code bin/vnet up} does
     */
    static SpawnSettings of(Integer networkPort, Integer agentPort, String database, boolean spawn,
            List<String> scenarios, Map<String, String> env) {
        if (networkPort == null && agentPort == null && database == null) {
            return RANDOM;
        }
        if (!spawn) {
            throw new UsageError("--network-port, --agent-port and --database place the processes that --spawn "
                    + "starts: add --spawn (without it the bench measures the network at --network)");
        }
        List<String> own = scenarios.stream().filter(OWN_CLUSTERS::contains).toList();
        if (!own.isEmpty()) {
            throw new UsageError(String.join(", ", own) + (own.size() == 1 ? " starts clusters of its own"
                    : " start clusters of their own") + ", on random ports and fresh databases, while the shared "
                    + "cluster may still run: measure them in a separate 'bin/vnet bench --spawn' without "
                    + "--network-port, --agent-port and --database");
        }
        if (networkPort != null && networkPort.equals(agentPort)) {
            throw new UsageError("--network-port and --agent-port are both " + networkPort + ": give two ports");
        }
        requireFree(networkPort, "--network-port");
        requireFree(agentPort, "--agent-port");
        if (database != null && database.isBlank()) {
            throw new UsageError("--database needs a name or a postgresql:// URL");
        }
        return new SpawnSettings(networkPort, agentPort, database, env);
    }

    /** The coordinator's gRPC port: the one asked for, or a free one. */
    int networkPort() {
        return networkPort != null ? networkPort : FreePorts.next();
    }

    /** The gRPC port of the {@code index}th agent (from 0): the asked-for port plus the index, or a free one. */
    int agentPort(int index) {
        return agentPort != null ? agentPort + index : FreePorts.next();
    }

    /**
     * The database the coordinator gets: a fresh one (dropped at the end), or the one {@code --database} names,
     * created if missing and kept: a plain name on the machine's PostgreSQL (127.0.0.1:5432), or a URL such as
     * {@code postgresql://host:port/name} (as in {@code VNET_DB_URL}; a {@code jdbc:} prefix is accepted).
     */
    TestDatabase openDatabase() {
        if (database == null) {
            return new TestDatabase();
        }
        DatabaseAddress address = DatabaseAddress.parse(database);
        String user = env.getOrDefault("VNET_DB_USER", TestDatabase.MACHINE_USER);
        try {
            return TestDatabase.named(address.server(), address.name(), user, env.getOrDefault("VNET_DB_PASSWORD",
                    ""));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageError("--database " + database + ": " + e.getMessage() + " (start that server, or give "
                    + "--database the name or URL of a database on one that runs; VNET_DB_USER and "
                    + "VNET_DB_PASSWORD set the user and password)");
        }
    }

    /** Where {@code --database} points: a server (host:port) and a database name on it. */
    record DatabaseAddress(String server, String name) {

        /** A plain name (on the machine's PostgreSQL), or a URL {@code [jdbc:]postgresql://host[:port]/name}. */
        static DatabaseAddress parse(String option) {
            String text = option.trim();
            String url = text.startsWith("jdbc:") ? text.substring("jdbc:".length()) : text;
            if (!url.startsWith("postgresql://")) {
                return new DatabaseAddress(TestDatabase.MACHINE_SERVER, text);
            }
            String rest = url.substring("postgresql://".length());
            int slash = rest.indexOf('/');
            String name = slash < 0 ? "" : rest.substring(slash + 1).split("\\?", 2)[0];
            if (slash <= 0 || name.isEmpty()) {
                throw new UsageError("--database " + option + ": a URL needs a server and a database name, as in "
                        + "postgresql://127.0.0.1:5432/vnet_bench");
            }
            String server = rest.substring(0, slash);
            return new DatabaseAddress(server.contains(":") ? server : server + ":5432", name);
        }
    }

    private static void requireFree(Integer port, String option) {
        if (port == null) {
            return;
        }
        if (port < 1 || port > 65535) {
            throw new UsageError(option + " " + port + " is not a TCP port (1 to 65535)");
        }
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new UsageError(option + " " + port + ": the port is taken on 127.0.0.1 (" + e.getMessage()
                    + "): choose a free one, or leave " + option + " out for a random port");
        }
    }
}
