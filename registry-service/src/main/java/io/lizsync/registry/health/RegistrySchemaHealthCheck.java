package io.lizsync.registry.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Ready only when the registry schema has been migrated: reports the Flyway version applied. The
 * datasource checks only say the database answers; this one says it holds our tables.
 */
@Readiness
@ApplicationScoped
public class RegistrySchemaHealthCheck implements AsyncHealthCheck {

    private static final String NAME = "registry schema";

    private final Pool pool;

    public RegistrySchemaHealthCheck(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("SELECT max(version::int) AS version FROM registry.flyway_schema_history WHERE success")
                .execute()
                .map(rows -> {
                    Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    Integer version = row == null ? null : row.getInteger("version");
                    return version == null
                            ? HealthCheckResponse.named(NAME).down().withData("reason", "no migration applied").build()
                            : HealthCheckResponse.named(NAME).up().withData("version", version.longValue()).build();
                })
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                        .withData("reason", e.getClass().getSimpleName()).build());
    }
}
