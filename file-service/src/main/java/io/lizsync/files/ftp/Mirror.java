package io.lizsync.files.ftp;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * One mirror between a remote folder of an FTP endpoint and a local folder, either way: list both
 * sides, decide ({@link MirrorPlan}), transfer in {@code parallel} connections, delete what is
 * gone (uploads that ask for it), record the cache. Per-file problems (an unsafe name, a refused
 * name, a file gone meanwhile) fail that file and the rest goes on; a lost connection, a refused
 * login, a full disk or quota end the mirror (the report says where it stopped).
 */
public final class Mirror {

    private static final Logger LOG = Logger.getLogger(Mirror.class);

    public enum Direction {
        DOWNLOAD, UPLOAD
    }

    /**
     * @param remoteDir the remote folder, relative to the endpoint's base directory ("" for it)
     * @param cacheFile this mirror's cache ({@link MirrorCache})
     */
    public record Options(Direction direction, FtpEndpoint endpoint, String remoteDir, Path localDir,
            Exclusions exclusions, boolean delete, boolean dryRun, Duration tolerance, int parallel, Path cacheFile) {
    }

    /** Where a mirror says what it is doing. */
    public interface Listener {
        void step(String step);

        /** Bytes transferred so far of those to transfer (total 0 while unknown). */
        void bytes(long done, long total);

        Listener NONE = new Listener() {
            @Override
            public void step(String step) {
            }

            @Override
            public void bytes(long done, long total) {
            }
        };
    }

