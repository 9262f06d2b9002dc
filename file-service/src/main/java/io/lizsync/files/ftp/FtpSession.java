package io.lizsync.files.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * One logged-in control connection to an endpoint, in binary mode, passive unless configured
 * otherwise, TLS-protected control and data with EXPLICIT, and what the server offers (FEAT):
 * MLSD, MDTM, MFMT, REST STREAM, SIZE, a checksum command. Not thread-safe: one per worker.
 */
public final class FtpSession implements AutoCloseable {

    private final FtpEndpoint endpoint;
    private final FTPClient client;
    private boolean mlsd;
    private boolean mdtm;
    private boolean mfmt;
    private boolean rest;
    private boolean size;
    private Optional<Checksums.Method> checksum = Optional.empty();

    private FtpSession(FtpEndpoint endpoint, FTPClient client) {
        this.endpoint = endpoint;
        this.client = client;
    }

    /**
     * Connects and logs in.
     *
     * @throws FtpFailure UNAVAILABLE (unreachable, TLS refused by the server), FAILED_PRECONDITION
     *         (certificate does not verify, password file unreadable), UNAUTHENTICATED (login refused)
     */
    public static FtpSession open(FtpEndpoint endpoint) {
        FTPClient client = endpoint.tls() == FtpEndpoint.Tls.EXPLICIT
                ? new PipelinedFtpClient.Secure(TrustFiles.context(endpoint.trustFile(), endpoint.describe()))
                : new PipelinedFtpClient.Plain();
        if (client instanceof FTPSClient ftps) {
            ftps.setEndpointCheckingEnabled(true);
        }
        client.setControlEncoding(StandardCharsets.UTF_8.name());
        client.setConnectTimeout((int) endpoint.connectTimeout().toMillis());
        client.setDefaultTimeout((int) endpoint.dataTimeout().toMillis());
        client.setDataTimeout(endpoint.dataTimeout());
        // Commons Net's stream buffer, allocated per transfer: reads and writes of our 256 KiB
        // buffer bypass it, so it only needs to be small (a thousand small files make no garbage).
        client.setBufferSize(16 * 1024);
        try {
            client.setReceiveBufferSize(1024 * 1024); // data connections: room for a fast link's window
            client.setSendBufferSize(1024 * 1024);
        } catch (java.net.SocketException ignored) {
            // the system's defaults then
        }
        client.setListHiddenFiles(true);
        FtpSession session = new FtpSession(endpoint, client);
        try {
            session.connect();
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private void connect() {
        String where = endpoint.describe();
        try {
            client.connect(endpoint.host(), endpoint.port());
        } catch (SSLHandshakeException e) {
            throw new FtpFailure(FtpFailure.Code.FAILED_PRECONDITION, "the certificate of " + where
                    + " does not verify against " + endpoint.trustFile().map(p -> "the trust file " + p).orElse("the JVM's trust store")
                    + " and the host name: refused (" + e.getMessage() + ")", e);
        } catch (SSLException e) {
            throw new FtpFailure(FtpFailure.Code.UNAVAILABLE, "TLS with " + where + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new FtpFailure(FtpFailure.Code.UNAVAILABLE, where + " cannot be reached: " + e.getMessage(), e);
        }
        try {
            client.setTcpNoDelay(true); // small commands, one reply each: no Nagle delay per command
        } catch (java.net.SocketException ignored) {
            // keeps the default
        }
        if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
            throw new FtpFailure(FtpFailure.Code.UNAVAILABLE, where + " refused the connection: "
                    + FtpFailure.clean(client.getReplyString()));
        }
        String password = readPassword();
        try {
            if (!client.login(endpoint.user(), password)) {
                throw new FtpFailure(FtpFailure.Code.UNAUTHENTICATED, where + " refused the login of user \""
                        + endpoint.user() + "\": " + FtpFailure.clean(client.getReplyString()));
            }
            if (client instanceof FTPSClient ftps) {
                ftps.execPBSZ(0);
                ftps.execPROT("P");
            }
            if (!client.setFileType(FTP.BINARY_FILE_TYPE)) {
                throw new FtpFailure(FtpFailure.Code.UNAVAILABLE, where + " refused binary mode: "
                        + FtpFailure.clean(client.getReplyString()));
            }
            if (endpoint.passive()) {
                client.enterLocalPassiveMode();
                boolean always = endpoint.passiveHost() == FtpEndpoint.PassiveHost.CONTROL;
                client.setPassiveNatWorkaroundStrategy(host -> PassiveAddress.choose(host, client.getRemoteAddress(), always));
            }
            readFeatures();
        } catch (IOException e) {
            throw new FtpFailure(FtpFailure.Code.UNAVAILABLE, "the connection to " + where + " failed: " + e.getMessage(), e);
        }
    }

    private String readPassword() {
        if (endpoint.passwordFile().isEmpty()) {
            return "";
        }
        try {
            String p = Files.readString(endpoint.passwordFile().get(), StandardCharsets.UTF_8);
            int end = p.length();
            while (end > 0 && (p.charAt(end - 1) == '\n' || p.charAt(end - 1) == '\r')) {
                end--;
            }
            return p.substring(0, end);
        } catch (NoSuchFileException e) {
            throw new FtpFailure(FtpFailure.Code.FAILED_PRECONDITION, "the password file of " + endpoint.describe()
                    + " does not exist: " + endpoint.passwordFile().get());
        } catch (IOException e) {
            throw new FtpFailure(FtpFailure.Code.FAILED_PRECONDITION, "the password file of " + endpoint.describe()
                    + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private void readFeatures() throws IOException {
        List<String> lines = new ArrayList<>();
        if (client.features()) {
            for (String line : client.getReplyStrings()) {
                if (line.startsWith(" ")) {
                    lines.add(line.strip());
                }
            }
        }
        for (String line : lines) {
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            mlsd |= upper.startsWith("MLST");
            mdtm |= upper.equals("MDTM");
            mfmt |= upper.equals("MFMT");
            rest |= upper.startsWith("REST STREAM");
            size |= upper.equals("SIZE");
        }
        checksum = Checksums.choose(lines);
        if (checksum.isPresent() && checksum.get().command.equals("HASH")
                && !FTPReply.isPositiveCompletion(client.sendCommand("OPTS", "HASH " + checksum.get().algorithm))) {
            checksum = Optional.empty();
        }
    }

    public FtpEndpoint endpoint() {
        return endpoint;
    }

    public FTPClient client() {
        return client;
    }

    public boolean mlsd() {
        return mlsd;
    }

    public boolean mdtm() {
        return mdtm;
    }

    public boolean mfmt() {
        return mfmt;
    }

    public boolean rest() {
        return rest;
    }

    public boolean size() {
        return size;
    }

    public Optional<Checksums.Method> checksum() {
        return checksum;
    }

    /** How this server's files are compared, for reports. */
    public String comparison(java.time.Duration tolerance) {
        return "size+mtime (" + (mlsd ? "MLSD" : "LIST names, MDTM times") + ", UTC, tolerance "
                + tolerance.toMillis() + " ms)" + checksum.map(c -> ", " + c.command + " " + c.algorithm + " when times differ").orElse("");
    }

    /** The absolute remote directory of a path relative to the login directory (or absolute). */
    public String absolute(String dir) throws IOException {
        if (dir.startsWith("/")) {
            return dir;
        }
        String pwd = client.printWorkingDirectory();
        if (pwd == null) {
            throw FtpFailure.ofReply(client.getReplyCode(), client.getReplyString(), "PWD on " + endpoint.describe());
        }
        return SafeNames.join(pwd, dir);
    }

    /** True when {@code dir} exists and can be entered. */
    public boolean isDirectory(String dir) throws IOException {
        return client.changeWorkingDirectory(dir);
    }

    /** The UTC modification time of a file (MDTM); empty when the server gives none. */
    public Optional<Instant> mdtm(String path) throws IOException {
        if (!mdtm) {
            return Optional.empty();
        }
        int code = client.sendCommand("MDTM", path);
        return code == 213 ? MdtmTime.parseReply(client.getReplyString()) : Optional.empty();
    }

    /**
     * The UTC modification times of files (MDTM), in the order given: the commands are written in
     * batches and their replies read in order (one wait per batch, not per file).
     */
    public List<Optional<Instant>> mdtm(List<String> paths) throws IOException {
        List<Optional<Instant>> out = new ArrayList<>(paths.size());
        if (!mdtm) {
            paths.forEach(p -> out.add(Optional.empty()));
            return out;
        }
        List<String> commands = new ArrayList<>(paths.size());
        paths.forEach(p -> commands.add("MDTM " + p));
        for (PipelinedFtpClient.Reply r : batching().batch(commands)) {
            out.add(r.code() == 213 ? MdtmTime.parseReply(r.text()) : Optional.empty());
        }
        return out;
    }

    /** Sends commands in one batch and answers their replies in order. */
    List<PipelinedFtpClient.Reply> batch(List<String> commands) throws IOException {
        return batching().batch(commands);
    }

    private PipelinedFtpClient.Batching batching() {
        return (PipelinedFtpClient.Batching) client;
    }

    /** The size of a file (SIZE); -1 when it does not exist or the server cannot tell. */
    public long size(String path) throws IOException {
        if (!size) {
            return -1;
        }
        String s = client.getSize(path);
        try {
            return s == null ? -1 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The server's checksum of a file; empty when it has none or refuses. */
    public Optional<String> checksum(String path) throws IOException {
        if (checksum.isEmpty()) {
            return Optional.empty();
        }
        client.sendCommand(checksum.get().command, path);
        return Checksums.digest(checksum.get(), client.getReplyString());
    }

    /** Opens a download from {@code offset} (REST when above 0). */
    public InputStream retrieve(String path, long offset) throws IOException {
        client.setRestartOffset(offset);
        InputStream in = client.retrieveFileStream(path);
        if (in == null) {
            throw FtpFailure.ofReply(client.getReplyCode(), client.getReplyString(), "download of " + path);
        }
        return in;
    }

    /**
     * Asks, with the next download's commands, for the download of {@code path} from offset 0
     * that this session does after it (plain FTP, passive): the server starts it as soon as the
     * current one ends. Any other command first finishes that download's opening and drops it.
     */
    public void ahead(String path) {
        if (client instanceof PipelinedFtpClient.Plain plain) {
            plain.ahead(path);
        }
    }

    /** Opens an upload writing from {@code offset} (REST when above 0). */
    public OutputStream store(String path, long offset) throws IOException {
        client.setRestartOffset(offset);
        OutputStream out = client.storeFileStream(path);
        if (out == null) {
            throw FtpFailure.ofReply(client.getReplyCode(), client.getReplyString(), "upload of " + path);
        }
        return out;
    }

    /** Ends a transfer opened by retrieve or store: the server's final reply must be positive. */
    public void complete(String what) throws IOException {
        if (!client.completePendingCommand()) {
            throw FtpFailure.ofReply(client.getReplyCode(), client.getReplyString(), what);
        }
    }

    /** Renames, replacing the target where the server refuses to (deletes it first). */
    public void rename(String from, String to) throws IOException {
        if (client.rename(from, to)) {
            return;
        }
        if (client.deleteFile(to) && client.rename(from, to)) {
            return;
        }
        throw FtpFailure.ofReply(client.getReplyCode(), client.getReplyString(), "rename to " + to);
    }

    /**
     * Puts a complete part under its name with the source's time, in one batch: MFMT on the part
     * (a rename keeps the time; a refused rename then touched only the part), RNFR, RNTO. Where the
     * server refuses to replace the target, deletes it and renames again ({@link #rename}).
     *
     * @return the time the server now holds for {@code to}: {@code mtime} when MFMT took, else its MDTM
     */
    public Optional<Instant> renameWithTime(String from, String to, Instant mtime) throws IOException {
        List<String> commands = new ArrayList<>(3);
        boolean stamp = mfmt && mtime != null;
        if (stamp) {
            commands.add("MFMT " + MdtmTime.format(mtime) + " " + from);
        }
        commands.add("RNFR " + from);
        commands.add("RNTO " + to);
        List<PipelinedFtpClient.Reply> replies = batch(commands);
        boolean stamped = stamp && FTPReply.isPositiveCompletion(replies.get(0).code());
        PipelinedFtpClient.Reply rnfr = replies.get(replies.size() - 2);
        PipelinedFtpClient.Reply rnto = replies.get(replies.size() - 1);
        if (rnfr.code() != FTPReply.FILE_ACTION_PENDING || !FTPReply.isPositiveCompletion(rnto.code())) {
            rename(from, to);
        }
        return stamped ? Optional.of(mtime) : mdtm(to);
    }

    /** Creates a directory and its parents as needed. */
    public void mkdirs(String dir) throws IOException {
        if (dir.isEmpty() || dir.equals("/") || client.changeWorkingDirectory(dir)) {
            return;
        }
        int slash = dir.lastIndexOf('/');
        if (slash > 0) {
            mkdirs(dir.substring(0, slash));
        }
        if (!client.makeDirectory(dir) && !client.changeWorkingDirectory(dir)) {
            throw FtpFailure.ofReply(client.getReplyCode(), client.getReplyString(), "creating folder " + dir);
        }
    }

    /** Deletes a file; false when the server refused (its reply is then {@link #lastReply()}). */
    public boolean delete(String path) throws IOException {
        return client.deleteFile(path);
    }

    public String lastReply() {
        return FtpFailure.clean(client.getReplyString());
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                try {
                    // A download asked for ahead cannot be ended politely: the connection just closes.
                    if (!(client instanceof PipelinedFtpClient.Plain plain && plain.hasPending())) {
                        client.logout();
                    }
                } catch (IOException ignored) {
                    // closing anyway
                }
                client.disconnect();
            }
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
