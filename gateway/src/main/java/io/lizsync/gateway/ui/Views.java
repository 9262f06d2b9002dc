package io.lizsync.gateway.ui;

import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.jobs.JobView;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.packaging.v1.Deployment;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.sync.v1.HistoryItem;
import io.quarkus.qute.TemplateData;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The rows the dashboard's pages list, made from the services' messages. */
public final class Views {

    private Views() {
    }

    /** One history item: when, which way, between whom, what it carried, the clock figures. */
    @TemplateData
    public record HistoryRow(String syncId, Moment time, String direction, String from, String to, String type,
            String status, long changes, long conflicts, String duration, String clockOffset, String clockUncertainty) {

        /** {@code toClone}: central sent it (a pull or a package); {@code names}: the names known, by id. */
        public static HistoryRow of(HistoryItem h, boolean toClone, Map<String, String> names) {
            List<String> to = h.getServerToList().stream().map(id -> names.getOrDefault(id, id)).toList();
            boolean measured = h.getClockOffsetMs() != 0 || h.getClockUncertaintyMs() != 0;
            return new HistoryRow(h.getSyncId(), Moment.at(Protos.time(h.getSyncTime())),
                    toClone ? "to clone" : "to central",
                    names.getOrDefault(h.getServerFrom(), h.getServerFrom()), String.join(", ", to),
                    h.getSyncType().equals("full") ? "package" : "exchange", h.getSyncStatus(), h.getChangeCount(),
                    h.getConflictCount(), h.hasSessionDurationMs() ? Views.duration(h.getSessionDurationMs()) : "—",
                    measured ? h.getClockOffsetMs() + " ms" : "—",
                    measured ? "± " + h.getClockUncertaintyMs() + " ms" : "—");
        }
    }

    /** A session's duration for people: milliseconds below ten seconds, then {@link Moment#span}. */
    static String duration(long ms) {
        return ms < 10_000 ? ms + " ms" : Moment.span(ms / 1000);
    }

    /** A job: what, its state (a word), step and progress, when. */
    @TemplateData
    public record JobRow(String id, String kind, String state, String step, Integer percent, String message,
            Moment created, String duration, String result) {

        public static JobRow of(Job j, Instant now) {
            JobView v = JobView.of(j);
            String duration = v.startedAt() == null ? "—"
                    : Moment.span(java.time.Duration.between(v.startedAt(), v.finishedAt() == null ? now : v.finishedAt())
                            .toSeconds());
            return new JobRow(v.id(), v.kind(), v.state(), v.step(), v.percent(), v.message() == null ? v.errorCode() : v.message(),
                    Moment.of(v.createdAt(), now), duration, v.result());
        }

        /** True while the job is not final. */
        public boolean running() {
            return state.equals("queued") || state.equals("running");
        }
    }

    /** A package as listed. */
    @TemplateData
    public record PackageRow(String id, Moment created, String description, String tables, String size, String toolsVersion,
            String requestedBy, String sha256) {

        public static PackageRow of(PackageInfo p, Instant now) {
            String tables = p.getTablesCount() <= 3
                    ? String.join(", ", p.getTablesList().stream()
                            .map(t -> t.getTable().getSchemaName() + "." + t.getTable().getTableName()).toList())
                    : p.getTablesCount() + " tables";
            return new PackageRow(p.getPackageId(), Moment.of(Protos.time(p.getCreatedAt()), now), Protos.text(p.getDescription()),
                    tables, bytes(p.getSizeBytes()), p.getToolsVersion(), Protos.text(p.getRequestedBy()), p.getSha256());
        }

        /** The label of the package in a list of choices. */
        public String label() {
            return (description == null ? "package" : description) + " — " + (created == null ? id : created.text());
        }
    }

    /** A deployment of a package on a clone. */
    @TemplateData
    public record DeploymentRow(String id, String packageId, String cloneId, String cloneName, Moment deployed) {
        public static DeploymentRow of(Deployment d, Instant now) {
            return new DeploymentRow(d.getId(), d.getPackageId(), d.getCloneServerId(), d.getCloneName(),
                    Moment.of(Protos.time(d.getDeployedAt()), now));
        }
    }

    /** A clone as a choice (assign a package to it). */
    @TemplateData
    public record CloneChoice(String id, String name) {
    }

    /** A size in bytes as people read it. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(java.util.Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
