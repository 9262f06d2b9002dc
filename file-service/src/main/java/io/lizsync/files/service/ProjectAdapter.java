package io.lizsync.files.service;

import io.lizsync.proto.files.v1.PgTarget;
import io.lizsync.proto.files.v1.ProjectAdaptation;
import java.nio.file.Path;
import java.util.List;

/**
 * Rewrites the PostgreSQL data sources of the QGIS projects of a folder from the central
 * database to the clone's (issue 9/12, the qgis-projects library).
 */
public interface ProjectAdapter {

    /** True when adapting is possible in this build. */
    boolean available();

    /** What adapting did: one entry per project or layer file considered, and a summary with the totals. */
    record Result(List<ProjectAdaptation> projects, String summary) {
    }

    /** Adapts every project of {@code folder}. */
    Result adapt(Path folder, PgTarget central, PgTarget clone) throws Exception;
}
