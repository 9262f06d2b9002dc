package io.lizsync.registry.model;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Maps {@link ServerKind} to the lower-case text the schema's CHECK constraint expects. */
@Converter
public class ServerKindConverter implements AttributeConverter<ServerKind, String> {

    @Override
    public String convertToDatabaseColumn(ServerKind kind) {
        return kind == null ? null : kind.dbValue();
    }

    @Override
    public ServerKind convertToEntityAttribute(String value) {
        return value == null ? null : ServerKind.fromDb(value);
    }
}
