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

    /** Adapts every project of {@code folder}; one entry per project or layer file considered. */
    List<ProjectAdaptation> adapt(Path folder, PgTarget central, PgTarget clone) throws Exception;
}
