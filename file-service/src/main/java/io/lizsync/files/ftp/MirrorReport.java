package io.lizsync.files.ftp;

import java.util.ArrayList;
import java.util.List;

/**
 * What one mirror did: counts, bytes, and every file transferred, deleted or failed (skipped
 * files are only counted). Filled by the mirror's workers concurrently.
 */
public final class MirrorReport {

    /** What happened to a file. */
    public enum Action {
        UPLOADED, DOWNLOADED, SKIPPED, DELETED, FAILED
    }

    /** One file's outcome. */
    public record Outcome(String path, Action action, long bytes, long resumedFrom, String reason) {
    }

    private final List<Outcome> files = new ArrayList<>();
    private int transferred;
    private int skipped;
    private int deleted;
    private int failed;
    private int resumed;
    private long bytes;
    private String remoteDir = "";
    private String comparison = "";
    private FtpFailure fatal;
    private boolean cancelled;

    public synchronized void transferred(String path, Action action, long n, long resumedFrom, String note) {
        transferred++;
        bytes += n;
        if (resumedFrom > 0) {
            resumed++;
        }
        files.add(new Outcome(path, action, n, resumedFrom, note));
    }

    public synchronized void addSkipped() {
        skipped++;
    }

    public synchronized void deleted(String path) {
        deleted++;
        files.add(new Outcome(path, Action.DELETED, 0, 0, ""));
    }

    public synchronized void failed(String path, String reason) {
        failed++;
        files.add(new Outcome(path, Action.FAILED, 0, 0, reason));
    }

    public synchronized void fatal(FtpFailure f) {
        if (fatal == null) {
            fatal = f;
        }
    }

    public synchronized void cancelled() {
        cancelled = true;
    }

    synchronized void remoteDir(String dir) {
        remoteDir = dir;
    }

    synchronized void comparison(String c) {
        comparison = c;
    }

    public synchronized List<Outcome> files() {
        return List.copyOf(files);
    }

    public synchronized int transferred() {
        return transferred;
    }

    public synchronized int skipped() {
        return skipped;
    }

    public synchronized int deleted() {
        return deleted;
    }

    public synchronized int failed() {
        return failed;
    }

    public synchronized int resumed() {
        return resumed;
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized String remoteDir() {
        return remoteDir;
    }

    public synchronized String comparison() {
        return comparison;
    }

    /** The failure that ended the mirror early; null when it ran to its end. */
    public synchronized FtpFailure fatal() {
        return fatal;
    }

    public synchronized boolean wasCancelled() {
        return cancelled;
    }

    /** "3 transferred, 997 skipped, 0 deleted, 0 failed, 12345 bytes". */
    public synchronized String summary() {
        return transferred + " transferred" + (resumed > 0 ? " (" + resumed + " resumed)" : "") + ", " + skipped
                + " skipped, " + deleted + " deleted, " + failed + " failed, " + bytes + " bytes";
    }

    /** Sorted copy for stable reports. */
    public synchronized List<Outcome> sortedFiles() {
        List<Outcome> out = new ArrayList<>(files);
        out.sort(java.util.Comparator.comparing(Outcome::path));
        return out;
    }
}
