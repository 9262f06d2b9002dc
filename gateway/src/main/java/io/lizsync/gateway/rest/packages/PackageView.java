package io.lizsync.gateway.rest.packages;

import io.lizsync.gateway.rest.Protos;
import io.lizsync.proto.packaging.v1.Deployment;
import io.lizsync.proto.packaging.v1.PackageInfo;
import java.time.Instant;
import java.util.List;

/** A package as the API shows it. */
public record PackageView(String id, int formatVersion, String toolsVersion, String centralServerId, Instant createdAt,
        List<PackagedTableView> tables, long sizeBytes, String sha256, String historySyncId, String description,
        boolean hasAdditionalSql, String requestedBy) {

    /** One table of a package. */
    public record PackagedTableView(String schema, String table, String structureFingerprint, long rowCount) {
    }

    /** A clone that deployed a package. */
    public record DeploymentView(String id, String packageId, String cloneId, String cloneName, Instant deployedAt,
            Instant recordedAt) {
        public static DeploymentView of(Deployment d) {
            return new DeploymentView(d.getId(), d.getPackageId(), d.getCloneServerId(), d.getCloneName(),
                    Protos.time(d.getDeployedAt()), Protos.time(d.getRecordedAt()));
        }
    }

    public static PackageView of(PackageInfo p) {
        return new PackageView(p.getPackageId(), p.getFormatVersion(), p.getToolsVersion(), p.getCentralServerId(),
                Protos.time(p.getCreatedAt()),
                p.getTablesList().stream().map(t -> new PackagedTableView(t.getTable().getSchemaName(),
                        t.getTable().getTableName(), t.getStructureFingerprint(), t.getRowCount())).toList(),
                p.getSizeBytes(), p.getSha256(), p.getHistorySyncId(), Protos.text(p.getDescription()),
                p.getHasAdditionalSql(), Protos.text(p.getRequestedBy()));
    }
}
