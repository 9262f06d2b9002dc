package io.lizsync.registry.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.UserSession;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.user_sessions}. */
@ApplicationScoped
public class UserSessionRepository implements PanacheRepositoryBase<UserSession, UUID> {

    /** The session of a token hash if it is still open at {@code now}, else null. */
    public Uni<UserSession> findOpen(String tokenHash, Instant now) {
        return find("tokenHash = ?1 and endedAt is null and expiresAt > ?2", tokenHash, now).firstResult();
    }

    /** Ends the open session of a token hash; returns how many sessions were ended (0 or 1). */
    public Uni<Integer> end(String tokenHash, Instant now) {
        return update("endedAt = ?1 where tokenHash = ?2 and endedAt is null and expiresAt > ?1", now, tokenHash);
    }

    /** Removes sessions that ended or expired before {@code before}. */
    public Uni<Long> purge(Instant before) {
        return delete("expiresAt < ?1 or endedAt < ?1", before);
    }
}
