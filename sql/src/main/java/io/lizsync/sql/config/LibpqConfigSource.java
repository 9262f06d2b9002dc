package io.lizsync.sql.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Lets a service find its database the libpq way ({@link LibpqSettings}): when the environment
 * names a {@code PGSERVICE} or any {@code PG*} connection variable, the datasource settings
 * ({@code quarkus.datasource.jdbc.url}, {@code .reactive.url}, {@code .username},
 * {@code .password}) come from there. Ordinal 275: above application.properties, below the
 * explicit {@code QUARKUS_DATASOURCE_*} variables and system properties, which still win.
 */
public class LibpqConfigSource implements ConfigSource {

    private final Map<String, String> values;

    public LibpqConfigSource() {
        this(System::getenv, Path.of(System.getProperty("user.home", "/")));
    }

    LibpqConfigSource(java.util.function.Function<String, String> env, Path home) {
        Map<String, String> v = new HashMap<>();
        if (LibpqSettings.requested(env)) {
            LibpqSettings s = LibpqSettings.resolve(env, home);
            v.put("quarkus.datasource.jdbc.url", s.jdbcUrl());
            v.put("quarkus.datasource.reactive.url", s.reactiveUrl());
            v.put("quarkus.datasource.username", s.user());
            if (s.password() != null) {
                v.put("quarkus.datasource.password", s.password());
            }
        }
        this.values = Map.copyOf(v);
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "libpq (PGSERVICE, PG* variables, pg_service.conf, .pgpass)";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
