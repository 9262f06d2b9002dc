package io.lizsync.files.service;

import io.lizsync.proto.files.v1.PgTarget;
import io.lizsync.proto.files.v1.ProjectAdaptation;
import io.lizsync.qgis.AdaptReport;
import io.lizsync.qgis.QgisFolderAdapter;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@link ProjectAdapter} by the qgis-projects library ({@link QgisFolderAdapter}). */
@ApplicationScoped
public class QgisProjectAdapter implements ProjectAdapter {

    private final QgisFolderAdapter adapter = new QgisFolderAdapter();

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Result adapt(Path folder, PgTarget central, PgTarget clone) {
        AdaptReport r = adapter.adaptFolder(folder, target(central), target(clone));
        List<ProjectAdaptation> out = new ArrayList<>();
        for (String p : r.projectsAdapted()) {
            out.add(ProjectAdaptation.newBuilder().setPath(p).setOutcome("ADAPTED")
                    .setDatasourcesRewritten(r.rewrittenIn(p))
                    .setMessage("original kept as " + p + QgisFolderAdapter.BACKUP_SUFFIX).build());
        }
        r.unchanged().forEach(p -> out.add(ProjectAdaptation.newBuilder().setPath(p).setOutcome("UNCHANGED").build()));
        r.skipped().forEach(s -> out.add(ProjectAdaptation.newBuilder().setPath(s.file()).setOutcome("SKIPPED")
                .setMessage(s.reason()).build()));
        return new Result(out, r.summary());
    }

    /** The library's target of a request's; IllegalArgumentException for one without service nor dbname. */
    static io.lizsync.qgis.PgTarget target(PgTarget t) {
        return new io.lizsync.qgis.PgTarget(t.getHost(), t.getPort(), t.getDbname(), t.getUser(), t.getService(),
                t.getAuthcfg());
    }
}
