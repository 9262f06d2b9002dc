package io.lizsync.registry.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.error.AlreadyExistsException;
import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.model.Project;
import io.lizsync.registry.model.ProjectDocument;
import io.lizsync.registry.model.ProjectRole;
import io.lizsync.registry.model.ProjectTable;
import io.lizsync.registry.model.ProjectTableId;
import io.lizsync.registry.model.Role;
import io.lizsync.registry.repository.ProjectDocumentRepository;
import io.lizsync.registry.repository.ProjectRepository;
import io.lizsync.registry.repository.ProjectRoleRepository;
import io.lizsync.registry.repository.ProjectTableRepository;
import io.lizsync.registry.repository.UserRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Rules for projects: named sets of synchronised tables (layers), who may see them, and their documents. */
@ApplicationScoped
public class ProjectService {

    private final ProjectRepository projects;
    private final ProjectRoleRepository projectRoles;
    private final ProjectTableRepository projectTables;
    private final ProjectDocumentRepository documents;
    private final UserRepository users;
    private final UserService userService;

    public ProjectService(ProjectRepository projects, ProjectRoleRepository projectRoles,
            ProjectTableRepository projectTables, ProjectDocumentRepository documents, UserRepository users,
            UserService userService) {
        this.projects = projects;
        this.projectRoles = projectRoles;
        this.projectTables = projectTables;
        this.documents = documents;
        this.users = users;
        this.userService = userService;
    }

    /** A project with its allowed roles (sorted) and number of layers. */
    public record ProjectView(Project project, List<String> allowedRoles, int layerCount) {
    }

    /** One requested layer. */
    public record LayerSpec(String schemaName, String tableName, String title, String description,
            String geometryColumn, boolean editable) {
    }

    /** One requested document; {@code layerSchema}/{@code layerTable} null for a project-wide one. */
    public record DocumentSpec(String layerSchema, String layerTable, String title, String kind, String location,
            String mediaType, long sizeBytes) {
    }

    @WithTransaction
    public Uni<ProjectView> create(String key, String title, String description, List<String> allowedRoles) {
        String cleanKey = Validation.name(key, "project key", 100);
        String cleanTitle = Validation.text(title, "title", 500);
        String cleanDescription = Validation.text(description, "description", 10_000);
        Set<String> roles = new TreeSet<>();
        for (String r : allowedRoles) {
            roles.add(Validation.name(r, "role name", 100));
        }
        return projects.findByKey(cleanKey)
                .invoke(existing -> {
                    if (existing != null) {
                        throw new AlreadyExistsException("a project with key '" + cleanKey + "' already exists");
                    }
                })
                .chain(() -> userService.requireRoles(roles))
                .chain(() -> {
                    Project p = new Project();
                    p.id = UUID.randomUUID();
                    p.projectKey = cleanKey;
                    p.title = cleanTitle.isEmpty() ? cleanKey : cleanTitle;
                    p.description = cleanDescription;
                    p.createdAt = TimeSource.now();
                    return projects.persist(p);
                })
                .call(p -> Persist.all(projectRoles, roles.stream().map(r -> new ProjectRole(p.id, r)).toList()))
                .map(p -> new ProjectView(p, List.copyOf(roles), 0));
    }

    @WithSession
    public Uni<ProjectView> get(UUID id) {
        return projects.findById(id).map(p -> found(p, id.toString())).chain(p -> views(List.of(p)))
                .map(list -> list.get(0));
    }

    @WithSession
    public Uni<ProjectView> getByKey(String key) {
        Validation.name(key, "project key", 100);
        return projects.findByKey(key).map(p -> found(p, "'" + key + "'")).chain(p -> views(List.of(p)))
                .map(list -> list.get(0));
    }

    /** Every project (userId null), or those the user may see: admins see all. */
    @WithSession
    public Uni<List<ProjectView>> list(UUID userId) {
        if (userId == null) {
            return projects.listAllSorted().chain(this::views);
        }
        return users.findById(userId)
                .invoke(u -> {
                    if (u == null) {
                        throw new NotFoundException("user " + userId + " not found");
                    }
                })
                .chain(() -> userService.roleNames(userId))
                .chain(roles -> roles.contains(Role.ADMINISTRATOR) ? projects.listAllSorted() : projects.listVisibleTo(roles))
                .chain(this::views);
    }

    private Uni<List<ProjectView>> views(List<Project> list) {
        List<UUID> ids = list.stream().map(p -> p.id).toList();
        return projectRoles.listByProjects(ids).chain(roleRows -> projectTables.countByProjects(ids).map(counts -> {
            Map<UUID, List<String>> rolesBy = roleRows.stream().collect(Collectors.groupingBy(r -> r.projectId,
                    Collectors.mapping(r -> r.roleName, Collectors.toList())));
            Map<UUID, Integer> countBy = new HashMap<>();
            for (Object[] row : counts) {
                countBy.put((UUID) row[0], ((Number) row[1]).intValue());
            }
            List<ProjectView> out = new ArrayList<>(list.size());
            for (Project p : list) {
                out.add(new ProjectView(p, rolesBy.getOrDefault(p.id, List.of()).stream().sorted().toList(),
                        countBy.getOrDefault(p.id, 0)));
            }
            return out;
        }));
    }

