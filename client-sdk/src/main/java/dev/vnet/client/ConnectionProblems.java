package dev.vnet.client;

import io.grpc.Status;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns why a connection to the network failed into words that say what to fix: gRPC's own descriptions of a TLS
 * mismatch ("Network closed for unknown reason", "io exception") do not.
 */
public final class ConnectionProblems {

    private ConnectionProblems() {}

    /**
     * @param usesTls whether the client dialled with TLS
     * @param hadSession whether a session on this endpoint was established before: then plaintext against TLS cannot
     *     be why it ended (a coordinator that died mid-stream ends it with the same words)
     */
    static String describe(Status status, boolean usesTls, boolean hadSession) {
        String described = status.getCode() + " " + status.getDescription();
        if (!usesTls && !hadSession && "Network closed for unknown reason".equals(status.getDescription())) {
            return described + " (the network may require TLS: give the client its CA, "
                    + "VnetClient.builder().tls(ClientTls.trusting(caFile)), or --ca on the command line)";
        }
        String named = tlsFailure(status.getCause());
        if (named != null) {
            return described + " (TLS failed: " + named + ")";
        }
        for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException tls) {
                return described + " (TLS failed: " + tls.getMessage() + "; check that the network uses TLS and that "
                        + "its certificate is signed by the CA given, and, for mutual TLS, the client certificate)";
            }
        }
        return described;
    }

    /** Which of the usual TLS failures {@code failure} is, in words that say what to fix; null when none. */
    public static String tlsFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException
                    || (cause instanceof CertPathValidatorException invalid
                            && (invalid.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                                    || invalid.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID))) {
                return "the network's certificate has expired or is not valid yet (" + message + "); renew it";
            }
            if (message.contains("No subject alternative") || message.contains("No name matching")) {
                return "host mismatch: the network's certificate is not for the address dialled (" + message
                        + "); connect with a name the certificate lists, or add this one to it";
            }
            String lower = message.toLowerCase(Locale.ROOT);
            if (lower.contains("certificate_required") || lower.contains("bad_certificate")) {
                return "the network requires a client certificate from its CA (" + message + "); give one with "
                        + "--cert and --key, or ClientTls.withCertificate(...)";
            }
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException
                    || message.contains("unable to find valid certification path")) {
                return "the network's certificate is signed by an unknown CA, not the one this client trusts ("
                        + message + "); give the CA that signed it with --ca, or ClientTls.trusting(caFile)";
            }
        }
        return null;
    }
}
