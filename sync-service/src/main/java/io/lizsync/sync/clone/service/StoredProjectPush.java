package io.lizsync.sync.clone.service;

import io.lizsync.qgis.PgTarget;
import io.lizsync.qgis.StoredProjects;
import io.lizsync.sync.engine.NetChange;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A QGIS project a clone saved into a synchronised {@code qgis_projects} table, on its way to
 * central (pure, ADR 0023): the clone's copy reads the clone's database (it was adapted on arrival,
 * or QGIS on the clone saved it so), and central must not receive connections to a field laptop.
 * Every data source pointing at the clone is turned back into central's; the clone keeps its own.
 */
public final class StoredProjectPush {

    /** The column QGIS keeps a project's {@code .qgz} in. */
    static final String CONTENT = "content";

    private StoredProjectPush() {
    }

    /**
     * The change as central must receive it: the same change, with its {@code content} rewritten
     * when it is a stored project naming the clone's database; any other change is returned as is.
     * A content that is not a readable project is sent as it is and {@code problem} told why.
     */
    public static NetChange towardsCentral(NetChange change, PgTarget clone, PgTarget central, Consumer<String> problem) {
        if (change.kind() == NetChange.Kind.DELETE || !StoredProjects.TABLE.equals(change.table().table())) {
            return change;
        }
        String content = change.values().get(CONTENT);
        if (content == null) {
            return change;
        }
        if (!content.startsWith("\\x")) {
            problem.accept("stored QGIS project " + change.table().quoted() + " " + change.uid()
                    + " sent as it is: its content is not in PostgreSQL's hex output");
            return change;
        }
        byte[] adapted;
        try {
            adapted = StoredProjects.adaptContent(HexFormat.of().parseHex(content, 2, content.length()), clone, central);
        } catch (IllegalArgumentException e) {
            problem.accept("stored QGIS project " + change.table().quoted() + " " + change.uid() + " sent as it is: " + e.getMessage());
            return change;
        }
        if (adapted == null) {
            return change;
        }
        Map<String, String> values = new LinkedHashMap<>(change.values());
        values.put(CONTENT, "\\x" + HexFormat.of().formatHex(adapted));
        return new NetChange(change.table(), change.uid(), change.kind(), values, change.fieldTimes(),
                change.fieldWriters(), change.oldRow(), change.writer(), change.editedAt(), change.firstEventId(),
                change.lastEventId(), change.eventIds());
    }
}
