package io.lizsync.sync.central.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sync.engine.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegisteredCloneTest {

    private static final List<TableRef> TABLES = List.of(new TableRef("field", "parcel"));

    @Test
    void onlyAnExistingEnabledCloneWithALiveCredentialMayExchange() {
        assertTrue(new RegisteredClone("c", true, "laptop", false, "h", TABLES).mayExchange());
        assertFalse(new RegisteredClone("c", true, "laptop", false, null, TABLES).mayExchange(), "revoked");
        assertFalse(new RegisteredClone("c", true, "laptop", false, "", TABLES).mayExchange(), "revoked");
        assertFalse(new RegisteredClone("c", true, "laptop", true, "h", TABLES).mayExchange(), "disabled");
        assertFalse(new RegisteredClone("c", false, "", false, null, List.of()).mayExchange(), "deleted");
    }
}
