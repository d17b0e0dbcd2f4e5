-- vnet's store: what must outlive a coordinator. Released migrations are never edited; add V2, V3...
--
-- Every table carries written_epoch: the leader epoch of the coordinator that wrote the row. Writes are fenced by
-- coordinator_leader.epoch (a writer whose epoch is no longer current writes nothing), and written_epoch lets an
-- operator see which leader wrote what.

CREATE TABLE coordinator_leader (
    id          SMALLINT     PRIMARY KEY CHECK (id = 1),
    epoch       BIGINT       NOT NULL,
    holder      TEXT         NOT NULL,
    endpoint    TEXT         NOT NULL,
    since       TIMESTAMPTZ  NOT NULL,
    renewed_at  TIMESTAMPTZ  NOT NULL
);
INSERT INTO coordinator_leader (id, epoch, holder, endpoint, since, renewed_at) VALUES (1, 0, '', '', now(), now());

CREATE TABLE agents (
    id             TEXT         PRIMARY KEY,
    instance_id    TEXT         NOT NULL,
    endpoint       TEXT         NOT NULL,
    cluster        TEXT         NOT NULL DEFAULT '',
    labels         TEXT[]       NOT NULL DEFAULT '{}',
    kinds          TEXT[]       NOT NULL DEFAULT '{}',
    capacity       JSONB        NOT NULL DEFAULT '{}',
    first_seen     TIMESTAMPTZ  NOT NULL,
    last_seen      TIMESTAMPTZ  NOT NULL,
    written_epoch  BIGINT       NOT NULL
);

CREATE TABLE node_health (
    agent_id        TEXT         PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    status          TEXT         NOT NULL CHECK (status IN ('healthy', 'unhealthy', 'draining')),
    last_heartbeat  TIMESTAMPTZ  NOT NULL,
    capacity        JSONB        NOT NULL DEFAULT '{}',
    load            JSONB        NOT NULL DEFAULT '{}',
    updated_at      TIMESTAMPTZ  NOT NULL,
    written_epoch   BIGINT       NOT NULL
);

CREATE TABLE containers (
    uuid               TEXT         PRIMARY KEY,
    kind               TEXT         NOT NULL,
    type               TEXT         NOT NULL CHECK (type IN ('standard', 'stateless', 'ha')),
    labels             TEXT[]       NOT NULL DEFAULT '{}',
    spec               BYTEA        NOT NULL DEFAULT ''::bytea,
    spec_content_type  TEXT         NOT NULL DEFAULT '',
    resources          JSONB        NOT NULL DEFAULT '{}',
    agent_id           TEXT,
    epoch              BIGINT       NOT NULL,
    migration_status   TEXT         NOT NULL DEFAULT 'idle'
                                    CHECK (migration_status IN ('idle', 'migrating', 'completed', 'failed')),
    preferred_cluster  TEXT         NOT NULL DEFAULT '',
    last_migration_at  TIMESTAMPTZ,
    created_at         TIMESTAMPTZ  NOT NULL,
    updated_at         TIMESTAMPTZ  NOT NULL,
    written_epoch      BIGINT       NOT NULL
);
CREATE INDEX containers_agent ON containers (agent_id);
CREATE INDEX containers_kind ON containers (kind);

CREATE TABLE container_migration_history (
    id              BIGSERIAL    PRIMARY KEY,
    container_uuid  TEXT         NOT NULL,
    from_agent      TEXT,
    to_agent        TEXT,
    trigger         TEXT         NOT NULL CHECK (trigger IN ('automatic', 'manual', 'drain')),
    status          TEXT         NOT NULL CHECK (status IN ('migrating', 'completed', 'failed')),
    started_at      TIMESTAMPTZ  NOT NULL,
    finished_at     TIMESTAMPTZ,
    duration_ms     BIGINT,
    error           TEXT,
    written_epoch   BIGINT       NOT NULL
);
CREATE INDEX container_migration_history_container ON container_migration_history (container_uuid, started_at);
