package dev.vnet.network.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The single row of {@code coordinator_leader}: who leads, with which fencing epoch, since when. */
@Entity
@Table(name = "coordinator_leader")
public class LeaderEntity extends PanacheEntityBase {

    @Id
    public short id;

    public long epoch;

    public String holder;

    public String endpoint;

    public Instant since;

    /** Where the leader's console is (docs/CONSOLE.md); empty when it recorded none. */
    @Column(name = "console_url")
    public String consoleUrl;

    @Column(name = "renewed_at")
    public Instant renewedAt;
}
