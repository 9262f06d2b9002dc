package io.lizsync.registry.grpc;

import java.util.UUID;
import java.util.function.Supplier;

import io.lizsync.proto.registry.v1.*;
import io.lizsync.registry.config.RegistryConfig;
import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.mapping.ProtoMapper;
import io.lizsync.grpckit.auth.Caller;
import io.lizsync.registry.service.AccessTokenService;
import io.lizsync.registry.service.ApiTokenService;
import io.lizsync.registry.service.CredentialService;
import io.lizsync.registry.service.DeviceService;
import io.lizsync.registry.service.PageRequest;
import io.lizsync.registry.service.ProjectService;
import io.lizsync.registry.service.ServerService;
import io.lizsync.registry.service.TicketRedemption;
import io.lizsync.registry.service.TicketService;
import io.lizsync.registry.service.UserService;
import io.lizsync.registry.service.Validation;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/**
 * The gRPC face of the registry: reads requests, calls the services, writes answers. Rules live in
 * the services; every failure goes through {@link GrpcErrors}. Requests are never logged (they may
 * carry passwords and secrets).
 */
@GrpcService
public class RegistryGrpcService implements RegistryService {

    private final ServerService servers;
    private final CredentialService credentials;
    private final TicketService tickets;
    private final TicketRedemption redemption;
    private final DeviceService devices;
    private final UserService users;
    private final ApiTokenService apiTokens;
    private final AccessTokenService accessTokens;
    private final ProjectService projects;
    private final GrpcErrors errors;
    private final RegistryConfig config;

    public RegistryGrpcService(ServerService servers, CredentialService credentials, TicketService tickets,
            TicketRedemption redemption, DeviceService devices, UserService users, ApiTokenService apiTokens,
            AccessTokenService accessTokens, ProjectService projects, GrpcErrors errors, RegistryConfig config) {
        this.servers = servers;
        this.credentials = credentials;
        this.tickets = tickets;
        this.redemption = redemption;
        this.devices = devices;
        this.users = users;
        this.apiTokens = apiTokens;
        this.accessTokens = accessTokens;
        this.projects = projects;
        this.errors = errors;
        this.config = config;
    }

    /** Runs a call so that exceptions thrown while reading the request fail the Uni, then maps failures. */
    private <T> Uni<T> call(Supplier<Uni<T>> work) {
        return Uni.createFrom().<T>deferred(work::get).onFailure().transform(errors::toStatus);
    }

    private PageRequest page(int size, String token) {
        return PageRequest.of(size, token, config.paging());
    }

    // --- servers ---------------------------------------------------------------------------------

    @Override
    public Uni<Server> registerServer(RegisterServerRequest r) {
        return call(() -> servers.register(new ServerService.Registration(
                Validation.optionalUuid(r.getId(), "server id"),
                r.getName(),
                ProtoMapper.kind(r.getKind()),
                Validation.optionalUuid(r.getParentId(), "parent server id"),
                r.getToolsVersion(),
                r.getDescription())).map(ProtoMapper::server));
    }

    @Override
    public Uni<Server> getServer(GetServerRequest r) {
        return call(() -> {
            boolean byId = !r.getId().isEmpty();
            boolean byName = !r.getName().isEmpty();
            if (byId == byName) {
                throw new InvalidArgumentException("give exactly one of server id or name");
            }
            return (byId ? servers.get(Validation.uuid(r.getId(), "server id")) : servers.getByName(r.getName()))
                    .map(ProtoMapper::server);
        });
    }

    @Override
    public Uni<ListServersResponse> listServers(ListServersRequest r) {
        return call(() -> servers.list(ProtoMapper.kind(r.getKind()),
                Validation.optionalUuid(r.getParentId(), "parent server id"),
                ProtoMapper.status(r.getStatus()),
                page(r.getPageSize(), r.getPageToken()))
                .map(p -> ListServersResponse.newBuilder()
                        .addAllServers(p.items().stream().map(ProtoMapper::server).toList())
                        .setNextPageToken(p.nextPageToken())
                        .build()));
    }

    @Override
    public Uni<Server> updateServerStatus(UpdateServerStatusRequest r) {
        return call(() -> servers.updateStatus(new ServerService.StatusUpdate(
                Validation.uuid(r.getId(), "server id"),
                ProtoMapper.status(r.getStatus()),
                r.getToolsVersion(),
                r.hasLastContactAt() ? ProtoMapper.instant(r.getLastContactAt()) : null,
                r.getContactNow())).map(ProtoMapper::server));
    }

