package dev.vnet.client;

import io.grpc.Status;
import javax.net.ssl.SSLException;

/**
 * Turns why a connection to the network failed into words that say what to fix: gRPC's own descriptions of a TLS
 * mismatch ("Network closed for unknown reason", "io exception") do not.
 */
final class ConnectionProblems {

    private ConnectionProblems() {}

    static String describe(Status status, boolean usesTls) {
        String described = status.getCode() + " " + status.getDescription();
        if (!usesTls && "Network closed for unknown reason".equals(status.getDescription())) {
            return described + " (the network may require TLS: give the client its CA, "
                    + "VnetClient.builder().tls(ClientTls.trusting(caFile)), or --ca on the command line)";
        }
        for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException tls) {
                return described + " (TLS failed: " + tls.getMessage() + "; check that the network uses TLS and that "
                        + "its certificate is signed by the CA given, and, for mutual TLS, the client certificate)";
            }
        }
        return described;
    }
}
