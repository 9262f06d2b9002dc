package io.lizsync.files.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of an FTPS endpoint: the certificates of a PEM file (a CA, or the server's own
 * certificate) as the only trust anchors, or the JVM's trust store. Always a PKIX check of the
 * whole chain: Commons Net's own default only checks the dates of the server's certificate, which
 * is never used here.
 */
final class TrustFiles {

    private TrustFiles() {
    }

    static SSLContext context(Optional<Path> trustFile, String endpoint) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trustFile.isPresent()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int n = 0;
                try (InputStream in = Files.newInputStream(trustFile.get())) {
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("trusted-" + n++, c);
                    }
                }
                if (n == 0) {
                    throw new FtpFailure(FtpFailure.Code.FAILED_PRECONDITION,
                            "the trust file of " + endpoint + " (" + trustFile.get() + ") holds no certificate");
                }
                factory.init(store);
            } else {
                factory.init((KeyStore) null);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new FtpFailure(FtpFailure.Code.FAILED_PRECONDITION,
                    "the trust file of " + endpoint + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new FtpFailure(FtpFailure.Code.FAILED_PRECONDITION,
                    "the trust file of " + endpoint + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }
}
