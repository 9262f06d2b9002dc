package io.lizsync.registry.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.CloneCredential;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.clone_credentials}. */
@ApplicationScoped
public class CloneCredentialRepository implements PanacheRepositoryBase<CloneCredential, UUID> {

    public Uni<CloneCredential> findByHash(String tokenHash) {
        return find("tokenHash", tokenHash).firstResult();
    }

    /** Revokes every still-valid credential of a server; returns how many. */
    public Uni<Integer> revokeAll(UUID serverId, Instant now) {
        return update("revokedAt = ?1 where serverId = ?2 and revokedAt is null", now, serverId);
    }

    public Uni<List<CloneCredential>> listByServer(UUID serverId, boolean includeRevoked) {
        Sort sort = Sort.descending("issuedAt").and("id");
        return includeRevoked
                ? list("serverId", sort, serverId)
                : list("serverId = ?1 and revokedAt is null", sort, serverId);
    }
}
