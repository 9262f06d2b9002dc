package io.lizsync.registry.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.ApiToken;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.api_tokens}. */
@ApplicationScoped
public class ApiTokenRepository implements PanacheRepositoryBase<ApiToken, UUID> {

    public Uni<ApiToken> findByHash(String tokenHash) {
        return find("tokenHash", tokenHash).firstResult();
    }

    /** Tokens of one user (or all when null), newest first; only active ones unless asked. */
    public Uni<List<ApiToken>> list(UUID userId, boolean includeInactive, Instant now) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (userId != null) {
            query.append(" and userId = :userId");
            params.and("userId", userId);
        }
        if (!includeInactive) {
            query.append(" and revokedAt is null and (expiresAt is null or expiresAt > :now)");
            params.and("now", now);
        }
        return list(query.toString(), Sort.descending("createdAt").and("id"), params);
    }
}
