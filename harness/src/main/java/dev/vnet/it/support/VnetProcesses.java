package dev.vnet.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts vnet processes for a test and always stops them: on {@link #close}, and from a shutdown hook if the test
 * JVM itself is going away. Each process gets free ports and a log file under {@code target/it-logs}.
 */
public final class VnetProcesses implements AutoCloseable {

    private static final Path ROOT = Path.of(System.getProperty("vnet.root", "..")).toAbsolutePath().normalize();
    private static final Path LOGS = Path.of(System.getProperty("vnet.logs", "target/it-logs"));
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    /**
     * How long a test gives a coordinator or an agent to be ready: a failure bound, never waited out by a passing
     * test. A Quarkus boot takes 2–4 s on an idle machine and was seen taking 66–101 s on a two-core machine at load
     * 22 (CI's machines are shared), so bounds of 30 s failed by chance.
     */
    public static final Duration READY = Duration.ofSeconds(120);

    /** Small, quick-starting JVMs: for processes that carry test traffic, not benchmarks. */
    public static final List<String> QUICK_JVMS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final List<VnetProcess> started = new CopyOnWriteArrayList<>();
    private final Thread cleanup = new Thread(this::stopAll, "vnet-it-cleanup");
    private final TestDatabase database;
    private final List<String> jvmOptions;
    /** Added to {@link #jvmOptions} for coordinators only. */
    private final List<String> coordinatorJvmOptions;
    /** Test processes start from class-data archives; a benchmark's start as in production, without. */
    private final boolean archived;

    /** Processes in small, quick-starting JVMs, as tests want them, on a database of the machine's PostgreSQL. */
    public VnetProcesses() {
        this(QUICK_JVMS);
    }

    /** Processes with these JVM options (none: the JVM's defaults, as in production). */
    public VnetProcesses(List<String> jvmOptions) {
        this(jvmOptions, TestDatabase.MACHINE_SERVER);
    }

    /** Quick-starting processes whose coordinators use a database on {@code server}: a private one to stop. */
    public VnetProcesses(PrivatePostgres server) {
        this(QUICK_JVMS, server.hostAndPort());
    }

    private VnetProcesses(List<String> jvmOptions, String databaseServer) {
        this(jvmOptions, new TestDatabase(databaseServer));
    }

    /** Processes with these JVM options whose coordinators use {@code database} (closed with them). */
    public VnetProcesses(List<String> jvmOptions, TestDatabase database) {
        this(jvmOptions, List.of(), database);
    }

    /** Processes with these JVM options, coordinators with {@code coordinatorJvmOptions} too, on {@code database}. */
    public VnetProcesses(List<String> jvmOptions, List<String> coordinatorJvmOptions, TestDatabase database) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.coordinatorJvmOptions = List.copyOf(coordinatorJvmOptions);
        this.archived = jvmOptions.equals(QUICK_JVMS);
        this.database = database;
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** The root of the repository under test (system property {@code vnet.root}, set by the build). */
    public static Path root() {
        return ROOT;
    }

    /** Where processes' logs go ({@code target/it-logs}; CI prints them when a test fails). */
    public static Path logs() {
        return LOGS;
    }

    /** The database the coordinators of this test share (and no other test sees). */
    public TestDatabase database() {
        return database;
    }

    /**
     * A coordinator with the given extra settings (vnet.network.* and others), not yet ready. Authentication is
     * off and logs are text (not production's JSON) unless the settings say otherwise.
     */
    public VnetProcess network(String name, Map<String, String> settings) {
        return network(name, settings, FreePorts.next(), FreePorts.next());
    }

    /** A coordinator on given ports: to restart one where its clients and agents expect it. */
    public VnetProcess network(String name, Map<String, String> settings, int grpc, int http) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("vnet.db.url", database.url());
        // A password is never put on a command line: coordinators inherit it as VNET_DB_PASSWORD from this process.
        props.put("vnet.db.user", database.user());
        props.put("vnet.security.enabled", "false");
        props.put("quarkus.log.console.json", "false");
        props.putAll(settings);
        props.put("vnet.network.port", Integer.toString(grpc));
        props.put("vnet.network.host", "127.0.0.1");
        props.put("quarkus.http.port", Integer.toString(http));
        props.put("quarkus.http.host", "127.0.0.1");
        return launch(name, ROOT.resolve("network/target/quarkus-app/quarkus-run.jar"), coordinatorJvmOptions, props,
                grpc, http);
    }

    /** An agent with the given id, registering with {@code network} (host:port[,...]), not yet ready. */
    public VnetProcess agent(String id, String network, Map<String, String> settings) {
        return agent(id, network, settings, FreePorts.next());
    }

    /** An agent as {@link #agent(String, String, Map)}, serving direct calls on a given gRPC port. */
    public VnetProcess agent(String id, String network, Map<String, String> settings, int grpc) {
        int http = FreePorts.next();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("vnet.security.enabled", "false");
        props.put("quarkus.log.console.json", "false");
        props.putAll(settings);
        props.put("vnet.agent.id", id);
        props.put("vnet.agent.network", network);
        props.put("vnet.agent.port", Integer.toString(grpc));
        props.put("vnet.agent.host", "127.0.0.1");
        props.put("quarkus.http.port", Integer.toString(http));
        props.put("quarkus.http.host", "127.0.0.1");
        return launch(id, ROOT.resolve("agent/target/quarkus-app/quarkus-run.jar"), List.of(), props, grpc, http);
    }

    private VnetProcess launch(String name, Path jar, List<String> ownJvmOptions, Map<String, String> props, int grpc,
            int http) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build with 'mvn install' before the integration tests");
        }
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(jvmOptions);
        command.addAll(ownJvmOptions);
        if (archived) {
            command.addAll(StartupArchives.options(jar, JAVA));
        }
        props.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(name + "-" + grpc + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            VnetProcess vnet = new VnetProcess(name, process, grpc, http, log);
            started.add(vnet);
            return vnet;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Runs the command line (bin/vnet) with these arguments; returns its exit code and output. */
    public CommandResult cli(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/vnet").toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("vnet-cli", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("bin/vnet " + String.join(" ", args) + " did not finish in " + timeout);
            }
            String output = Files.readString(out);
            Files.deleteIfExists(out);
            return new CommandResult(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What a command line printed and how it exited. */
    public record CommandResult(int exitCode, String output) {}

    @Override
    public void close() {
        stopAll();
        database.close();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: nothing to remove.
        }
    }

    private void stopAll() {
        for (VnetProcess process : started) {
            process.stop(Duration.ofSeconds(5));
        }
        started.clear();
    }
}
