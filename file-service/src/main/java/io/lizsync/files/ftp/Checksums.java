package io.lizsync.files.ftp;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checksum commands an FTP server may offer and how to read their replies: {@code HASH}
 * (draft-bryan-ftpext-hash: "213 SHA-256 0-1234 hex name"), {@code XMD5} and {@code XCRC}
 * ("250 hex" or "213 hex"), {@code MD5} (draft-twine-ftpmd5, as Apache FtpServer offers it:
 * "251 name HEX", the name quoted when it holds a space). Pure functions.
 */
public final class Checksums {

    /** The command and the JDK/CRC algorithm computed locally to compare with its answer. */
    public enum Method {
        HASH_SHA256("HASH", "SHA-256"), HASH_SHA1("HASH", "SHA-1"), HASH_MD5("HASH", "MD5"),
        XMD5("XMD5", "MD5"), MD5("MD5", "MD5"), XCRC("XCRC", "CRC32");

        public final String command;
        public final String algorithm;

        Method(String command, String algorithm) {
            this.command = command;
            this.algorithm = algorithm;
        }
    }

    private Checksums() {
    }

    /**
     * The best method among a server's FEAT lines: HASH with SHA-256, SHA-1 or MD5 (the one the
     * server marks current with "*" is switched by OPTS HASH), else XMD5, else MD5, else XCRC.
     */
    public static Optional<Method> choose(List<String> featLines) {
        String hash = null;
        boolean xmd5 = false;
        boolean md5 = false;
        boolean xcrc = false;
        for (String raw : featLines) {
            String line = raw.strip().toUpperCase(Locale.ROOT);
            if (line.startsWith("HASH ")) {
                hash = line.substring(5);
            } else if (line.equals("XMD5")) {
                xmd5 = true;
            } else if (line.equals("MD5")) {
                md5 = true;
            } else if (line.equals("XCRC")) {
                xcrc = true;
            }
        }
        if (hash != null) {
            List<String> algos = List.of(hash.replace("*", "").split(";"));
            if (algos.contains("SHA-256")) {
                return Optional.of(Method.HASH_SHA256);
            }
            if (algos.contains("SHA-1")) {
                return Optional.of(Method.HASH_SHA1);
            }
            if (algos.contains("MD5")) {
                return Optional.of(Method.HASH_MD5);
            }
        }
        if (xmd5) {
            return Optional.of(Method.XMD5);
        }
        if (md5) {
            return Optional.of(Method.MD5);
        }
        return xcrc ? Optional.of(Method.XCRC) : Optional.empty();
    }

    /** The lower-case hex digest of a reply; empty when the reply is not a positive one with a digest. */
    public static Optional<String> digest(Method method, String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        String[] words = reply.strip().split("\\s+");
        boolean md5 = method == Method.MD5;
        if (words.length < 2 || !(md5 ? words[0].equals("251") : words[0].equals("213") || words[0].equals("250"))) {
            return Optional.empty();
        }
        // MD5 answers the name first (any words), the digest last.
        String candidate = method.command.equals("HASH") ? (words.length >= 4 ? words[3] : "")
                : md5 ? (words.length >= 3 ? words[words.length - 1] : "") : words[1];
        if (method.command.equals("HASH") && !words[1].equalsIgnoreCase(method.algorithm)) {
            return Optional.empty();
        }
        candidate = candidate.toLowerCase(Locale.ROOT);
        return !candidate.isEmpty() && candidate.chars().allMatch(c -> Character.digit(c, 16) >= 0)
                ? Optional.of(candidate) : Optional.empty();
    }
}
