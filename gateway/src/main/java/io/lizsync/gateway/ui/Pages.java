package io.lizsync.gateway.ui;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The dashboard's templates ({@code templates/ui/}), checked against their parameters at build time. */
public final class Pages {

    private Pages() {
    }

    @CheckedTemplate(basePath = "ui")
    public static class Templates {
        public static native TemplateInstance login(Chrome chrome, String next, String login, String error);

        public static native TemplateInstance error(Chrome chrome, String message);

        public static native TemplateInstance overview(Chrome chrome, OverviewModel.Overview overview);

        public static native TemplateInstance overviewRows(OverviewModel.Overview overview);

        public static native TemplateInstance clone(Chrome chrome, OverviewModel.CloneRow clone, String registration,
                String description, java.util.List<Views.HistoryRow> history, java.util.List<String> tables,
                java.util.List<Views.DeploymentRow> deployments, java.util.List<Views.PackageRow> packages,
                String openAssignment, java.util.List<Views.JobRow> jobs, String flash);

        public static native TemplateInstance cloneJobs(java.util.List<Views.JobRow> jobs);

        public static native TemplateInstance history(Chrome chrome, HistoryPage.Filter filter,
                java.util.List<Views.CloneChoice> clones, java.util.List<Views.HistoryRow> rows, String next);

        public static native TemplateInstance conflicts(Chrome chrome, boolean all, java.util.List<ConflictsPage.Row> rows,
                String next, String flash);

        public static native TemplateInstance packages(Chrome chrome, java.util.List<Views.PackageRow> packages,
                java.util.List<Views.CloneChoice> clones, io.lizsync.gateway.rest.jobs.JobView job, String next, String flash);

        public static native TemplateInstance projects(Chrome chrome, java.util.List<ProjectsPage.ProjectRow> projects);

        public static native TemplateInstance devices(Chrome chrome, java.util.List<DevicesPage.DeviceRow> devices, String next, String flash);

        public static native TemplateInstance users(Chrome chrome, java.util.List<UsersPage.UserRow> users,
                java.util.List<UsersPage.TokenRow> tokens, java.util.List<String> roles, String flash, String newToken);
    }
}
