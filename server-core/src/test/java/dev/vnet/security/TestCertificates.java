package dev.vnet.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time, as PEM files in a directory: a CA, a server certificate for 127.0.0.1 and
 * localhost, a client certificate from that CA, and a client certificate from an unrelated CA.
 */
public final class TestCertificates {

    /** A certificate and its PKCS#8 private key. */
    public record Issued(Path certificate, Path privateKey) {}

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path ca;
    private final Issued server;
    private final Issued client;
    private final Issued strangerClient;
    private final Issued expiredServer;
    private final Issued otherHostServer;

    private TestCertificates(Path ca, Issued server, Issued client, Issued strangerClient, Issued expiredServer,
            Issued otherHostServer) {
        this.ca = ca;
        this.server = server;
        this.client = client;
        this.strangerClient = strangerClient;
        this.expiredServer = expiredServer;
        this.otherHostServer = otherHostServer;
    }

    public static TestCertificates createIn(Path dir) {
        try {
            Files.createDirectories(dir);
            KeyPair caKeys = keys();
            X509Certificate caCert = sign(new X500Name("CN=vnet test CA"), caKeys, new X500Name("CN=vnet test CA"),
                    caKeys, true, null);
            Path caFile = write(dir.resolve("ca.pem"), caCert);

            KeyPair serverKeys = keys();
            GeneralNames serverNames = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")});
            Issued server = issue(dir, "server", sign(new X500Name("CN=vnet test CA"), caKeys,
                    new X500Name("CN=localhost"), serverKeys, false, serverNames), serverKeys);
            Instant now = Instant.now();
            Issued expired = issue(dir, "expired-server", sign(new X500Name("CN=vnet test CA"), caKeys,
                    new X500Name("CN=localhost"), serverKeys, false, serverNames, now.minus(Duration.ofDays(2)),
                    now.minus(Duration.ofDays(1))), serverKeys);
            GeneralNames elsewhere = new GeneralNames(new GeneralName(GeneralName.dNSName, "elsewhere.example"));
            Issued otherHost = issue(dir, "other-host-server", sign(new X500Name("CN=vnet test CA"), caKeys,
                    new X500Name("CN=elsewhere.example"), serverKeys, false, elsewhere), serverKeys);

            KeyPair clientKeys = keys();
            Issued client = issue(dir, "client", sign(new X500Name("CN=vnet test CA"), caKeys,
                    new X500Name("CN=vnet test client"), clientKeys, false, null), clientKeys);

            KeyPair strangerCaKeys = keys();
            KeyPair strangerKeys = keys();
            Issued stranger = issue(dir, "stranger", sign(new X500Name("CN=some other CA"), strangerCaKeys,
                    new X500Name("CN=stranger"), strangerKeys, false, null), strangerKeys);
            return new TestCertificates(caFile, server, client, stranger, expired, otherHost);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make test certificates: " + e.getMessage(), e);
        }
    }

    public Path ca() {
        return ca;
    }

    public Issued server() {
        return server;
    }

    public Issued client() {
        return client;
    }

    /** A server certificate from the CA above whose validity ended yesterday. */
    public Issued expiredServer() {
        return expiredServer;
    }

    /** A server certificate from the CA above for another host (elsewhere.example) only. */
    public Issued otherHostServer() {
        return otherHostServer;
    }

    /** A client certificate the CA above did not sign. */
    public Issued strangerClient() {
        return strangerClient;
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, KeyPair subjectKeys,
            boolean ca, GeneralNames names) throws IOException, GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now();
        return sign(issuer, issuerKeys, subject, subjectKeys, ca, names, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)));
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, KeyPair subjectKeys,
            boolean ca, GeneralNames names, Instant notBefore, Instant notAfter)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
        }
        if (names != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static Issued issue(Path dir, String name, X509Certificate certificate, KeyPair keys) throws IOException {
        Path cert = write(dir.resolve(name + ".pem"), certificate);
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        }
        Path key = Files.writeString(dir.resolve(name + ".key"), pem.toString());
        return new Issued(cert, key);
    }

    private static Path write(Path file, Object pemObject) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(pemObject);
        }
        return Files.writeString(file, pem.toString());
    }
}
