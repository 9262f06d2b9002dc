package io.lizsync.registry.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.error.AlreadyExistsException;
import io.lizsync.registry.error.FailedPreconditionException;
import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.model.Server;
import io.lizsync.registry.model.ServerKind;
import io.lizsync.registry.model.ServerStatus;
import io.lizsync.registry.model.ServerTable;
import io.lizsync.registry.repository.ServerRepository;
import io.lizsync.registry.repository.ServerTableRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Rules for servers (central, clones, tiers) and the tables each one synchronises (set by the
 * clone's registration ticket, {@link TicketRedemption}).
 */
@ApplicationScoped
public class ServerService {

    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 2000;

    private final ServerRepository servers;
    private final ServerTableRepository serverTables;

    public ServerService(ServerRepository servers, ServerTableRepository serverTables) {
        this.servers = servers;
        this.serverTables = serverTables;
    }

    /** What RegisterServer asks for; {@code id} and {@code parentId} may be null. */
    public record Registration(UUID id, String name, ServerKind kind, UUID parentId, String toolsVersion,
            String description) {
    }

    /** What UpdateServerStatus asks for; null fields are left unchanged. */
    public record StatusUpdate(UUID id, ServerStatus status, String toolsVersion, Instant lastContactAt,
            boolean contactNow) {
    }

    @WithTransaction
    public Uni<Server> register(Registration r) {
        String name = Validation.name(r.name(), "server name", MAX_NAME);
        String description = Validation.text(r.description(), "description", MAX_DESCRIPTION);
        String toolsVersion = Validation.text(r.toolsVersion(), "tools version", 50);
        if (r.kind() == null) {
            throw new InvalidArgumentException("server kind is required (central, clone or tier)");
        }
        if (r.kind() == ServerKind.CENTRAL && r.parentId() != null) {
            throw new InvalidArgumentException("a central server has no parent");
        }
        if (r.kind() != ServerKind.CENTRAL && r.parentId() == null) {
            throw new InvalidArgumentException("a " + r.kind().dbValue() + " server needs a parent server id");
        }
        return servers.existsByName(name)
                .invoke(exists -> {
                    if (exists) {
                        throw new AlreadyExistsException("a server named '" + name + "' already exists");
                    }
                })
                .chain(() -> r.id() == null ? Uni.createFrom().nullItem() : servers.findById(r.id()))
                .invoke(existing -> {
                    if (existing != null) {
                        throw new AlreadyExistsException("a server with id " + r.id() + " already exists");
                    }
                })
                .chain(() -> checkParent(r.kind(), r.parentId()))
                .chain(() -> {
                    Server s = new Server();
                    s.id = r.id() == null ? UUID.randomUUID() : r.id();
                    s.name = name;
                    s.kind = r.kind();
                    s.parentId = r.parentId();
                    s.status = ServerStatus.REGISTERED;
                    s.description = description;
                    s.toolsVersion = toolsVersion.isEmpty() ? null : toolsVersion;
                    s.createdAt = TimeSource.now();
                    return servers.persist(s);
                });
    }

    private Uni<Void> checkParent(ServerKind kind, UUID parentId) {
        if (kind == ServerKind.CENTRAL) {
            return servers.centralExists().invoke(exists -> {
                if (exists) {
                    throw new AlreadyExistsException("a central server is already registered");
                }
            }).replaceWithVoid();
        }
        return servers.findById(parentId).invoke(parent -> {
            if (parent == null) {
                throw new InvalidArgumentException("parent server " + parentId + " does not exist");
            }
            if (parent.kind == ServerKind.CLONE) {
                throw new InvalidArgumentException("parent server '" + parent.name + "' is a clone; "
                        + "the parent must be the central server or a tier");
            }
        }).replaceWithVoid();
    }

    @WithSession
    public Uni<Server> get(UUID id) {
        return servers.findById(id).map(s -> found(s, id));
    }

    @WithSession
    public Uni<Server> getByName(String name) {
        Validation.name(name, "server name", MAX_NAME);
        return servers.findByName(name).invoke(s -> {
            if (s == null) {
                throw new NotFoundException("no server named '" + name + "'");
            }
        });
    }

    @WithSession
    public Uni<PageRequest.Page<Server>> list(ServerKind kind, UUID parentId, ServerStatus status, PageRequest page) {
        return servers.list(kind, parentId, status, page.offset(), page.lastIndexInclusive()).map(page::toPage);
    }

    @WithTransaction
    public Uni<Server> updateStatus(StatusUpdate u) {
        String toolsVersion = Validation.text(u.toolsVersion(), "tools version", 50);
        return servers.findById(u.id()).map(s -> {
            found(s, u.id());
            if (u.status() != null) {
                s.status = u.status();
            }
            if (!toolsVersion.isEmpty()) {
                s.toolsVersion = toolsVersion;
            }
            if (u.contactNow()) {
                s.lastContactAt = TimeSource.now();
            } else if (u.lastContactAt() != null) {
                s.lastContactAt = u.lastContactAt();
            }
            return s;
        });
    }

    @WithTransaction
    public Uni<UUID> delete(UUID id) {
        return servers.findById(id)
                .map(s -> found(s, id))
                .chain(s -> servers.countChildren(id).invoke(n -> {
                    if (n > 0) {
                        throw new FailedPreconditionException("server '" + s.name + "' still has " + n
                                + " child server(s); delete or move them first");
                    }
                }))
                // credentials and table lists go with it (ON DELETE CASCADE)
                .chain(() -> servers.deleteById(id))
                .replaceWith(id);
    }

    /** The tables of a server and when the list was set. */
    public record Tables(UUID serverId, List<ServerTable> tables, Instant updatedAt) {
    }

    /** A table named by schema and table name, verbatim. */
    public record TableName(String schemaName, String tableName) {
    }

    /**
     * Replaces a server's tables, within the caller's transaction (a ticket's redemption); returns
     * them in order. {@code tables} are already checked ({@link TicketRules#tables}).
     */
    Uni<List<ServerTable>> replaceTables(Server s, List<TableName> tables, Instant now) {
        return serverTables.deleteByServer(s.id)
                .chain(() -> Persist.all(serverTables, tables.stream().map(t -> {
                    ServerTable row = new ServerTable();
                    row.serverId = s.id;
                    row.schemaName = t.schemaName();
                    row.tableName = t.tableName();
                    return row;
                }).toList()))
                .invoke(() -> s.tablesUpdatedAt = now)
                .call(() -> serverTables.flush())
                .chain(() -> serverTables.listByServer(s.id));
    }

    @WithSession
    public Uni<Tables> getTables(UUID serverId) {
        return servers.findById(serverId)
                .map(s -> found(s, serverId))
                .chain(s -> serverTables.listByServer(serverId).map(rows -> new Tables(serverId, rows, s.tablesUpdatedAt)));
    }

    static Server found(Server s, UUID id) {
        if (s == null) {
            throw new NotFoundException("server " + id + " not found");
        }
        return s;
    }
}
