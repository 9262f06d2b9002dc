package io.lizsync.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * scripts/run-local.sh's FTP servers ("central FTP", a clone's FTP): an Apache FtpServer 1.2.1
 * ({@link FtpTestServer}) on a loopback port, one user {@value FtpTestServer#USER} whose password
 * is the first line of a file the script made (0600), serving until the process is stopped.
 *
 * <pre>
 * java -cp lizsync-testkit.jar:ftpserver-core.jar:ftplet-api.jar:mina-core.jar:slf4j-api.jar io.lizsync.testkit.FtpServerMain --home DIR --port PORT --password-file FILE [--tls-keystore FILE.p12 --tls-password-file FILE]
 * </pre>
 *
 * With {@code --tls-keystore} (the certificate and key as PKCS#12, its password in the second
 * file) it offers explicit FTPS: AUTH TLS on the control connection, PROT P on the data ones.
 *
 * Prints one line of JSON ({@code {"user": ..., "port": ...}}) once it listens. Exit codes: 1
 * failed, 2 usage error.
 */
public final class FtpServerMain {

    private static final String USAGE = "usage: FtpServerMain --home DIR --port PORT --password-file FILE"
            + " [--tls-keystore FILE.p12 --tls-password-file FILE]";

    private FtpServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path home = null;
        Path passwordFile = null;
        Path keystore = null;
        Path keystorePassword = null;
        int port = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[i + 1]);
                case "--password-file" -> passwordFile = Path.of(args[i + 1]);
                case "--port" -> port = parsePort(args[i + 1]);
                case "--tls-keystore" -> keystore = Path.of(args[i + 1]);
                case "--tls-password-file" -> keystorePassword = Path.of(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0 || home == null || passwordFile == null || port <= 0) {
            usage("--home, --port and --password-file are needed");
        }
        if ((keystore == null) != (keystorePassword == null)) {
            usage("--tls-keystore and --tls-password-file go together");
        }
        for (Path f : new Path[] {passwordFile, keystore, keystorePassword}) {
            if (f != null && !Files.isReadable(f)) {
                System.err.println("FtpServerMain: " + f + " cannot be read");
                System.exit(1);
            }
        }
        FtpTestServer server = FtpTestServer.serve(home, port, passwordFile,
                keystore == null ? null : new FtpTestServer.Tls(keystore, keystorePassword));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "ftp-server-stop"));
        System.out.println("{\"user\": \"" + FtpTestServer.USER + "\", \"port\": " + port + ", \"tls\": \""
                + (keystore == null ? "none" : "explicit") + "\"}");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            usage("--port takes a number");
            return -1;
        }
    }

    private static void usage(String why) {
        System.err.println("FtpServerMain: " + why + "\n" + USAGE);
        System.exit(2);
    }
}
