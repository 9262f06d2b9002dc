package io.lizsync.files.ftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * vsftpd from Debian's package (scripts/setup.sh installs it), as field servers run it, started by
 * the test with its own configuration on a free loopback port: anonymous users (no system account
 * is created) write under {@code pub/} (owned by the {@code ftp} user the package creates), LIST +
 * MDTM only (vsftpd has no MLSD), optionally explicit FTPS with the test certificate and a
 * transfer rate limit. Needs root (the tests run as root here and in CI).
 */
final class Vsftpd implements AutoCloseable {

    private final Path dir;
    private final Path home;
    private final int port;
    private final List<String> extra;
    private Process process;

    private Vsftpd(Path dir, int port, List<String> extra) {
        this.dir = dir;
        this.home = dir.resolve("home");
        this.port = port;
        this.extra = extra;
    }

    /** A server over a new folder; {@code extra} configuration lines (TLS, rate) added. */
    static Vsftpd start(List<String> extra) {
        try {
            Path dir = Files.createTempDirectory("lizsync-vsftpd-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Vsftpd v = new Vsftpd(dir, MirrorFixtures.freePort(), extra);
            Files.createDirectories(v.home);
            Files.setPosixFilePermissions(v.home, PosixFilePermissions.fromString("r-xr-xr-x"));
            Path pub = Files.createDirectories(v.home.resolve("pub"));
            chownFtp(pub);
            Path empty = Files.createDirectories(dir.resolve("empty"));
            Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("r-xr-xr-x"));
            try {
                v.startAgain();
            } catch (RuntimeException | IOException e) {
                v.close();
                throw e;
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines that make it serve explicit FTPS only, with a certificate and its key. */
    static List<String> tls(Path certificate, Path key) {
        return List.of("ssl_enable=YES", "rsa_cert_file=" + certificate, "rsa_private_key_file=" + key,
                "allow_anon_ssl=YES", "force_anon_logins_ssl=YES", "force_anon_data_ssl=YES",
                // Commons Net does not resume the control connection's TLS session on data connections.
                "require_ssl_reuse=NO");
    }

    void startAgain() throws IOException {
        Path conf = dir.resolve("vsftpd.conf");
        StringBuilder text = new StringBuilder();
        for (String line : List.of("listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + port,
                "background=NO", "local_enable=NO", "anonymous_enable=YES", "no_anon_password=YES",
                "anon_root=" + home, "write_enable=YES", "anon_upload_enable=YES", "anon_mkdir_write_enable=YES",
                "anon_other_write_enable=YES", "anon_umask=022", "pasv_enable=YES", "pasv_address=127.0.0.1",
                "force_dot_files=YES", "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO",
                "secure_chroot_dir=" + dir.resolve("empty"), "xferlog_enable=NO", "use_localtime=NO",
                "pam_service_name=vsftpd")) {
            text.append(line).append('\n');
        }
        extra.forEach(l -> text.append(l).append('\n'));
        Files.writeString(conf, text, StandardCharsets.UTF_8);
        process = new ProcessBuilder("/usr/sbin/vsftpd", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("vsftpd.out").toFile()).start();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("vsftpd ended: " + Files.readString(dir.resolve("vsftpd.out")));
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("vsftpd does not listen on " + port);
    }

    /** Kills the server and every session process it forked (their data connections die with them). */
    void kill() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** The folder anonymous users write to. */
    Path pub() {
        return home.resolve("pub");
    }

    FtpEndpoint endpoint(FtpEndpoint.Tls tls, Optional<Path> trust) {
        return new FtpEndpoint("vsftpd", "127.0.0.1", port, "anonymous", Optional.empty(), tls, trust, true,
                FtpEndpoint.PassiveHost.AUTO, "/pub", Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    static void chownFtp(Path p) throws IOException {
        var lookup = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, lookup.lookupPrincipalByName("ftp"));
    }

    @Override
    public void close() {
        kill();
        MirrorFixtures.deleteTree(dir);
    }
}
