package io.lizsync.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A document's file into {@code target}: bytes go to {@code target.part}, a later run resumes it
 * with {@code Range: bytes=N-} (206 appends, 200 starts again), and the whole file is checked
 * against the SHA-256 of the answer's ETag before it takes its name ({@link ArchiveDownload}'s
 * rules for a file whose size is only known from the answer).
 */
final class DocumentFiles {

    private DocumentFiles() {
    }

    static long download(GatewayClient gw, String path, Path target, PrintStream progress) throws IOException {
        if (Files.exists(target)) {
            throw new UsageException("--file: " + target + " exists");
        }
        Path part = ArchiveDownload.partOf(target);
        long have = Files.exists(part) ? Files.size(part) : 0;
        HttpResponse<InputStream> r = gw.open(path, have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of());
        String sha = ArchiveDownload.sha256OfEtag(r.headers().firstValue("ETag").orElse(null));
        boolean append = r.statusCode() == 206;
        if (have > 0) {
            progress.println(append ? "download: resuming " + part + " at " + have + " bytes" : "download: starting " + part + " again");
        }
        long written = 0;
        try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            written = in.transferTo(out);
        }
        long expected = r.headers().firstValueAsLong("Content-Length").orElse(written);
        if (written < expected) {
            throw new CliFailure("download stopped at " + Files.size(part) + " bytes; run the same command again to resume");
        }
        if (sha != null && !sha.equalsIgnoreCase(sha256(part))) {
            Files.delete(part);
            throw new CliFailure("SHA-256 of the downloaded file differs from the server's; the partial file was removed");
        }
        Files.move(part, target);
        return Files.size(target);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
