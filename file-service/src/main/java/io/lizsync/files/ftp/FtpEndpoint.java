package io.lizsync.files.ftp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One FTP server as configured ({@code lizsync.files.ftp.endpoints.<name>}): never built from a
 * request. The password is read from {@code passwordFile} (a Kubernetes Secret mount) at each
 * login and never kept, logged or written.
 *
 * @param tls NONE (plain FTP) or EXPLICIT (AUTH TLS, then protected data connections)
 * @param trustFile PEM certificates to trust (a CA, or the server's own certificate); empty for
 *        the JVM's trust store. The host name is always checked against the certificate.
 * @param passiveHost AUTO replaces an unroutable advertised passive address by the control
 *        connection's; CONTROL always uses the control connection's
 * @param remoteDir the base directory (absolute, or relative to the login directory; empty for it)
 */
public record FtpEndpoint(String name, String host, int port, String user, Optional<Path> passwordFile, Tls tls,
        Optional<Path> trustFile, boolean passive, PassiveHost passiveHost, String remoteDir, Duration connectTimeout,
        Duration dataTimeout) {

    public enum Tls {
        NONE, EXPLICIT
    }

    public enum PassiveHost {
        AUTO, CONTROL
    }

    /** For messages: name and address, never a credential. */
    public String describe() {
        return "FTP endpoint \"" + name + "\" (" + host + ":" + port + ")";
    }
}
