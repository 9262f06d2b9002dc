package io.lizsync.files.grpc;

import static io.lizsync.grpckit.auth.Roles.ADMINISTRATOR;
import static io.lizsync.grpckit.auth.Roles.FIELD;
import static io.lizsync.grpckit.auth.Roles.OPERATOR;
import static io.lizsync.grpckit.auth.Roles.SERVICE;

import io.lizsync.grpckit.auth.AccessPolicy;
import io.lizsync.grpckit.auth.Caller;
import io.lizsync.proto.files.v1.FileServiceGrpc;
import io.lizsync.proto.jobs.v1.JobsGrpc;
import java.util.Set;

/**
 * Who may call each RPC of file-service: the one table ({@link AccessCheck} refuses what it does
 * not name; it does not build when an RPC is left out). Field users read and add media; moving
 * projects between FTP servers and overwriting a media file are an operator's.
 */
public final class FilesAccess {

    private static final Set<String> OVERWRITE = Set.of(ADMINISTRATOR, OPERATOR);

    private FilesAccess() {
    }

    public static AccessPolicy policy() {
        return AccessPolicy.builder()
                .services(FileServiceGrpc.getServiceDescriptor(), JobsGrpc.getServiceDescriptor())
                .openService("grpc.health.v1.Health")
                .roles(FileServiceGrpc.getGetProjectsFromCentralFtpMethod(), ADMINISTRATOR, OPERATOR)
                .roles(FileServiceGrpc.getSendProjectsToCloneFtpMethod(), ADMINISTRATOR, OPERATOR)
                .roles(FileServiceGrpc.getSyncMediaToCentralFtpMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(FileServiceGrpc.getGetFileOperationReportMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                // File jobs (files-<uuid>): the gateway follows them with the caller's token.
                .roles(JobsGrpc.getGetJobMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(JobsGrpc.getListJobsMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(JobsGrpc.getWatchJobMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(JobsGrpc.getCancelJobMethod(), ADMINISTRATOR, OPERATOR)
                .roles(FileServiceGrpc.getListMediaMethod(), ADMINISTRATOR, OPERATOR, FIELD, SERVICE)
                .roles(FileServiceGrpc.getDownloadMediaMethod(), ADMINISTRATOR, OPERATOR, FIELD, SERVICE)
                .roles(FileServiceGrpc.getUploadMediaMethod(), ADMINISTRATOR, OPERATOR, FIELD)
                .build();
    }

    /** Whether the caller may replace an existing media file (UploadMedia with overwrite). */
    static boolean mayOverwrite(Caller caller) {
        return caller != null && caller.holdsAny(OVERWRITE);
    }
}