    @Override
    public Uni<DeleteServerResponse> deleteServer(DeleteServerRequest r) {
        return call(() -> servers.delete(Validation.uuid(r.getId(), "server id"))
                .map(id -> DeleteServerResponse.newBuilder().setId(id.toString()).build()));
    }

    // --- clone registration and credentials -------------------------------------------------------

    @Override
    public Uni<RegistrationTicket> issueRegistrationTicket(IssueRegistrationTicketRequest r) {
        Caller caller = Caller.current();
        String issuedBy = caller == null ? null : caller.login();
        return call(() -> tickets.issue(caller == null ? java.util.Set.of() : caller.roles(), new TicketService.TicketRequest(
                r.getCloneName(),
                Validation.optionalUuid(r.getCloneId(), "clone id"),
                tableNames(r.getTablesList()),
                Validation.optionalUuid(r.getPackageId(), "package id"),
                Validation.optionalUuid(r.getPackageHistorySyncId(), "package history sync id"),
                r.getValidForSeconds(),
                issuedBy)).map(ProtoMapper::ticket));
    }

    @Override
    public Uni<RedeemedRegistration> redeemRegistrationTicket(RedeemRegistrationTicketRequest r) {
        return call(() -> redemption.redeem(new TicketRedemption.Redemption(
                r.getTicket(),
                Validation.uuid(r.getCloneId(), "clone id"),
                Validation.optionalUuid(r.getPackageId(), "package id"),
                tableNames(r.getTablesList()),
                Validation.uuid(r.getParentId(), "parent server id"),
                r.getParentName())).map(ProtoMapper::redeemed));
    }

    @Override
    public Uni<io.lizsync.proto.registry.v1.CloneChanges> listCloneChanges(
            io.lizsync.proto.registry.v1.ListCloneChangesRequest r) {
        return call(() -> credentials.changes(r.getAfterSnapshot()).map(ProtoMapper::cloneChanges));
    }

    @Override
    public Uni<RegistrationTicket> checkRegistrationTicket(io.lizsync.proto.registry.v1.CheckRegistrationTicketRequest r) {
        return call(() -> tickets.check(r.getTicket()).map(ProtoMapper::ticket));
    }

    private static java.util.List<ServerService.TableName> tableNames(java.util.List<TableRef> tables) {
        return tables.stream().map(t -> new ServerService.TableName(t.getSchemaName(), t.getTableName())).toList();
    }

    @Override
    public Uni<CloneCredentialVerification> verifyCloneCredential(VerifyCloneCredentialRequest r) {
        return call(() -> credentials.verify(Validation.uuid(r.getServerId(), "server id"), r.getSecret())
                .map(ProtoMapper::verification));
    }

    @Override
    public Uni<RevokeCloneCredentialResponse> revokeCloneCredential(RevokeCloneCredentialRequest r) {
        return call(() -> credentials.revoke(Validation.uuid(r.getServerId(), "server id"),
                Validation.optionalUuid(r.getCredentialId(), "credential id"))
                .map(n -> RevokeCloneCredentialResponse.newBuilder().setRevoked(n).build()));
    }

    @Override
    public Uni<ListCloneCredentialsResponse> listCloneCredentials(ListCloneCredentialsRequest r) {
        return call(() -> credentials.list(Validation.uuid(r.getServerId(), "server id"), r.getIncludeRevoked())
                .map(list -> ListCloneCredentialsResponse.newBuilder()
                        .addAllCredentials(list.stream().map(ProtoMapper::credential).toList())
                        .build()));
    }

    // --- server tables ---------------------------------------------------------------------------

    @Override
    public Uni<ServerTables> getServerTables(GetServerTablesRequest r) {
        return call(() -> servers.getTables(Validation.uuid(r.getServerId(), "server id"))
                .map(ProtoMapper::serverTables));
    }

    // --- devices ---------------------------------------------------------------------------------

    @Override
    public Uni<Device> registerDevice(RegisterDeviceRequest r) {
        return call(() -> devices.register(Validation.uuid(r.getId(), "device id"), r.getName(),
                Validation.optionalUuid(r.getUserId(), "user id")).map(ProtoMapper::device));
    }

    @Override
    public Uni<ListDevicesResponse> listDevices(ListDevicesRequest r) {
        return call(() -> devices.list(Validation.optionalUuid(r.getUserId(), "user id"),
                page(r.getPageSize(), r.getPageToken()))
                .map(p -> ListDevicesResponse.newBuilder()
                        .addAllDevices(p.items().stream().map(ProtoMapper::device).toList())
                        .setNextPageToken(p.nextPageToken())
                        .build()));
    }

