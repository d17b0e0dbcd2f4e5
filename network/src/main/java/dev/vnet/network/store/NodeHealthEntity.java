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

/** A row of {@code node_health}: an agent's health and last heartbeat. */
@Entity
@Table(name = "node_health")
public class NodeHealthEntity extends PanacheEntityBase {

    @Id
    @Column(name = "agent_id")
    public String agentId;

    public String status;

    @Column(name = "last_heartbeat")
    public Instant lastHeartbeat;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> capacity;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> load;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "written_epoch")
    public long writtenEpoch;
}
