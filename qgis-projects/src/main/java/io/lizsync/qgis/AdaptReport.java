package io.lizsync.qgis;

import java.util.List;

/**
 * What adapting a folder (or a set of stored projects) did.
 *
 * @param projectsAdapted      files rewritten (paths relative to the folder, '/'-separated), each with
 *                             its original kept as a backup ({@link QgisFolderAdapter#BACKUP_SUFFIX})
 * @param dataSourcesRewritten copies of a central connection rewritten to the clone's, over all files
 * @param unchanged            project files read that point at nothing of central (left as they were)
 * @param skipped              files not adapted, with the reason (not XML, a bad archive entry, ...)
 * @param rewrittenByFile      for each adapted file, the copies rewritten in it
 */
public record AdaptReport(List<String> projectsAdapted, int dataSourcesRewritten, List<String> unchanged,
                          List<Skipped> skipped, java.util.Map<String, Integer> rewrittenByFile) {

    public AdaptReport {
        projectsAdapted = List.copyOf(projectsAdapted);
        unchanged = List.copyOf(unchanged);
        skipped = List.copyOf(skipped);
        rewrittenByFile = java.util.Map.copyOf(rewrittenByFile);
    }

    /** Without the counts by file. */
    public AdaptReport(List<String> projectsAdapted, int dataSourcesRewritten, List<String> unchanged, List<Skipped> skipped) {
        this(projectsAdapted, dataSourcesRewritten, unchanged, skipped, java.util.Map.of());
    }

    /** The copies rewritten in one adapted file (0 for a file not adapted). */
    public int rewrittenIn(String file) {
        return rewrittenByFile.getOrDefault(file, 0);
    }

    /** A file left as it was, and why. */
    public record Skipped(String file, String reason) {
    }

    /** One line for a job's result: "3 projects adapted (41 data sources), 1 unchanged, 1 skipped". */
    public String summary() {
        return projectsAdapted.size() + (projectsAdapted.size() == 1 ? " project" : " projects") + " adapted ("
                + dataSourcesRewritten + " data sources), " + unchanged.size() + " unchanged, "
                + skipped.size() + " skipped";
    }
}
