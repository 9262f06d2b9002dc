package io.lizsync.sync.central.registry;

import io.lizsync.sync.engine.TableRef;
import java.util.List;

/**
 * A clone as registry-service, the owner of clone identities, knows it (ADR 0013): central's
 * exchange keeps a read model of it, written only from registry's answers (a redeemed ticket, the
 * feed of clone changes). {@code credentialHash} is the SHA-256 of its live credential's secret,
 * null when it has none.
 */
public record RegisteredClone(String cloneId, boolean exists, String name, boolean disabled, String credentialHash,
        List<TableRef> tables) {

    public RegisteredClone {
        tables = List.copyOf(tables);
    }

    /** A clone registered now, with its new credential. */
    public static RegisteredClone registered(String cloneId, String name, String credentialHash, List<TableRef> tables) {
        return new RegisteredClone(cloneId, true, name, false, credentialHash, tables);
    }

    /** True when registry lets it exchange: it exists, is not disabled and has a live credential. */
    public boolean mayExchange() {
        return exists && !disabled && credentialHash != null && !credentialHash.isEmpty();
    }
}
