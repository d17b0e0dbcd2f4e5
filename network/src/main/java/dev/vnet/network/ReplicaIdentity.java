package dev.vnet.network;

import dev.vnet.network.config.ConsoleConfig;
import dev.vnet.network.config.NetworkConfig;
import io.quarkus.runtime.LaunchMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.eclipse.microprofile.config.ConfigProvider;

/** How this replica names itself: to the other replicas (its id), to callers (its endpoint), to operators. */
final class ReplicaIdentity {

    private final NetworkConfig config;
    private final ConsoleConfig consoleConfig;
    private final int grpcPort;

    ReplicaIdentity(NetworkConfig config, ConsoleConfig consoleConfig, int grpcPort) {
        this.config = config;
        this.consoleConfig = consoleConfig;
        this.grpcPort = grpcPort;
    }

    /** vnet.network.replica-id, else the host name. */
    String id() {
        return config.replicaId().orElseGet(ReplicaIdentity::hostName);
    }

    /** Where callers reach this replica's gRPC port (host:port): what a standby names when it leads. */
    String endpoint() {
        return advertisedHost() + ":" + grpcPort;
    }

    /** Where operators reach this replica's console: vnet.console.url, else its advertised host and HTTP port. */
    String consoleUrl() {
        return consoleConfig.url().orElseGet(() -> "http://" + advertisedHost() + ":"
                + ConfigProvider.getConfig().getOptionalValue(LaunchMode.current() == LaunchMode.TEST
                        ? "quarkus.http.test-port" : "quarkus.http.port", Integer.class).orElse(8080) + "/");
    }

    private String advertisedHost() {
        return config.advertisedHost().orElseGet(() -> config.host().equals("0.0.0.0") ? localAddress()
                : config.host());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "network";
        }
    }

    private static String localAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
