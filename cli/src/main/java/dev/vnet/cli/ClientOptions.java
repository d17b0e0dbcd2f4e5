package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.security.ClientTls;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every command that talks to a network shares; {@link EnvDefaults} gives their environment defaults. */
final class ClientOptions {

    @Option(names = "--network", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The network's endpoints (default $VNET_NETWORK, else " + EnvDefaults.LOCAL_NETWORK + ").")
    String network;

    @Option(names = "--json", description = "Print machine-readable JSON instead of tables.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Bound of each call, e.g. 500ms, 10s, 2m (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token sent with every call (env VNET_TOKEN); needed when the network has "
                    + "authentication on.")
    String token;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "Use TLS, checking the network against this PEM CA certificate (env VNET_CA_FILE).")
    Path ca;

    @Option(names = "--tls", description = "Use TLS, checking the network against the system's CAs.")
    boolean tls;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "PEM client certificate for mutual TLS (env VNET_CERT_FILE); needs --key.")
    Path certificate;

    @Option(names = "--key", paramLabel = "FILE",
            description = "PEM (PKCS#8) private key of the client certificate (env VNET_KEY_FILE).")
    Path key;

    /** A client for one command; it connects in the background and is closed when the command ends. */
    VnetClient client() {
        VnetClient.Builder builder = VnetClient.builder().network(network).name("vnet-cli").timeout(timeout)
                .connectTimeout(timeout).token(token);
        if (tls || ca != null || certificate != null || key != null) {
            ClientTls clientTls = ClientTls.trusting(ca);
            builder.tls(certificate != null || key != null ? clientTls.withCertificate(certificate, key) : clientTls);
        }
        return builder.build();
    }

    /** A client whose session is open: for commands that get, request or send. */
    VnetClient connectedClient() {
        return client().awaitConnected(timeout);
    }
}
