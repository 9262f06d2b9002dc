package io.lizsync.files.ftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.TransferRatePermission;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * An Apache FtpServer on loopback for the tests: one user with a home folder (a real folder on
 * disk), optionally a transfer rate limit (to stop it in the middle of a file). It can be stopped
 * and started again on the same port.
 */
final class EmbeddedFtp implements AutoCloseable {

    /** Its per-command INFO lines would flood the test logs (and slow the benchmark). */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("org.apache.ftpserver");
    private static final java.util.logging.Logger QUIET_MINA = java.util.logging.Logger.getLogger("org.apache.mina");

    static {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        QUIET_MINA.setLevel(java.util.logging.Level.SEVERE);
    }

    static final String USER = "lizsync";
    static final String PASSWORD = "s3cret-ftp";

    private final Path home;
    private final int port;
    private final int bytesPerSecond;
    private FtpServer server;

    private EmbeddedFtp(Path home, int port, int bytesPerSecond) {
        this.home = home;
        this.port = port;
        this.bytesPerSecond = bytesPerSecond;
    }

    /** A server over a new temporary home folder, on a free loopback port; no rate limit when 0. */
    static EmbeddedFtp start(int bytesPerSecond) {
        try {
            EmbeddedFtp ftp = new EmbeddedFtp(Files.createTempDirectory("lizsync-ftp-home-"), freePort(), bytesPerSecond);
            ftp.startAgain();
            return ftp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startAgain() {
        FtpServerFactory factory = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(port);
        listener.setIdleTimeout(30);
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassiveAddress("127.0.0.1");
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        factory.addListener("default", listener.createListener());
        var users = new PropertiesUserManagerFactory().createUserManager();
        BaseUser user = new BaseUser();
        user.setName(USER);
        user.setPassword(PASSWORD);
        user.setHomeDirectory(home.toString());
        List<Authority> rights = new ArrayList<>();
        rights.add(new WritePermission());
        rights.add(new TransferRatePermission(bytesPerSecond, bytesPerSecond));
        user.setAuthorities(rights);
        try {
            users.save(user);
            factory.setUserManager(users);
            server = factory.createServer();
            server.start();
        } catch (FtpException e) {
            throw new IllegalStateException("the embedded FTP server does not start: " + e.getMessage(), e);
        }
    }

    void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    Path home() {
        return home;
    }

    int port() {
        return port;
    }

    /** An endpoint to this server (plain FTP), its password in a file. */
    FtpEndpoint endpoint(String remoteDir, String password) {
        try {
            Path file = Files.createTempFile("lizsync-ftp-password-", "");
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            return new FtpEndpoint("central", "127.0.0.1", port, USER, Optional.of(file), FtpEndpoint.Tls.NONE,
                    Optional.empty(), true, FtpEndpoint.PassiveHost.AUTO, remoteDir, Duration.ofSeconds(5),
                    Duration.ofSeconds(10));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        MirrorFixtures.deleteTree(home);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
