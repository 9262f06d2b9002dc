package io.lizsync.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.TransferRatePermission;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * A real FTP server for tests that run file-service as a process: an Apache FtpServer 1.2.1 on a
 * free loopback port, passive mode on loopback, one user whose home is a folder on disk, and the
 * password in a 0600 file as file-service reads it (never in a command line or an environment).
 * Needs {@code org.apache.ftpserver:ftpserver-core} on the test class path (optional here).
 * Optionally limited to a transfer rate (to stop it in the middle of a file), and it can be
 * stopped and started again on the same port, and offer explicit FTPS ({@link Tls}).
 */
public final class FtpTestServer implements AutoCloseable {

    public static final String USER = "lizsync";

    /** Its per-command INFO lines would flood the test logs (and slow benchmarks). */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("org.apache.ftpserver");
    private static final java.util.logging.Logger QUIET_MINA = java.util.logging.Logger.getLogger("org.apache.mina");

    static {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        QUIET_MINA.setLevel(java.util.logging.Level.SEVERE);
    }

    private final Path home;
    private final Path passwordFile;
    private final int port;
    private final int bytesPerSecond;
    private final Tls tls;
    private FtpServer server;

    /**
     * Explicit FTPS (AUTH TLS, then PROT P for the data connections): the server's certificate and
     * key in a PKCS#12 file and that file's password in another (0600), both the caller's.
     */
    public record Tls(Path keystore, Path passwordFile) {
    }

    private FtpTestServer(Path home, Path passwordFile, int port, int bytesPerSecond, Tls tls) {
        this.home = home;
        this.passwordFile = passwordFile;
        this.port = port;
        this.bytesPerSecond = bytesPerSecond;
        this.tls = tls;
    }

    /** A server over {@code home} (created when missing) with a random password. */
    public static FtpTestServer start(Path home) {
        return start(home, 0);
    }

    /** The same, transferring at most {@code bytesPerSecond} each way (0: no limit). */
    public static FtpTestServer start(Path home, int bytesPerSecond) {
        try {
            Files.createDirectories(home);
            String password = "ftp-" + java.util.UUID.randomUUID();
            Path passwordFile = Files.createTempFile("lizsync-ftp-password-", "",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            FtpTestServer t = new FtpTestServer(home, passwordFile, port, bytesPerSecond, null);
            t.startAgain();
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server over {@code home} on {@code port} whose user's password is the first line of
     * {@code passwordFile} (the caller's: {@link #stop()} leaves it, {@link #close()} deletes it).
     */
    public static FtpTestServer serve(Path home, int port, Path passwordFile) {
        return serve(home, port, passwordFile, null);
    }

    /** The same, offering explicit FTPS with {@code tls} (null: plain FTP). */
    public static FtpTestServer serve(Path home, int port, Path passwordFile, Tls tls) {
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FtpTestServer t = new FtpTestServer(home, passwordFile, port, 0, tls);
        t.startAgain();
        return t;
    }

    /** Starts the server (again, after {@link #stop()}) on its port, with the same user and password. */
    public void startAgain() {
        try {
            String password = password();
            FtpServerFactory factory = new FtpServerFactory();
            ListenerFactory listener = new ListenerFactory();
            listener.setServerAddress("127.0.0.1");
            listener.setPort(port);
            listener.setIdleTimeout(30);
            DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
            data.setPassiveAddress("127.0.0.1");
            if (tls != null) {
                SslConfiguration ssl = sslConfiguration();
                listener.setSslConfiguration(ssl);
                listener.setImplicitSsl(false);
                data.setSslConfiguration(ssl);
            }
            listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
            factory.addListener("default", listener.createListener());
            var users = new PropertiesUserManagerFactory().createUserManager();
            BaseUser user = new BaseUser();
            user.setName(USER);
            user.setPassword(password);
            user.setHomeDirectory(home.toString());
            user.setAuthorities(List.of(new WritePermission(), new TransferRatePermission(bytesPerSecond, bytesPerSecond)));
            users.save(user);
            factory.setUserManager(users);
            server = factory.createServer();
            server.start();
        } catch (FtpException e) {
            throw new IllegalStateException("the test FTP server does not start: " + e.getMessage(), e);
        }
    }

    private SslConfiguration sslConfiguration() {
        String password = firstLine(tls.passwordFile());
        SslConfigurationFactory ssl = new SslConfigurationFactory();
        ssl.setKeystoreFile(tls.keystore().toFile());
        ssl.setKeystoreType("PKCS12");
        ssl.setKeystorePassword(password);
        ssl.setKeyPassword(password);
        ssl.setSslProtocol("TLSv1.3", "TLSv1.2");
        return ssl.createSslConfiguration();
    }

    private static String firstLine(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server: its control connections close (a data transfer under way may still finish). */
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    public Path home() {
        return home;
    }

    public int port() {
        return port;
    }

    /** The file holding the user's password (a line). */
    public Path passwordFile() {
        return passwordFile;
    }

    /** The password itself, for tests that check it never appears where it must not. */
    public String password() {
        return firstLine(passwordFile);
    }

    /**
     * file-service's environment for an endpoint {@code name} pointing at this server (plain FTP:
     * loopback only), as {@code lizsync.files.ftp.endpoints.<name>.*}.
     */
    public Map<String, String> endpointEnvironment(String name) {
        String prefix = "LIZSYNC_FILES_FTP_ENDPOINTS_" + name.toUpperCase(Locale.ROOT) + "_";
        Map<String, String> env = new LinkedHashMap<>();
        env.put(prefix + "HOST", "127.0.0.1");
        env.put(prefix + "PORT", Integer.toString(port));
        env.put(prefix + "USER", USER);
        env.put(prefix + "PASSWORD_FILE", passwordFile.toString());
        env.put(prefix + "TLS", "none");
        env.put(prefix + "REMOTE_DIR", "/");
        return env;
    }

    @Override
    public void close() {
        stop();
        try {
            Files.deleteIfExists(passwordFile);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
