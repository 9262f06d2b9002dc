package io.lizsync.files.ftp;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.net.ftp.FTPFile;

/**
 * Lists a remote folder recursively. With MLSD (RFC 3659) one command per folder gives names,
 * types, sizes and UTC times; without it, LIST gives names, types and sizes only, and each
 * file's time comes from MDTM (LIST times are never read: their time zone and precision are
 * the server's guess). Excluded folders are not entered; unsafe names are refused.
 */
public final class RemoteTree {

    private RemoteTree() {
    }

    /**
     * The listing under {@code root} (absolute).
     *
     * @throws FtpFailure NOT_FOUND when {@code root} is not a folder on the server
     */
    public static Listing list(FtpSession session, String root, Exclusions exclusions) throws IOException {
        if (!session.isDirectory(root)) {
            throw new FtpFailure(FtpFailure.Code.NOT_FOUND, "the remote folder " + root + " does not exist on "
                    + session.endpoint().describe() + " (" + session.lastReply() + ")");
        }
        Map<String, FileEntry> files = new TreeMap<>();
        Set<String> dirs = new LinkedHashSet<>();
        List<Listing.Refused> refused = new ArrayList<>();
        Map<String, Long> parts = new TreeMap<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.add("");
        List<String> timeless = new ArrayList<>();
        while (!pending.isEmpty()) {
            String rel = pending.poll();
            String abs = SafeNames.join(root, rel);
            FTPFile[] entries = session.mlsd() ? session.client().mlistDir(abs) : session.client().listFiles(abs);
            for (FTPFile f : entries) {
                if (f == null) {
                    continue;
                }
                String name = f.getName();
                if (name == null || name.equals(".") || name.equals("..")) {
                    continue;
                }
                if (PartNames.isPart(name)) {
                    if (f.isFile() && SafeNames.refuse(name).isEmpty()) {
                        parts.put(SafeNames.join(rel, name), f.getSize());
                    }
                    continue;
                }
                Optional<String> why = SafeNames.refuse(name);
                if (why.isPresent()) {
                    refused.add(new Listing.Refused(Listing.printable(rel, name), "unsafe " + why.get() + ": refused"));
                    continue;
                }
                String path = SafeNames.join(rel, name);
                if (f.isDirectory()) {
                    if (!exclusions.excludesDir(path)) {
                        dirs.add(path);
                        pending.add(path);
                    }
                } else if (f.isFile()) {
                    Instant mtime = null;
                    if (session.mlsd()) {
                        mtime = f.getTimestamp() == null ? null : f.getTimestamp().toInstant();
                    } else {
                        timeless.add(path);
                    }
                    files.put(path, new FileEntry(path, f.getSize(), mtime));
                } else if (f.isSymbolicLink()) {
                    refused.add(new Listing.Refused(path, "a symbolic link on the server: not followed"));
                }
            }
        }
        // Without MLSD: the whole tree's MDTMs once every folder is listed, in batches (one wait per
        // batch, not per file nor per folder).
        List<String> absolute = new ArrayList<>(timeless.size());
        timeless.forEach(p -> absolute.add(SafeNames.join(root, p)));
        List<Optional<Instant>> times = session.mdtm(absolute);
        for (int i = 0; i < timeless.size(); i++) {
            FileEntry e = files.get(timeless.get(i));
            files.put(e.path(), new FileEntry(e.path(), e.size(), times.get(i).orElse(null)));
        }
        return new Listing(files, dirs, refused, parts);
    }
}
