-- The network's session ticket key (docs/SECURITY.md, "Direct calls name only their own sessions"): each agent's
-- key is derived from it, and every coordinator replica reads this one row, so tickets stay good across leader
-- changes. 32 bytes from PostgreSQL's strong random source (two version-4 UUIDs, 244 random bits).
CREATE TABLE network_keys (
    id                  SMALLINT  PRIMARY KEY CHECK (id = 1),
    session_ticket_key  BYTEA     NOT NULL CHECK (length(session_ticket_key) >= 32)
);
INSERT INTO network_keys (id, session_ticket_key)
VALUES (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
