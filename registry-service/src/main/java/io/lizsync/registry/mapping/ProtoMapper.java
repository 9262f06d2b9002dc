package io.lizsync.registry.mapping;

import java.time.Instant;
import java.util.List;

import com.google.protobuf.Timestamp;

import io.lizsync.proto.registry.v1.ApiToken;
import io.lizsync.proto.registry.v1.CloneCredential;
import io.lizsync.proto.registry.v1.CloneCredentialVerification;
import io.lizsync.proto.registry.v1.Device;
import io.lizsync.proto.registry.v1.Project;
import io.lizsync.proto.registry.v1.ProjectDocument;
import io.lizsync.proto.registry.v1.ProjectLayer;
import io.lizsync.proto.registry.v1.RedeemedRegistration;
import io.lizsync.proto.registry.v1.RegistrationTicket;
import io.lizsync.proto.registry.v1.Role;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerKind;
import io.lizsync.proto.registry.v1.ServerStatus;
import io.lizsync.proto.registry.v1.ServerTables;
import io.lizsync.proto.registry.v1.TableRef;
import io.lizsync.proto.registry.v1.User;
import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.model.ProjectTable;
import io.lizsync.registry.model.ServerTable;
import io.lizsync.registry.service.ProjectService.ProjectView;
import io.lizsync.registry.service.CredentialService;
import io.lizsync.registry.service.ServerService;
import io.lizsync.registry.service.TicketRedemption;
import io.lizsync.registry.service.TicketService;
import io.lizsync.registry.service.UserService.UserWithRoles;

/**
 * Entities to protobuf messages and protobuf enums to domain enums. Never copies a hash (the
 * messages have no field for one); the only clear secrets it copies are a new ticket's and a new
 * credential's, into the one answer that shows them.
 */
public final class ProtoMapper {