    /** Lists local folders at the start of a mirror; its threads are kept a minute between mirrors. */
    private static final ExecutorService LOCAL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ftp-local-side");
        t.setDaemon(true);
        return t;
    });

    private Mirror() {
    }

    public static MirrorReport run(Options o, Listener listener, BooleanSupplier cancelled) {
        MirrorReport report = new MirrorReport();
        Map<String, MirrorPlan.Cached> cache = new ConcurrentHashMap<>();
        Map<String, MirrorPlan.Cached> previous = Map.of();
        listener.step("connect");
        // The local folder is listed, and the cache of the last run read, from the start: while the
        // server accepts the connection, the login and the listing (a nothing-changed mirror then
        // waits for the remote listing only). One task on a kept thread: CompletableFuture's
        // default pool starts a new thread per task on a host with 2 cores.
        Future<LocalSide> localSide = LOCAL.submit(() -> new LocalSide(MirrorCache.load(o.cacheFile()),
                LocalTree.list(o.localDir(), o.exclusions())));
        try (FtpSession main = FtpSession.open(o.endpoint())) {
            String root = SafeNames.join(main.absolute(o.endpoint().remoteDir()), o.remoteDir());
            report.remoteDir(root);
            report.comparison(main.comparison(o.tolerance()));
            listener.step("list");
            boolean up = o.direction() == Direction.UPLOAD;
            Listing remote;
            if (up && !main.isDirectory(root)) {
                if (!o.dryRun()) {
                    main.mkdirs(root);
                }
                remote = Listing.empty();
            } else {
                remote = RemoteTree.list(main, root, o.exclusions());
            }
            LocalSide side = join(localSide);
            Listing local = side.listing();
            Listing source = up ? local : remote;
            Listing target = up ? remote : local;
            source.refused().forEach(r -> report.failed(r.path(), r.reason()));
            listener.step("compare");
            previous = side.cache(); // an unreadable cache is an empty one
            List<MirrorPlan.Step> steps = MirrorPlan.plan(source.files(), target.files(), previous, o.tolerance(),
                    main.checksum().isPresent(), o.delete() && up);
            List<FileEntry> toSend = new ArrayList<>();
            List<String> toDelete = new ArrayList<>();
            for (MirrorPlan.Step step : steps) {
                if (cancelled.getAsBoolean()) {
                    report.cancelled();
                    return report;
                }
                MirrorPlan.Kind kind = step.kind();
                if (kind == MirrorPlan.Kind.CHECKSUM) {
                    kind = sameChecksum(main, root, o.localDir(), step) ? MirrorPlan.Kind.SKIP : MirrorPlan.Kind.TRANSFER;
                }
                switch (kind) {
                    case SKIP -> {
                        report.addSkipped();
                        cache.put(step.path(), cached(step.source(), step.target()));
                    }
                    case TRANSFER -> toSend.add(step.source());
                    case DELETE -> toDelete.add(step.path());
                    default -> throw new IllegalStateException(kind.name());
                }
            }
            Map<String, Long> parts = resumable(toSend, target.parts());
            if (!o.dryRun()) {
                removeStaleParts(main, root, o.localDir(), up, target.parts(), toSend);
            }
            long total = toSend.stream().mapToLong(FileEntry::size).sum();
            listener.bytes(0, total);
            if (o.dryRun()) {
                MirrorReport.Action action = up ? MirrorReport.Action.UPLOADED : MirrorReport.Action.DOWNLOADED;
                toSend.forEach(f -> report.transferred(f.path(), action, 0, 0, "dry run: would be transferred"));
                toDelete.forEach(report::deleted);
                return report;
            }
            if (up) {
                for (String dir : source.dirs()) {
                    if (!target.dirs().contains(dir)) {
                        main.mkdirs(SafeNames.join(root, dir));
                    }
                }
            }
            listener.step("transfer");
            transfer(o, main, root, toSend, parts, total, report, cache, listener, cancelled);
            if (report.fatal() == null && !report.wasCancelled() && !toDelete.isEmpty()) {
                listener.step("delete");
                for (String path : toDelete) {
                    if (main.delete(SafeNames.join(root, path))) {
                        report.deleted(path);
                    } else {
                        report.failed(path, "delete refused: " + main.lastReply());
                    }
                }
            }
        } catch (FtpFailure f) {
            report.fatal(f);
        } catch (IOException e) {
            report.fatal(new FtpFailure(FtpFailure.Code.UNAVAILABLE, "the connection to " + o.endpoint().describe()
                    + " failed: " + e.getMessage(), e));
        } finally {
            if (!o.dryRun() && !cache.equals(previous)) { // nothing changed: nothing to write
                MirrorCache.save(o.cacheFile(), cache);
            }
        }
        return report;
    }

    /** The local folder's listing and the cache of the last run, read together. */
    private record LocalSide(Map<String, MirrorPlan.Cached> cache, Listing listing) {
    }

    private static LocalSide join(Future<LocalSide> side) throws IOException {
        try {
            return side.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the local folder was listed");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** The transfers, in {@code parallel} connections (the listing's connection is the first). */
    private static void transfer(Options o, FtpSession main, String root, List<FileEntry> files, Map<String, Long> parts,
            long total,
            MirrorReport report, Map<String, MirrorPlan.Cached> cache, Listener listener, BooleanSupplier cancelled) {
        if (files.isEmpty()) {
            return;
        }
        ConcurrentLinkedQueue<FileEntry> queue = new ConcurrentLinkedQueue<>(files);
        AtomicLong done = new AtomicLong();
        int workers = Math.max(1, Math.min(o.parallel(), files.size()));
        BooleanSupplier stop = () -> cancelled.getAsBoolean() || report.fatal() != null;
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "ftp-transfer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                boolean first = i == 0;
                running.add(pool.submit(() -> work(o, first ? main : null, root, queue, parts, report, cache, stop, bytes -> {
                    long now = done.addAndGet(bytes);
                    listener.bytes(now, total);
                })));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    report.fatal(new FtpFailure(FtpFailure.Code.UNAVAILABLE, "a transfer failed: " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    report.cancelled();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (cancelled.getAsBoolean()) {
            report.cancelled();
        }
    }

    private static void work(Options o, FtpSession given, String root, ConcurrentLinkedQueue<FileEntry> queue,
            Map<String, Long> parts, MirrorReport report, Map<String, MirrorPlan.Cached> cache, BooleanSupplier stop,
            java.util.function.LongConsumer progress) {
        FtpSession session = given;
        boolean up = o.direction() == Direction.UPLOAD;
        try {
            FileEntry f = stop.getAsBoolean() ? null : queue.poll();
            while (f != null && !stop.getAsBoolean()) {
                if (session == null) {
                    session = FtpSession.open(o.endpoint());
                }
                // A download knows the file it does next, and asks for it ahead (not one to resume).
                FileEntry next = up || stop.getAsBoolean() ? null : queue.poll();
                FileEntry ahead = next != null && !parts.containsKey(next.path()) ? next : null;
                FileEntry current = f;
                f = next;
                try {
                    long part = parts.getOrDefault(current.path(), -1L);
                    Transfers.Done d = up
                            ? Transfers.upload(session, root, o.localDir(), current, part, progress, stop)
                            : Transfers.download(session, root, o.localDir(), current, part, ahead, progress, stop);
                    report.transferred(current.path(), o.direction() == Direction.UPLOAD ? MirrorReport.Action.UPLOADED
                            : MirrorReport.Action.DOWNLOADED, d.bytes(), d.resumedFrom(), "");
                    cache.put(current.path(), cached(current, d.target()));
                } catch (Transfers.Cancelled c) {
                    report.cancelled();
                    return;
                } catch (FtpFailure failure) {
                    report.failed(current.path(), failure.getMessage());
                    if (fatal(failure)) {
                        report.fatal(failure);
                        return;
                    }
                } catch (IllegalArgumentException unsafe) {
                    report.failed(current.path(), unsafe.getMessage());
                } catch (IOException e) {
                    String what = (o.direction() == Direction.UPLOAD ? "upload" : "download") + " of " + current.path();
                    FtpFailure lost = local(e) ? new FtpFailure(FtpFailure.Code.RESOURCE_EXHAUSTED, what
                            + ": the local disk is full") : new FtpFailure(FtpFailure.Code.UNAVAILABLE, "the connection to "
                            + o.endpoint().describe() + " was lost during the " + what + " (" + e.getMessage()
                            + "); what arrived is kept under a temporary name and the next run resumes it");
                    report.failed(current.path(), lost.getMessage());
                    report.fatal(lost);
                    return;
                }
                if (up) {
                    f = stop.getAsBoolean() ? null : queue.poll();
                }
            }
        } catch (FtpFailure f) {
            report.fatal(f);
        } finally {
            if (session != null && session != given) {
                session.close();
            }
        }
    }

    /** For each file to send, the length of the part an earlier run left for this very source (its size and time). */
    static Map<String, Long> resumable(List<FileEntry> toSend, Map<String, Long> parts) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (FileEntry f : toSend) {
            Long length = parts.get(partOf(f));
            if (length != null && f.mtime() != null) {
                out.put(f.path(), length);
            }
        }
        return out;
    }

    /** The part name a file's transfer writes to (relative). */
    static String partOf(FileEntry f) {
        return SafeNames.join(f.parent(), PartNames.of(f.name(), f.size(), f.mtimeMillis()));
    }

    /** Deletes the parts left for sources that changed since, or that are no longer sent (one pass per run). */
    private static void removeStaleParts(FtpSession s, String root, Path localRoot, boolean remote, Map<String, Long> all,
            List<FileEntry> toSend) throws IOException {
        java.util.Set<String> keep = new java.util.HashSet<>();
        toSend.forEach(f -> keep.add(partOf(f)));
        for (String part : all.keySet()) {
            if (keep.contains(part)) {
                continue;
            }
            if (remote) {
                s.delete(SafeNames.join(root, part));
            } else {
                try {
                    java.nio.file.Files.deleteIfExists(SafeNames.resolve(localRoot, part));
                } catch (IllegalArgumentException unsafe) {
                    // a name no listing would give: left alone
                }
            }
        }
    }

    /** Failures after which no other file can go: the server or the disk is gone or full. */
    private static boolean fatal(FtpFailure f) {
        return switch (f.code()) {
            case UNAVAILABLE, RESOURCE_EXHAUSTED, UNAUTHENTICATED -> true;
            default -> false;
        };
    }

    private static boolean local(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left on device") || m.contains("Disk quota exceeded");
    }

    private static boolean sameChecksum(FtpSession s, String root, Path localRoot, MirrorPlan.Step step)
            throws IOException {
        Optional<Checksums.Method> method = s.checksum();
        if (method.isEmpty()) {
            return false;
        }
        Optional<String> remote = s.checksum(SafeNames.join(root, step.path()));
        if (remote.isEmpty()) {
            return false;
        }
        String local = Transfers.localDigest(SafeNames.resolve(localRoot, step.path()), method.get());
        boolean same = local.equals(remote.get());
        LOG.debugf("%s: checksum %s %s", step.path(), method.get().algorithm, same ? "equal" : "differs");
        return same;
    }

    private static MirrorPlan.Cached cached(FileEntry source, FileEntry target) {
        return new MirrorPlan.Cached(source.size(), source.mtimeMillis(), target.size(), target.mtimeMillis());
    }
}
