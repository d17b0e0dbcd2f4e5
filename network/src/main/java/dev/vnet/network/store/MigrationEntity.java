package dev.vnet.network.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code container_migration_history}: one move of a container, completed or failed. */
@Entity
@Table(name = "container_migration_history")
public class MigrationEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "container_uuid")
    public String containerUuid;

    @Column(name = "from_agent")
    public String fromAgent;

    @Column(name = "to_agent")
    public String toAgent;

    public String trigger;

    public String status;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "duration_ms")
    public Long durationMs;

    public String error;

    @Column(name = "written_epoch")
    public long writtenEpoch;
}
