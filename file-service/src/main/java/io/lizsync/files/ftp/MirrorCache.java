package io.lizsync.files.ftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * What the last run of one mirror (one endpoint, remote folder, local folder and direction) found
 * equal or transferred: per file, the source's and the target's size and time afterwards. One
 * tab-separated file per mirror, written to a temporary name and renamed. Paths never hold a tab
 * or a line break (their names passed {@link SafeNames}). A lost or unreadable cache only costs
 * comparisons.
 */
public final class MirrorCache {

    private static final Logger LOG = Logger.getLogger(MirrorCache.class);

    private MirrorCache() {
    }

    public static Map<String, MirrorPlan.Cached> load(Path file) {
        Map<String, MirrorPlan.Cached> out = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            LOG.warnf("mirror cache %s cannot be read (%s): every file is compared again", file, e.getMessage());
            return out;
        }
        for (String line : lines) {
            String[] f = line.split("\t");
            if (f.length != 5) {
                continue;
            }
            try {
                out.put(f[0], new MirrorPlan.Cached(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4])));
            } catch (NumberFormatException e) {
                // a damaged line: that file is compared again
            }
        }
        return out;
    }

    public static void save(Path file, Map<String, MirrorPlan.Cached> entries) {
        StringBuilder text = new StringBuilder();
        for (var e : new TreeMap<>(entries).entrySet()) {
            MirrorPlan.Cached c = e.getValue();
            text.append(e.getKey()).append('\t').append(c.sourceSize()).append('\t').append(c.sourceMtime()).append('\t')
                    .append(c.targetSize()).append('\t').append(c.targetMtime()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".writing");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warnf("mirror cache %s cannot be written (%s): the next run compares every file", file, e.getMessage());
        }
    }

    /**
     * After the local copies of {@code paths} were changed on purpose (projects adapted to the
     * clone): records their new size and time, so an unchanged source is not fetched again over them.
     */
    public static void refreshTargets(Path file, Path localRoot, List<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        Map<String, MirrorPlan.Cached> entries = load(file);
        for (String p : paths) {
            MirrorPlan.Cached c = entries.get(p);
            if (c == null) {
                continue;
            }
            try {
                Path local = SafeNames.resolve(localRoot, p);
                entries.put(p, new MirrorPlan.Cached(c.sourceSize(), c.sourceMtime(), Files.size(local),
                        Files.getLastModifiedTime(local).toMillis()));
            } catch (IOException | IllegalArgumentException e) {
                entries.remove(p);
            }
        }
        save(file, entries);
    }
}