    private ProtoMapper() {
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static Instant instant(Timestamp ts) {
        return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    }

    private static String str(Object value) {
        return value == null ? "" : value.toString();
    }

    // --- servers ---------------------------------------------------------------------------------

    public static Server server(io.lizsync.registry.model.Server s) {
        Server.Builder b = Server.newBuilder()
                .setId(s.id.toString())
                .setName(s.name)
                .setKind(kind(s.kind))
                .setParentId(str(s.parentId))
                .setStatus(status(s.status))
                .setCreatedAt(timestamp(s.createdAt))
                .setToolsVersion(str(s.toolsVersion))
                .setDescription(str(s.description));
        if (s.lastContactAt != null) {
            b.setLastContactAt(timestamp(s.lastContactAt));
        }
        return b.build();
    }

    public static ServerKind kind(io.lizsync.registry.model.ServerKind k) {
        return switch (k) {
            case CENTRAL -> ServerKind.SERVER_KIND_CENTRAL;
            case CLONE -> ServerKind.SERVER_KIND_CLONE;
            case TIER -> ServerKind.SERVER_KIND_TIER;
        };
    }

    /** Null for UNSPECIFIED (meaning "any" or "unchanged" depending on the request). */
    public static io.lizsync.registry.model.ServerKind kind(ServerKind k) {
        return switch (k) {
            case SERVER_KIND_CENTRAL -> io.lizsync.registry.model.ServerKind.CENTRAL;
            case SERVER_KIND_CLONE -> io.lizsync.registry.model.ServerKind.CLONE;
            case SERVER_KIND_TIER -> io.lizsync.registry.model.ServerKind.TIER;
            case SERVER_KIND_UNSPECIFIED -> null;
            default -> throw new InvalidArgumentException("unknown server kind " + k.getNumber());
        };
    }

    public static ServerStatus status(io.lizsync.registry.model.ServerStatus s) {
        return switch (s) {
            case REGISTERED -> ServerStatus.SERVER_STATUS_REGISTERED;
            case ACTIVE -> ServerStatus.SERVER_STATUS_ACTIVE;
            case REDEPLOY_REQUIRED -> ServerStatus.SERVER_STATUS_REDEPLOY_REQUIRED;
            case DISABLED -> ServerStatus.SERVER_STATUS_DISABLED;
        };
    }

    /** Null for UNSPECIFIED. */
    public static io.lizsync.registry.model.ServerStatus status(ServerStatus s) {
        return switch (s) {
            case SERVER_STATUS_REGISTERED -> io.lizsync.registry.model.ServerStatus.REGISTERED;
            case SERVER_STATUS_ACTIVE -> io.lizsync.registry.model.ServerStatus.ACTIVE;
            case SERVER_STATUS_REDEPLOY_REQUIRED -> io.lizsync.registry.model.ServerStatus.REDEPLOY_REQUIRED;
            case SERVER_STATUS_DISABLED -> io.lizsync.registry.model.ServerStatus.DISABLED;
            case SERVER_STATUS_UNSPECIFIED -> null;
            default -> throw new InvalidArgumentException("unknown server status " + s.getNumber());
        };
    }

    public static CloneCredential credential(io.lizsync.registry.model.CloneCredential c) {
        CloneCredential.Builder b = CloneCredential.newBuilder()
                .setId(c.id.toString())
                .setServerId(c.serverId.toString())
                .setIssuedAt(timestamp(c.issuedAt));
        if (c.revokedAt != null) {
            b.setRevokedAt(timestamp(c.revokedAt));
        }
        if (c.lastUsedAt != null) {
            b.setLastUsedAt(timestamp(c.lastUsedAt));
        }
        return b.build();
    }

    public static ServerTables serverTables(ServerService.Tables t) {
        ServerTables.Builder b = ServerTables.newBuilder().setServerId(t.serverId().toString());
        for (ServerTable row : t.tables()) {
            b.addTables(table(row.schemaName, row.tableName));
        }
        if (t.updatedAt() != null) {
            b.setUpdatedAt(timestamp(t.updatedAt()));
        }
        return b.build();
    }

    public static List<TableRef> tables(List<ServerTable> rows) {
        return rows.stream().map(row -> table(row.schemaName, row.tableName)).toList();
    }

    public static TableRef table(String schemaName, String tableName) {
        return TableRef.newBuilder().setSchemaName(schemaName).setTableName(tableName).build();
    }

    // --- registration tickets -----------------------------------------------------------------------

    public static RegistrationTicket ticket(TicketService.IssuedTicket issued) {
        var t = issued.ticket();
        return RegistrationTicket.newBuilder()
                .setTicket(issued.secret())
                .setTicketId(t.id.toString())
                .setExpiresAt(timestamp(t.expiresAt))
                .setCloneName(t.cloneName)
                .setCloneId(str(t.cloneId))
                .addAllTables(issued.tables().stream().map(n -> table(n.schemaName(), n.tableName())).toList())
                .setPackageId(str(t.packageId))
                .setPackageHistorySyncId(str(t.packageHistorySyncId))
                .build();
    }

    public static RedeemedRegistration redeemed(TicketRedemption.Redeemed r) {
        return RedeemedRegistration.newBuilder()
                .setServer(server(r.server()))
                .addAllTables(tables(r.tables()))
                .setSecret(r.credential().secret())
                .setCredentialId(r.credential().credential().id.toString())
                .setPackageHistorySyncId(str(r.packageHistorySyncId()))
                .build();
    }

    public static io.lizsync.proto.registry.v1.CloneChanges cloneChanges(
            io.lizsync.registry.repository.CloneChangesQuery.Changes changes) {
        var out = io.lizsync.proto.registry.v1.CloneChanges.newBuilder().setSnapshot(changes.snapshot());
        for (var c : changes.clones()) {
            var state = io.lizsync.proto.registry.v1.CloneState.newBuilder().setServerId(c.serverId().toString())
                    .setExists(c.exists()).setName(str(c.name())).setDisabled(c.disabled())
                    .setCredentialHash(str(c.credentialHash()));
            c.tables().forEach(t -> state.addTables(table(t[0], t[1])));
            out.addClones(state);
        }
        return out.build();
    }

    public static CloneCredentialVerification verification(CredentialService.Verified v) {
        return CloneCredentialVerification.newBuilder()
                .setServer(server(v.server()))
                .setCredentialId(v.credential().id.toString())
                .addAllTables(tables(v.tables()))
                .build();
    }

    // --- devices, users, tokens --------------------------------------------------------------------

    public static Device device(io.lizsync.registry.model.Device d) {
        Device.Builder b = Device.newBuilder()
                .setId(d.id.toString())
                .setName(str(d.name))
                .setUserId(str(d.userId))
                .setRegisteredAt(timestamp(d.registeredAt))
                .setLastSeenAt(timestamp(d.lastSeenAt))
                .setBlocked(d.blockedAt != null);
        if (d.blockedAt != null) {
            b.setBlockedAt(timestamp(d.blockedAt));
        }
        return b.build();
    }

    public static User user(UserWithRoles u) {
        return User.newBuilder()
                .setId(u.user().id.toString())
                .setLogin(u.user().login)
                .setDisplayName(str(u.user().displayName))
                .setEmail(str(u.user().email))
                .addAllRoles(u.roles())
                .setCreatedAt(timestamp(u.user().createdAt))
                .setDisabled(u.user().disabled)
                .build();
    }

    public static Role role(io.lizsync.registry.model.Role r) {
        return Role.newBuilder().setName(r.name).setDescription(str(r.description)).build();
    }

    public static ApiToken apiToken(io.lizsync.registry.model.ApiToken t) {
        ApiToken.Builder b = ApiToken.newBuilder()
                .setId(t.id.toString())
                .setName(t.name)
                .setUserId(t.userId.toString())
                .addAllScopes(t.scopeList())
                .setCreatedAt(timestamp(t.createdAt));
        if (t.expiresAt != null) {
            b.setExpiresAt(timestamp(t.expiresAt));
        }
        if (t.revokedAt != null) {
            b.setRevokedAt(timestamp(t.revokedAt));
        }
        if (t.lastUsedAt != null) {
            b.setLastUsedAt(timestamp(t.lastUsedAt));
        }
        return b.build();
    }

    // --- projects ----------------------------------------------------------------------------------

    public static Project project(ProjectView v) {
        return Project.newBuilder()
                .setId(v.project().id.toString())
                .setKey(v.project().projectKey)
                .setTitle(str(v.project().title))
                .setDescription(str(v.project().description))
                .addAllAllowedRoles(v.allowedRoles())
                .setCreatedAt(timestamp(v.project().createdAt))
                .setLayerCount(v.layerCount())
                .build();
    }

    public static List<ProjectLayer> layers(List<ProjectTable> tables) {
        return tables.stream().map(ProtoMapper::layer).toList();
    }

    public static ProjectLayer layer(ProjectTable t) {
        return ProjectLayer.newBuilder()
                .setTable(table(t.schemaName, t.tableName))
                .setTitle(str(t.title))
                .setDescription(str(t.description))
                .setGeometryColumn(str(t.geometryColumn))
                .setPosition(t.displayPosition)
                .setEditable(t.editable)
                .build();
    }

    public static ProjectDocument document(io.lizsync.registry.model.ProjectDocument d) {
        ProjectDocument.Builder b = ProjectDocument.newBuilder()
                .setId(d.id.toString())
                .setProjectId(d.projectId.toString())
                .setTitle(d.title)
                .setKind(d.kind)
                .setLocation(d.location)
                .setMediaType(str(d.mediaType))
                .setSizeBytes(d.sizeBytes)
                .setUpdatedAt(timestamp(d.updatedAt));
        if (d.layerSchema != null) {
            b.setLayer(table(d.layerSchema, d.layerTable));
        }
        return b.build();
    }
}
