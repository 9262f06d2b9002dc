package io.lizsync.gateway.rest.files;

import io.lizsync.proto.files.v1.GetProjectsFromCentralFtpRequest;
import io.lizsync.proto.files.v1.PgTarget;
import io.lizsync.proto.files.v1.SendProjectsToCloneFtpRequest;
import io.lizsync.proto.files.v1.SyncMediaToCentralFtpRequest;
import io.lizsync.gateway.rest.Protos;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The bodies of the three FTP file operations (LizSync's processing algorithms of seed 002, their
 * parameter names in the descriptions) and their translation to file-service's requests. Shapes
 * are checked here (400 naming the field); what only file-service knows (an endpoint it does not
 * configure, a folder leaving its configured one, adapt without both databases) is its 400.
 */
public final class FileBodies {

    /** An FTP endpoint's name in file-service's configuration. */
    static final String ENDPOINT = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}";
    static final String ENDPOINT_MESSAGE = "must be an endpoint name of file-service's configuration (letters, digits, _ . -)";
    /** A relative path: no control character, no backslash (file-service refuses ".." and absolute paths). */
    static final String RELATIVE = "[^\\p{Cntrl}\\\\]{0,500}";
    static final String RELATIVE_MESSAGE = "must be a relative path without control characters or backslashes";
    static final String NAME = "[^\\p{Cntrl}]{0,63}";
    static final String NAME_MESSAGE = "must be at most 63 characters without control characters";

    private FileBodies() {
    }

    @Schema(description = "A PostgreSQL database as QGIS data sources name it: a pg_service name, or host/port/dbname/user. "
            + "Never a password (the clone authenticates with .pgpass, the service file or an authcfg).")
    public record Database(
            @Schema(description = "pg_service name; when set, host/port/dbname/user are not written")
            @Pattern(regexp = NAME, message = NAME_MESSAGE) String service,
            @Pattern(regexp = "[A-Za-z0-9._:\\[\\]-]{0,253}", message = "must be a host name or address") String host,
            @Schema(description = "0 or absent means 5432") @Min(0) @Max(65535) Integer port,
            @Pattern(regexp = NAME, message = NAME_MESSAGE) String dbname,
            @Pattern(regexp = NAME, message = NAME_MESSAGE) String user,
            @Schema(description = "QGIS authentication configuration id written as authcfg= (clone only); absent keeps the projects' own")
            @Pattern(regexp = "[A-Za-z0-9_-]{0,64}", message = "must be a QGIS authcfg id (letters, digits)") String authcfg) {

        PgTarget proto() {
            return PgTarget.newBuilder().setService(Protos.orEmpty(service)).setHost(Protos.orEmpty(host))
                    .setPort(port == null ? 0 : port).setDbname(Protos.orEmpty(dbname)).setUser(Protos.orEmpty(user))
                    .setAuthcfg(Protos.orEmpty(authcfg)).build();
        }
    }

    @Schema(description = "Get projects and files from the central FTP server into the clone's QGIS project folder "
            + "(LizSync: get_projects_and_files_from_central_ftp)")
    public record GetFromCentral(
            @Schema(description = "FTP endpoint of file-service's configuration; absent: \"central\" [CENTRAL_FTP_HOST, _PORT, _LOGIN, _PASSWORD]")
            @Pattern(regexp = ENDPOINT, message = ENDPOINT_MESSAGE) String endpoint,
            @Schema(description = "Remote directory relative to the endpoint's [CENTRAL_FTP_REMOTE_DIR]")
            @Pattern(regexp = RELATIVE, message = RELATIVE_MESSAGE) String remoteDir,
            @Schema(description = "Sub-folder of the configured clone project folder [CLONE_QGIS_PROJECT_FOLDER]")
            @Pattern(regexp = RELATIVE, message = RELATIVE_MESSAGE) String localSubfolder,
            @Schema(description = "Remote sub-folders not copied, matched as whole path segments; absent: the configured ones "
                    + "(default data) [FTP_EXCLUDE_REMOTE_SUBDIRS]")
            @Size(max = 100) List<@NotNull @Pattern(regexp = RELATIVE, message = RELATIVE_MESSAGE) String> excludeSubdirs,
            @Schema(description = "Copy every sub-folder (no exclusion)") boolean includeAllSubdirs,
            @Schema(description = "Then adapt the QGIS projects to the clone's database [REPLACE_DATASOURCE_IN_QGIS_PROJECT]")
            boolean adapt,
            @Schema(description = "The central database as the projects name it (required with adapt)") @Valid Database centralDatabase,
            @Schema(description = "The clone's database to write instead (required with adapt)") @Valid Database cloneDatabase,
            @Schema(description = "Report what would be done without changing anything") boolean dryRun) {

        GetProjectsFromCentralFtpRequest proto() {
            GetProjectsFromCentralFtpRequest.Builder b = GetProjectsFromCentralFtpRequest.newBuilder()
                    .setEndpoint(Protos.orEmpty(endpoint)).setRemoteDir(Protos.orEmpty(remoteDir))
                    .setLocalSubfolder(Protos.orEmpty(localSubfolder)).setIncludeAllSubdirs(includeAllSubdirs)
                    .setAdapt(adapt).setDryRun(dryRun);
            if (excludeSubdirs != null) {
                b.addAllExcludeSubdirs(excludeSubdirs);
            }
            if (centralDatabase != null) {
                b.setCentralDatabase(centralDatabase.proto());
            }
            if (cloneDatabase != null) {
                b.setCloneDatabase(cloneDatabase.proto());
            }
            return b.build();
        }
    }

    @Schema(description = "Send a local QGIS project folder to a clone's FTP server (LizSync: send_projects_and_files_to_clone_ftp)")
    public record SendToClone(
            @Schema(description = "FTP endpoint of file-service's configuration; absent: \"clone\" [CLONE_FTP_HOST, _PORT, _LOGIN, _PASSWORD]")
            @Pattern(regexp = ENDPOINT, message = ENDPOINT_MESSAGE) String endpoint,
            @Schema(description = "Remote directory relative to the endpoint's [CLONE_FTP_REMOTE_DIR]")
            @Pattern(regexp = RELATIVE, message = RELATIVE_MESSAGE) String remoteDir,
            @Schema(description = "Sub-folder of the configured project folder to send [LOCAL_QGIS_PROJECT_FOLDER]")
            @Pattern(regexp = RELATIVE, message = RELATIVE_MESSAGE) String localSubfolder,
            @Schema(description = "Local sub-folders not sent, as whole path segments [FTP_EXCLUDE_REMOTE_SUBDIRS]")
            @Size(max = 100) List<@NotNull @Pattern(regexp = RELATIVE, message = RELATIVE_MESSAGE) String> excludeSubdirs,
            @Schema(description = "Send every sub-folder (no exclusion)") boolean includeAllSubdirs,
            @Schema(description = "Also delete remote files gone locally (never inside excluded sub-folders)") boolean deleteExtraneous,
            @Schema(description = "Report what would be done without changing anything") boolean dryRun) {

        SendProjectsToCloneFtpRequest proto() {
            SendProjectsToCloneFtpRequest.Builder b = SendProjectsToCloneFtpRequest.newBuilder()
                    .setEndpoint(Protos.orEmpty(endpoint)).setRemoteDir(Protos.orEmpty(remoteDir))
                    .setLocalSubfolder(Protos.orEmpty(localSubfolder)).setIncludeAllSubdirs(includeAllSubdirs)
                    .setDeleteExtraneous(deleteExtraneous).setDryRun(dryRun);
            if (excludeSubdirs != null) {
                b.addAllExcludeSubdirs(excludeSubdirs);
            }
            return b.build();
        }
    }

    @Schema(description = "Send the clone's media/upload/ files missing or different on the central FTP server's media/upload/; "
            + "nothing deleted (LizSync: synchronize_media_subfolder_to_ftp)")
    public record MediaToCentral(
            @Schema(description = "FTP endpoint of file-service's configuration; absent: \"central\"")
            @Pattern(regexp = ENDPOINT, message = ENDPOINT_MESSAGE) String endpoint,
            @Schema(description = "Report what would be sent without changing anything") boolean dryRun) {

        SyncMediaToCentralFtpRequest proto() {
            return SyncMediaToCentralFtpRequest.newBuilder().setEndpoint(Protos.orEmpty(endpoint)).setDryRun(dryRun).build();
        }
    }
}