    /** Replaces the layers: removed ones go (with their documents), kept ones are updated, new ones added. */
    @WithTransaction
    public Uni<List<ProjectTable>> setTables(UUID projectId, List<LayerSpec> layers) {
        List<ProjectTable> wanted = new ArrayList<>();
        Set<ProjectTableId> seen = new HashSet<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            ProjectTable t = new ProjectTable();
            t.projectId = projectId;
            t.schemaName = Validation.syncSchema(l.schemaName(), "schema name");
            t.tableName = Validation.identifier(l.tableName(), "table name");
            t.title = Validation.text(l.title(), "layer title", 500);
            t.description = Validation.text(l.description(), "layer description", 10_000);
            String geometry = Validation.text(l.geometryColumn(), "geometry column", 63);
            t.geometryColumn = geometry.isEmpty() ? "" : Validation.identifier(geometry, "geometry column");
            t.displayPosition = i;
            t.editable = l.editable();
            if (!seen.add(new ProjectTableId(projectId, t.schemaName, t.tableName))) {
                throw new InvalidArgumentException("table " + t.schemaName + "." + t.tableName + " is listed twice");
            }
            wanted.add(t);
        }
        return projects.findById(projectId)
                .map(p -> found(p, projectId.toString()))
                .chain(p -> projectTables.listByProject(projectId))
                .chain(existing -> {
                    Map<ProjectTableId, ProjectTable> byId = new HashMap<>();
                    for (ProjectTable e : existing) {
                        byId.put(new ProjectTableId(projectId, e.schemaName, e.tableName), e);
                    }
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (ProjectTable e : existing) {
                        if (!seen.contains(new ProjectTableId(projectId, e.schemaName, e.tableName))) {
                            chain = chain.chain(() -> projectTables.delete(e));
                        }
                    }
                    for (ProjectTable w : wanted) {
                        ProjectTable e = byId.get(new ProjectTableId(projectId, w.schemaName, w.tableName));
                        if (e == null) {
                            chain = chain.chain(() -> projectTables.persist(w).replaceWithVoid());
                        } else {
                            e.title = w.title;
                            e.description = w.description;
                            e.geometryColumn = w.geometryColumn;
                            e.displayPosition = w.displayPosition;
                            e.editable = w.editable;
                        }
                    }
                    return chain;
                })
                .call(() -> projectTables.flush())
                .chain(() -> projectTables.listByProject(projectId));
    }

    @WithSession
    public Uni<List<ProjectTable>> listLayers(UUID projectId) {
        return projects.findById(projectId)
                .map(p -> found(p, projectId.toString()))
                .chain(p -> projectTables.listByProject(projectId));
    }

    @WithTransaction
    public Uni<ProjectDocument> addDocument(UUID projectId, DocumentSpec spec) {
        ProjectDocument d = new ProjectDocument();
        d.id = UUID.randomUUID();
        d.projectId = projectId;
        d.title = Validation.name(spec.title(), "document title", 500);
        d.kind = spec.kind() == null ? "" : spec.kind();
        if (!d.kind.equals(ProjectDocument.KIND_FILE) && !d.kind.equals(ProjectDocument.KIND_URL)) {
            throw new InvalidArgumentException("document kind must be 'file' or 'url'");
        }
        d.location = Validation.name(spec.location(), "document location", 2000);
        checkLocation(d.kind, d.location);
        d.mediaType = Validation.text(spec.mediaType(), "media type", 200);
        if (spec.sizeBytes() < 0) {
            throw new InvalidArgumentException("size_bytes must not be negative");
        }
        d.sizeBytes = spec.sizeBytes();
        d.updatedAt = TimeSource.now();
        boolean forLayer = spec.layerSchema() != null;
        if (forLayer) {
            d.layerSchema = Validation.identifier(spec.layerSchema(), "layer schema name");
            d.layerTable = Validation.identifier(spec.layerTable(), "layer table name");
        }
        return projects.findById(projectId)
                .map(p -> found(p, projectId.toString()))
                .chain(p -> !forLayer ? Uni.createFrom().voidItem()
                        : projectTables.findById(new ProjectTableId(projectId, d.layerSchema, d.layerTable))
                                .invoke(t -> {
                                    if (t == null) {
                                        throw new InvalidArgumentException("table " + d.layerSchema + "."
                                                + d.layerTable + " is not a layer of project '" + p.projectKey + "'");
                                    }
                                }).replaceWithVoid())
                .chain(() -> documents.persist(d));
    }

    /** A file location stays inside the project folder; a URL is absolute http(s). */
    static void checkLocation(String kind, String location) {
        if (kind.equals(ProjectDocument.KIND_FILE)) {
            String normalised = location.replace('\\', '/');
            if (normalised.startsWith("/") || normalised.matches("^[A-Za-z]:.*")) {
                throw new InvalidArgumentException("a file document location must be relative to the project folder");
            }
            for (String segment : normalised.split("/")) {
                if (segment.equals("..")) {
                    throw new InvalidArgumentException("a file document location must not contain '..'");
                }
            }
            return;
        }
        try {
            URI uri = new URI(location);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new InvalidArgumentException("a url document location must be an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new InvalidArgumentException("a url document location is not a valid URL");
        }
    }

    @WithSession
    public Uni<List<ProjectDocument>> listDocuments(UUID projectId, String layerSchema, String layerTable) {
        return projects.findById(projectId)
                .map(p -> found(p, projectId.toString()))
                .chain(p -> layerSchema == null ? documents.listByProject(projectId)
                        : documents.listByLayer(projectId, layerSchema, layerTable));
    }

    private static Project found(Project p, String what) {
        if (p == null) {
            throw new NotFoundException("project " + what + " not found");
        }
        return p;
    }
}
