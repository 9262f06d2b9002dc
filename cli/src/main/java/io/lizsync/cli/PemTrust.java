package io.lizsync.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An SSLContext trusting the certificates of a PEM file only ({@code LIZSYNC_CA_FILE}, the mesh's
 * CA, as grpc-kit LinkSecurity trusts it for the gRPC links). The host name is still checked:
 * java.net.http verifies it for every https URL.
 */
final class PemTrust {

    private PemTrust() {
    }

    static SSLContext context(Path caFile) {
        if (!Files.isReadable(caFile)) {
            throw new UsageException("the CA file " + caFile + " (LIZSYNC_CA_FILE) cannot be read");
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new UsageException("the CA file " + caFile + " (LIZSYNC_CA_FILE) holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("the CA file " + caFile + " (LIZSYNC_CA_FILE) is not a PEM certificate: "
                    + e.getMessage());
        }
    }
}
