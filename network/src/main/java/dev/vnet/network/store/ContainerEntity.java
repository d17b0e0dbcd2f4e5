package dev.vnet.network.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code containers}: a container and its current activation. */
@Entity
@Table(name = "containers")
public class ContainerEntity extends PanacheEntityBase {

    @Id
    public String uuid;

    public String kind;

    public String type;

    public String[] labels;

    public byte[] spec;

    @Column(name = "spec_content_type")
    public String specContentType;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> resources;

    @Column(name = "agent_id")
    public String agentId;

    public long epoch;

    @Column(name = "migration_status")
    public String migrationStatus;

    @Column(name = "preferred_cluster")
    public String preferredCluster;

    @Column(name = "last_migration_at")
    public Instant lastMigrationAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "written_epoch")
    public long writtenEpoch;
}
