package io.lizsync.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Throwaway TLS certificates for the tests, made once per JVM with {@code openssl} (installed by
 * scripts/setup.sh), as a deployment would make them: a certificate authority and a server
 * certificate it signs for 127.0.0.1 and localhost (EC P-256 keys, PKCS#8 PEM), and a second,
 * unrelated authority whose certificate a client may wrongly trust. The same files are what
 * scripts/run-local.sh makes for the local system.
 */
public final class TestCertificates {

    private static TestCertificates instance;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** The certificates of this JVM, made at the first call. */
    public static synchronized TestCertificates get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("lizsync-test-tls",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                make(dir);
                instance = new TestCertificates(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** The authority every test server's certificate is signed by. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** The server certificate (127.0.0.1, localhost), signed by {@link #caCertificate()}. */
    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    /** The server certificate's private key (PKCS#8 PEM). */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** Another authority's certificate: a client trusting only it must refuse the test servers. */
    public Path strangerCaCertificate() {
        return dir.resolve("stranger-ca.crt");
    }

    /**
     * The environment of a LizSync service (packaged, prod profile: its TLS port is its HTTP
     * port) serving TLS only with the test server certificate, the way run-local.sh and the
     * Kubernetes manifests configure them.
     */
    public java.util.Map<String, String> serverEnvironment() {
        return java.util.Map.of("QUARKUS_HTTP_SSL_CERTIFICATE_FILES", serverCertificate().toString(),
                "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES", serverKey().toString(),
                "QUARKUS_HTTP_INSECURE_REQUESTS", "disabled");
    }

    /** A TLS context trusting the test CA only (for Java's HttpClient: health checks over TLS). */
    public javax.net.ssl.SSLContext sslContext() {
        try (var in = Files.newInputStream(caCertificate())) {
            var ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            var store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("lizsync-test-ca", ca);
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the test CA cannot be trusted: " + e.getMessage(), e);
        }
    }

    private static void make(Path dir) throws IOException {
        authority(dir, "ca", "LizSync test CA");
        authority(dir, "stranger-ca", "Somebody else's CA");
        key(dir.resolve("server.key"));
        openssl("req", "-new", "-key", dir.resolve("server.key").toString(), "-subj", "/CN=127.0.0.1",
                "-out", dir.resolve("server.csr").toString());
        Path ext = dir.resolve("server.ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                + "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
        openssl("x509", "-req", "-in", dir.resolve("server.csr").toString(), "-CA", dir.resolve("ca.crt").toString(),
                "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "7",
                "-out", dir.resolve("server.crt").toString(), "-extfile", ext.toString());
    }

    private static void authority(Path dir, String name, String commonName) throws IOException {
        key(dir.resolve(name + ".key"));
        openssl("req", "-x509", "-new", "-key", dir.resolve(name + ".key").toString(), "-subj", "/CN=" + commonName,
                "-days", "7", "-out", dir.resolve(name + ".crt").toString(),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void key(Path file) {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file.toString());
    }

    private static void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ProcessRunner.check(command, Duration.ofSeconds(30));
    }
}
