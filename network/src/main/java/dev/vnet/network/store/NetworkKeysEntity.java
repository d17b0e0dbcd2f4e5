package dev.vnet.network.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single row of {@code network_keys}: the key session tickets derive from (docs/SECURITY.md). Never logged. */
@Entity
@Table(name = "network_keys")
public class NetworkKeysEntity extends PanacheEntityBase {

    @Id
    public short id;

    @Column(name = "session_ticket_key")
    public byte[] sessionTicketKey;
}
