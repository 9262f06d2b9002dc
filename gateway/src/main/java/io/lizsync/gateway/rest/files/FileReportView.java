package io.lizsync.gateway.rest.files;

import io.lizsync.gateway.rest.Protos;
import io.lizsync.proto.files.v1.FileOperationReport;
import java.util.List;

/** The report of a finished FTP file job, as the API shows it. */
public record FileReportView(String jobId, String kind, String endpoint, String remoteDir, String localFolder,
        int filesTransferred, int filesSkipped, int filesDeleted, int filesFailed, int filesResumed,
        long bytesTransferred, long durationMs, boolean dryRun, String comparison, List<FileView> files,
        List<ProjectView> projects, String error) {

    /** A file transferred, deleted or failed (skipped ones are only counted). */
    public record FileView(String path, String action, long bytes, long resumedFrom, String reason) {
    }

    /** A QGIS project or layer file considered by adapt: adapted, unchanged or skipped. */
    public record ProjectView(String path, String outcome, int datasourcesRewritten, String message) {
    }

    public static FileReportView of(FileOperationReport r) {
        return new FileReportView(r.getJobId(), r.getKind(), Protos.text(r.getEndpoint()), Protos.text(r.getRemoteDir()),
                Protos.text(r.getLocalFolder()), r.getFilesTransferred(), r.getFilesSkipped(), r.getFilesDeleted(),
                r.getFilesFailed(), r.getFilesResumed(), r.getBytesTransferred(), r.getDurationMs(), r.getDryRun(),
                Protos.text(r.getComparison()),
                r.getFilesList().stream().map(f -> new FileView(f.getPath(),
                        f.getAction().name().replace("FILE_ACTION_", "").toLowerCase(), f.getBytes(), f.getResumedFrom(),
                        Protos.text(f.getReason()))).toList(),
                r.getProjectsList().stream().map(p -> new ProjectView(p.getPath(), p.getOutcome().toLowerCase(),
                        p.getDatasourcesRewritten(), Protos.text(p.getMessage()))).toList(),
                Protos.text(r.getError()));
    }
}
