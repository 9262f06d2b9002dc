package io.lizsync.sync.central.registry;

import io.lizsync.sync.engine.TableRef;
import java.util.List;

/**
 * A clone as registry-service, the owner of clone identities, knows it (ADR 0013): its id, name
 * and tables. Central's exchange keeps a read model of it, written only from registry's answers.
 */
public record CloneIdentity(String cloneId, String name, List<TableRef> tables) {

    public CloneIdentity {
        tables = List.copyOf(tables);
    }
}
