package io.lizsync.packaging.repository;

import io.lizsync.proto.packaging.v1.Deployment;
import com.google.protobuf.Timestamp;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Deployment records in the central database ({@code lizsync.package_deployments}). */
@ApplicationScoped
public class DeploymentRepository {

    private final DataSource dataSource;

    DeploymentRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records a deployment (idempotent for the same package, clone and time) and adds the clone to
     * the package's history item.
     */
    public Deployment record(String packageId, String historySyncId, String cloneId, String cloneName, Instant deployedAt)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO lizsync.package_deployments (package_id, history_sync_id, clone_id, clone_name, deployed_at)
                        VALUES (?::uuid, ?::uuid, ?::uuid, ?, ?)
                        ON CONFLICT (package_id, clone_id, deployed_at) DO UPDATE SET clone_name = EXCLUDED.clone_name""")) {
                    ps.setString(1, packageId);
                    ps.setString(2, historySyncId == null || historySyncId.isBlank() ? null : historySyncId);
                    ps.setString(3, cloneId);
                    ps.setString(4, cloneName);
                    ps.setObject(5, OffsetDateTime.ofInstant(deployedAt, ZoneOffset.UTC));
                    ps.executeUpdate();
                }
                if (historySyncId != null && !historySyncId.isBlank()) {
                    try (PreparedStatement ps = c.prepareStatement("""
                            UPDATE lizsync.history SET server_to = array_append(server_to, ?::uuid)
                            WHERE sync_id = ?::uuid AND NOT (?::uuid = ANY (server_to))""")) {
                        ps.setString(1, cloneId);
                        ps.setString(2, historySyncId);
                        ps.setString(3, cloneId);
                        ps.executeUpdate();
                    }
                }
                Deployment d;
                try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE package_id = ?::uuid AND clone_id = ?::uuid "
                        + "AND deployed_at = ?")) {
                    ps.setString(1, packageId);
                    ps.setString(2, cloneId);
                    ps.setObject(3, OffsetDateTime.ofInstant(deployedAt, ZoneOffset.UTC));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        d = row(rs);
                    }
                }
                c.commit();
                return d;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Newest first; {@code after} is the (recorded_at, id) key of the previous page's last row. */
    public List<Deployment> list(String packageId, String cloneId, int limit, Instant afterTime, String afterId)
            throws SQLException {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
        List<Object> args = new ArrayList<>();
        if (packageId != null) {
            sql.append(" AND package_id = ?::uuid");
            args.add(packageId);
        }
        if (cloneId != null) {
            sql.append(" AND clone_id = ?::uuid");
            args.add(cloneId);
        }
        if (afterTime != null) {
            sql.append(" AND (recorded_at, deployment_id) < (?, ?::uuid)");
            args.add(OffsetDateTime.ofInstant(afterTime, ZoneOffset.UTC));
            args.add(afterId);
        }
        sql.append(" ORDER BY recorded_at DESC, deployment_id DESC LIMIT ?");
        args.add(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Deployment> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    private static final String SELECT = "SELECT deployment_id::text, package_id::text, clone_id::text, clone_name, "
            + "deployed_at, recorded_at FROM lizsync.package_deployments";

    private static Deployment row(ResultSet rs) throws SQLException {
        return Deployment.newBuilder().setId(rs.getString(1)).setPackageId(rs.getString(2))
                .setCloneServerId(rs.getString(3)).setCloneName(rs.getString(4))
                .setDeployedAt(ts(rs.getObject(5, OffsetDateTime.class))).setRecordedAt(ts(rs.getObject(6, OffsetDateTime.class)))
                .build();
    }

    static Timestamp ts(OffsetDateTime t) {
        Instant i = t.toInstant();
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
}