    @Override
    public Uni<Device> getDevice(GetDeviceRequest r) {
        return call(() -> devices.get(Validation.uuid(r.getId(), "device id")).map(ProtoMapper::device));
    }

    @Override
    public Uni<Device> useDevice(UseDeviceRequest r) {
        Caller caller = Caller.current();
        return call(() -> devices.use(Validation.uuid(r.getId(), "device id"), r.getName(),
                Validation.uuid(caller == null ? "" : caller.subject(), "caller")).map(ProtoMapper::device));
    }

    @Override
    public Uni<Device> blockDevice(BlockDeviceRequest r) {
        return call(() -> devices.setBlocked(Validation.uuid(r.getId(), "device id"), true).map(ProtoMapper::device));
    }

    @Override
    public Uni<Device> unblockDevice(UnblockDeviceRequest r) {
        return call(() -> devices.setBlocked(Validation.uuid(r.getId(), "device id"), false).map(ProtoMapper::device));
    }

    @Override
    public Uni<ForgetDeviceResponse> forgetDevice(ForgetDeviceRequest r) {
        return call(() -> devices.forget(Validation.uuid(r.getId(), "device id"))
                .map(d -> ForgetDeviceResponse.newBuilder().setDevice(ProtoMapper.device(d)).build()));
    }

    // --- users, roles, sessions --------------------------------------------------------------------

    @Override
    public Uni<User> createUser(CreateUserRequest r) {
        return call(() -> users.create(new UserService.NewUser(r.getLogin(), r.getPassword(), r.getDisplayName(),
                r.getEmail(), r.getRolesList())).map(ProtoMapper::user));
    }

    @Override
    public Uni<AuthenticateResponse> authenticate(AuthenticateRequest r) {
        String address = Caller.currentAddress();
        return call(() -> users.authenticate(r.getLogin(), r.getPassword(), r.getTtlSeconds(),
                Validation.optionalUuid(r.getDeviceId(), "device id"), address)
                .map(s -> {
                    var access = accessTokens.forSession(s);
                    return AuthenticateResponse.newBuilder()
                            .setToken(s.token())
                            .setExpiresAt(ProtoMapper.timestamp(s.expiresAt()))
                            .setUser(ProtoMapper.user(s.user()))
                            .setAccessToken(access.token())
                            .setAccessExpiresAt(ProtoMapper.timestamp(access.expiresAt()))
                            .build();
                }));
    }

    @Override
    public Uni<AccessToken> issueAccessToken(IssueAccessTokenRequest r) {
        String address = Caller.currentAddress();
        return call(() -> accessTokens.exchange(r.getSessionToken(), r.getApiToken(), address)
                .map(a -> AccessToken.newBuilder()
                        .setToken(a.token())
                        .setExpiresAt(ProtoMapper.timestamp(a.expiresAt()))
                        .setUser(ProtoMapper.user(a.user()))
                        .build()));
    }

    @Override
    public Uni<User> getUserForToken(GetUserForTokenRequest r) {
        return call(() -> users.userForToken(r.getToken()).map(ProtoMapper::user));
    }

    @Override
    public Uni<LogoutResponse> logout(LogoutRequest r) {
        return call(() -> users.logout(r.getToken()).map(ended -> LogoutResponse.newBuilder().setEnded(ended).build()));
    }

    @Override
    public Uni<ListUsersResponse> listUsers(ListUsersRequest r) {
        return call(() -> users.list(page(r.getPageSize(), r.getPageToken()))
                .map(p -> ListUsersResponse.newBuilder()
                        .addAllUsers(p.items().stream().map(ProtoMapper::user).toList())
                        .setNextPageToken(p.nextPageToken())
                        .build()));
    }

    @Override
    public Uni<Role> createRole(CreateRoleRequest r) {
        return call(() -> users.createRole(r.getName(), r.getDescription()).map(ProtoMapper::role));
    }

    @Override
    public Uni<ListRolesResponse> listRoles(ListRolesRequest r) {
        return call(() -> users.listRoles().map(list -> ListRolesResponse.newBuilder()
                .addAllRoles(list.stream().map(ProtoMapper::role).toList())
                .build()));
    }

    // --- API tokens ----------------------------------------------------------------------------------

    @Override
    public Uni<CreatedApiToken> createApiToken(CreateApiTokenRequest r) {
        return call(() -> apiTokens.create(Validation.uuid(r.getUserId(), "user id"), r.getName(),
                r.getScopesList(), r.getTtlSeconds())
                .map(c -> CreatedApiToken.newBuilder()
                        .setToken(ProtoMapper.apiToken(c.token()))
                        .setSecret(c.secret())
                        .build()));
    }

