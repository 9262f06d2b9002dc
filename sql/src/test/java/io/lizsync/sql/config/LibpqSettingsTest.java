package io.lizsync.sql.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibpqSettingsTest {

    @TempDir
    Path home;

    @Test
    void nothingAskedNothingGiven() {
        assertFalse(LibpqSettings.requested(Map.<String, String>of()::get));
        assertTrue(new LibpqConfigSource(Map.<String, String>of()::get, home).getPropertyNames().isEmpty());
    }

    @Test
    void aServiceComesBeforeTheVariablesAndThePasswordFromPgpass() throws Exception {
        Files.writeString(home.resolve(".pg_service.conf"), """
                # field data
                [other]
                host=wrong
                [gis central]
                host = db.example.org
                port=5433
                dbname=Inventaire Forêt
                user=gis_admin
                sslmode=require
                """);
        Files.writeString(home.resolve(".pgpass"), """
                other:5433:*:gis_admin:nope
                db.example.org:5433:*:gis_admin:s3cr\\:et
                """);
        var env = Map.of("PGSERVICE", "gis central", "PGHOST", "ignored.example.org", "USER", "anne");
        LibpqSettings s = LibpqSettings.resolve(env::get, home);
        assertEquals("db.example.org", s.host());
        assertEquals(5433, s.port());
        assertEquals("s3cr:et", s.password());
        assertEquals("jdbc:postgresql://db.example.org:5433/Inventaire%20For%C3%AAt?sslmode=require", s.jdbcUrl());
        assertEquals("postgresql://db.example.org:5433/Inventaire%20For%C3%AAt?sslmode=require", s.reactiveUrl());
        assertFalse(s.toString().contains("s3cr"));
        var source = new LibpqConfigSource(env::get, home);
        assertEquals("gis_admin", source.getValue("quarkus.datasource.username"));
        assertEquals("s3cr:et", source.getValue("quarkus.datasource.password"));
    }

    @Test
    void variablesAloneAndPgpasswordFirst() {
        var env = Map.of("PGHOST", "127.0.0.1", "PGPORT", "6543", "PGUSER", "field", "PGPASSWORD", "pw");
        LibpqSettings s = LibpqSettings.resolve(env::get, home);
        assertEquals("jdbc:postgresql://127.0.0.1:6543/field", s.jdbcUrl());
        assertEquals("pw", s.password());
        var noPassword = LibpqSettings.resolve(Map.of("PGHOST", "h")::get, home);
        assertNull(noPassword.password());
    }

    @Test
    void anUnknownServiceOrABadPortIsAClearError() {
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> LibpqSettings.resolve(Map.of("PGSERVICE", "nope")::get, home));
        assertTrue(unknown.getMessage().contains("'nope' not found"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LibpqSettings.resolve(Map.of("PGPORT", "five")::get, home));
    }
}
