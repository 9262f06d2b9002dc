package io.lizsync.registry.model;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Maps {@link ServerStatus} to the lower-case text the schema's CHECK constraint expects. */
@Converter
public class ServerStatusConverter implements AttributeConverter<ServerStatus, String> {

    @Override
    public String convertToDatabaseColumn(ServerStatus status) {
        return status == null ? null : status.dbValue();
    }

    @Override
    public ServerStatus convertToEntityAttribute(String value) {
        return value == null ? null : ServerStatus.fromDb(value);
    }
}
