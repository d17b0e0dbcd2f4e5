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

/** A row of {@code agents}: an agent the network has known. Read with Panache; written by {@link StoreWriter}. */
@Entity
@Table(name = "agents")
public class AgentEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "instance_id")
    public String instanceId;

    public String endpoint;

    public String cluster;

    public String[] labels;

    public String[] kinds;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> capacity;

    @Column(name = "first_seen")
    public Instant firstSeen;

    @Column(name = "last_seen")
    public Instant lastSeen;

    @Column(name = "written_epoch")
    public long writtenEpoch;
}
