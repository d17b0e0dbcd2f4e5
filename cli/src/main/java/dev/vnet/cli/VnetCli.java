package dev.vnet.cli;

import dev.vnet.client.ConnectionProblems;
import dev.vnet.client.VnetException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vnet}: the command line of a vnet network. {@code bin/vnet} runs this for every command but
 * {@code network}, {@code agent} and {@code up}, which start processes.
 *
 * <p>Exit codes: 0 success, 1 the network refused or failed the command (the message says why), 2 bad usage.
 */
// Help and version are inherited, so that every command takes --help (the README says so).
@Command(name = "vnet", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "vnet 0.1.0",
        description = "Inspect and drive a vnet network.",
        subcommands = {AgentsCommand.class, KindsCommand.class, ContainersCommand.class, GetCommand.class,
                RequestCommand.class, SendCommand.class, WatchCommand.class, NodesCommand.class,
                LeaderCommand.class, MigrateCommand.class, HistoryCommand.class, DrainCommand.class,
                DeleteCommand.class})
public final class VnetCli implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs one command line; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        CommandLine cli = new CommandLine(new VnetCli());
        cli.setDefaultValueProvider(new EnvDefaults(environment));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
            if (failure instanceof IllegalArgumentException badSetting) {
                commandLine.getErr().println("error: " + badSetting.getMessage());
                return 2;
            }
            VnetException error = VnetException.from(failure);
            String tls = ConnectionProblems.tlsFailure(failure);
            commandLine.getErr().println("error: " + (tls == null ? explain(error)
                    : error.getMessage() + " (TLS failed: " + tls + ")"));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * A deadline that expired before the channel ever had a connection (grpc-java marks such calls
     * "waiting_for_connection"): on a busy machine the first connection attempt can outlast a short --timeout, and
     * the cause is the same as a refused connection.
     */
    private static boolean neverConnected(VnetException error) {
        return error.code() == io.grpc.Status.Code.DEADLINE_EXCEEDED
                && error.getMessage().contains("waiting_for_connection");
    }

    private static String explain(VnetException error) {
        String message = error.getMessage();
        if (error.code() == io.grpc.Status.Code.UNAVAILABLE && message.contains("io exception")
                || neverConnected(error)) {
            return message + " (is a network running there? start one with: bin/vnet network)";
        }
        if (error.code() == io.grpc.Status.Code.UNAVAILABLE && message.contains("Network closed for unknown reason")) {
            return message + " (does the network use TLS? then pass --ca FILE or --tls)";
        }
        if (error.code() == io.grpc.Status.Code.UNAUTHENTICATED) {
            return message + " (pass a token with --token or VNET_TOKEN)";
        }
        return message;
    }
}