    @Override
    public Uni<ListApiTokensResponse> listApiTokens(ListApiTokensRequest r) {
        return call(() -> apiTokens.list(Validation.optionalUuid(r.getUserId(), "user id"), r.getIncludeInactive())
                .map(list -> ListApiTokensResponse.newBuilder()
                        .addAllTokens(list.stream().map(ProtoMapper::apiToken).toList())
                        .build()));
    }

    @Override
    public Uni<ApiToken> revokeApiToken(RevokeApiTokenRequest r) {
        return call(() -> apiTokens.revoke(Validation.uuid(r.getId(), "API token id")).map(ProtoMapper::apiToken));
    }

    @Override
    public Uni<ApiTokenVerification> verifyApiToken(VerifyApiTokenRequest r) {
        return call(() -> apiTokens.verify(r.getSecret(), r.getRequiredScope())
                .map(v -> ApiTokenVerification.newBuilder()
                        .setToken(ProtoMapper.apiToken(v.token()))
                        .setUser(ProtoMapper.user(v.user()))
                        .build()));
    }

    // --- projects ------------------------------------------------------------------------------------

    @Override
    public Uni<Project> createProject(CreateProjectRequest r) {
        return call(() -> projects.create(r.getKey(), r.getTitle(), r.getDescription(), r.getAllowedRolesList())
                .map(ProtoMapper::project));
    }

    @Override
    public Uni<Project> getProject(GetProjectRequest r) {
        return call(() -> {
            boolean byId = !r.getId().isEmpty();
            boolean byKey = !r.getKey().isEmpty();
            if (byId == byKey) {
                throw new InvalidArgumentException("give exactly one of project id or key");
            }
            return (byId ? projects.get(Validation.uuid(r.getId(), "project id")) : projects.getByKey(r.getKey()))
                    .map(ProtoMapper::project);
        });
    }

    @Override
    public Uni<ListProjectsResponse> listProjects(ListProjectsRequest r) {
        return call(() -> projects.list(Validation.optionalUuid(r.getUserId(), "user id"))
                .map(list -> ListProjectsResponse.newBuilder()
                        .addAllProjects(list.stream().map(ProtoMapper::project).toList())
                        .build()));
    }

    @Override
    public Uni<ListProjectLayersResponse> setProjectTables(SetProjectTablesRequest r) {
        return call(() -> {
            UUID projectId = Validation.uuid(r.getProjectId(), "project id");
            return projects.setTables(projectId, r.getLayersList().stream()
                    .map(l -> new ProjectService.LayerSpec(l.getTable().getSchemaName(), l.getTable().getTableName(),
                            l.getTitle(), l.getDescription(), l.getGeometryColumn(), l.getEditable()))
                    .toList())
                    .map(tables -> layersResponse(projectId, tables));
        });
    }

    @Override
    public Uni<ListProjectLayersResponse> listProjectLayers(ListProjectLayersRequest r) {
        return call(() -> {
            UUID projectId = Validation.uuid(r.getProjectId(), "project id");
            return projects.listLayers(projectId).map(tables -> layersResponse(projectId, tables));
        });
    }

    private static ListProjectLayersResponse layersResponse(UUID projectId,
            java.util.List<io.lizsync.registry.model.ProjectTable> tables) {
        return ListProjectLayersResponse.newBuilder()
                .setProjectId(projectId.toString())
                .addAllLayers(ProtoMapper.layers(tables))
                .build();
    }

    @Override
    public Uni<ProjectDocument> addProjectDocument(AddProjectDocumentRequest r) {
        return call(() -> projects.addDocument(Validation.uuid(r.getProjectId(), "project id"),
                new ProjectService.DocumentSpec(
                        r.hasLayer() ? r.getLayer().getSchemaName() : null,
                        r.hasLayer() ? r.getLayer().getTableName() : null,
                        r.getTitle(), r.getKind(), r.getLocation(), r.getMediaType(), r.getSizeBytes()))
                .map(ProtoMapper::document));
    }

    @Override
    public Uni<ListProjectDocumentsResponse> listProjectDocuments(ListProjectDocumentsRequest r) {
        return call(() -> projects.listDocuments(Validation.uuid(r.getProjectId(), "project id"),
                r.hasLayer() ? r.getLayer().getSchemaName() : null,
                r.hasLayer() ? r.getLayer().getTableName() : null)
                .map(list -> ListProjectDocumentsResponse.newBuilder()
                        .addAllDocuments(list.stream().map(ProtoMapper::document).toList())
                        .build()));
    }
}
