package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every command that talks to a network shares. */
final class ClientOptions {

    @Option(names = "--network", paramLabel = "HOST:PORT[,HOST:PORT...]",
            defaultValue = "${env:VNET_NETWORK:-127.0.0.1:3737}",
            description = "The network's endpoints (env VNET_NETWORK; default ${DEFAULT-VALUE}).")
    String network;

    @Option(names = "--json", description = "Print machine-readable JSON instead of tables.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Bound of each call, e.g. 500ms, 10s, 2m (default ${DEFAULT-VALUE}).")
    Duration timeout;

    /** A client for one command; it connects in the background and is closed when the command ends. */
    VnetClient client() {
        return VnetClient.builder().network(network).name("vnet-cli").timeout(timeout).connectTimeout(timeout).build();
    }

    /** A client whose session is open: for commands that get, request or send. */
    VnetClient connectedClient() {
        return client().awaitConnected(timeout);
    }
}
