package io.lizsync.files.ftp;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * Commons Net's clients with fewer waits for a reply. Each wait is a wake-up of the server's
 * process and of ours; on a loaded host each costs milliseconds, and a mirror of small files is
 * made of them (ADR 0022, "Speed").
 * <ul>
 * <li>{@link #batch}: commands written {@link #DEPTH} at a time, their replies read in order
 * (a folder's MDTMs; the RNFR, RNTO, MFMT after an upload).</li>
 * <li>{@link Plain}: a passive transfer or listing on plain FTP writes PASV and its command (RETR,
 * STOR, LIST, MLSD) together and connects the data socket once the 227 is in; the server waits
 * for that connection before it answers the command. Commons Net waits for the 227, connects,
 * then sends the command and waits again. A mirror's worker also writes the PASV and RETR of the
 * file it downloads next with them ({@link Plain#ahead}): the server, once the current file is
 * sent, answers those at once and waits for the next data connection, so that a small file
 * costs one wake-up of the server (our connection) instead of two. A resumed transfer (REST)
 * and FTPS keep Commons Net's own sequence.</li>
 * </ul>
 */
final class PipelinedFtpClient {

    /**
     * Commands written before their replies are read: far from filling either socket buffer (128
     * replies of an MDTM or an error are under 8 KiB; the commands, up to a path each, go to a
     * server that reads them one by one while it answers).
     */
    static final int DEPTH = 128;

    /** A reply: its code and its text (every line). */
    record Reply(int code, String text) {
    }

    /** What both clients offer. */
    interface Batching {
        List<Reply> batch(List<String> commands) throws IOException;
    }

    private PipelinedFtpClient() {
    }

    /** Plain FTP: batches and pipelined passive data connections. */
    static final class Plain extends FTPClient implements Batching {

        /** The command written ahead whose replies are not read yet, or null. */
        private String pending;
        /** The download to write ahead with the next data connection's commands, or null. */
        private String wanted;

        @Override
        public List<Reply> batch(List<String> commands) throws IOException {
            drain();
            return PipelinedFtpClient.batch(_controlOutput_, this, commands);
        }

        /**
         * Asks for {@code RETR path} (from offset 0) ahead: its PASV and RETR are written with the
         * next data connection's commands, so that the server starts it as soon as that transfer
         * ended, before we even read the 226, and the next {@code retrieveFileStream(path)} finds
         * its 227 there. Ignored in active mode and over IPv6.
         */
        void ahead(String path) {
            wanted = pipelines() ? "RETR " + path : null;
        }

        /** True when a command was written ahead and its replies are not read yet. */
        boolean hasPending() {
            return pending != null;
        }

        @Override
        public int sendCommand(String command, String args) throws IOException {
            drain();
            return super.sendCommand(command, args);
        }

        /**
         * Reads the replies of a command written ahead that is not wanted any more (the next file
         * failed before its download): connects and closes its data connection so that the server
         * ends it at once (instead of waiting for the connection until its timeout).
         */
        private void drain() throws IOException {
            wanted = null;
            if (pending == null) {
                return;
            }
            pending = null;
            Socket socket = open();
            if (socket != null) {
                socket.close();
                getReply(); // 226 or 426
            }
        }

        private boolean pipelines() {
            return getDataConnectionMode() == PASSIVE_LOCAL_DATA_CONNECTION_MODE && !isUseEPSVwithIPv4()
                    && getRemoteAddress() instanceof Inet4Address;
        }

        @Override
        protected Socket _openDataConnection_(String command, String arg) throws IOException {
            String line = arg == null ? command : command + " " + arg;
            String next = wanted;
            wanted = null;
            List<String> commands = new ArrayList<>(4);
            if (pending != null && pending.equals(line) && getRestartOffset() <= 0) {
                pending = null;
            } else {
                drain();
                if (!pipelines() || getRestartOffset() > 0) {
                    return super._openDataConnection_(command, arg);
                }
                commands.add("PASV");
                commands.add(line);
            }
            if (next != null && !next.equals(line)) {
                commands.add("PASV");
                commands.add(next);
            }
            if (!commands.isEmpty()) {
                write(_controlOutput_, commands);
            }
            if (next != null && !next.equals(line)) {
                pending = next;
            }
            return open();
        }

        /** Reads the 227 of a PASV written with its command, connects, reads the command's reply. */
        private Socket open() throws IOException {
            if (getReply() != FTPReply.ENTERING_PASSIVE_MODE) {
                getReply(); // the command's own reply (425, no data connection): the caller reads it
                return null;
            }
            _parsePassiveModeReply(_replyLines.get(0));
            Socket socket = _socketFactory_.createSocket();
            try {
                if (getReceiveDataSocketBufferSize() > 0) {
                    socket.setReceiveBufferSize(getReceiveDataSocketBufferSize());
                }
                if (getSendDataSocketBufferSize() > 0) {
                    socket.setSendBufferSize(getSendDataSocketBufferSize());
                }
                if (getDataTimeout() != null && !getDataTimeout().isNegative()) {
                    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, getDataTimeout().toMillis()));
                }
                try {
                    socket.connect(new InetSocketAddress(getPassiveHost(), getPassivePort()), connectTimeout);
                } catch (java.net.ConnectException refused) {
                    // A server that refused the command (550: no such file) may have closed its passive
                    // port already: its reply says so, and the file fails, not the session.
                    if (!FTPReply.isPositivePreliminary(getReply())) {
                        socket.close();
                        return null;
                    }
                    throw refused;
                }
                if (!FTPReply.isPositivePreliminary(getReply())) {
                    socket.close();
                    return null;
                }
                if (isRemoteVerificationEnabled() && !verifyRemote(socket)) {
                    throw new IOException("the data connection's peer " + socket.getInetAddress().getHostAddress()
                            + " is not the server " + getRemoteAddress().getHostAddress());
                }
                return socket;
            } catch (IOException | RuntimeException e) {
                // A connection that cannot be opened leaves the server waiting: this session is not reused.
                socket.close();
                throw e;
            }
        }
    }

    /** Explicit FTPS: batches only (the data connections keep Commons Net's TLS handshake). */
    static final class Secure extends FTPSClient implements Batching {

        Secure(javax.net.ssl.SSLContext context) {
            super(false, context);
        }

        @Override
        public List<Reply> batch(List<String> commands) throws IOException {
            return PipelinedFtpClient.batch(_controlOutput_, this, commands);
        }
    }

    private static List<Reply> batch(BufferedWriter out, FTPClient client, List<String> commands) throws IOException {
        List<Reply> replies = new ArrayList<>(commands.size());
        for (int from = 0; from < commands.size(); from += DEPTH) {
            List<String> slice = commands.subList(from, Math.min(commands.size(), from + DEPTH));
            write(out, slice);
            for (int i = 0; i < slice.size(); i++) {
                int code = client.getReply();
                replies.add(new Reply(code, client.getReplyString()));
            }
        }
        return replies;
    }

    private static void write(BufferedWriter out, List<String> commands) throws IOException {
        if (out == null) {
            throw new org.apache.commons.net.ftp.FTPConnectionClosedException("the control connection is closed");
        }
        StringBuilder text = new StringBuilder();
        for (String c : commands) {
            if (c.indexOf('\r') >= 0 || c.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a line break in an FTP command");
            }
            text.append(c).append("\r\n");
        }
        out.write(text.toString());
        out.flush();
    }
}
