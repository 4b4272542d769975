-- tinbox team store (PostgreSQL), version 2: coordination between running instances.
-- A running tinbox: it renews `heartbeat_at` while alive; rows of dead instances are stale.
CREATE TABLE instances (
    id           BIGSERIAL PRIMARY KEY,
    who          TEXT NOT NULL,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

-- Which instance polls an account.
CREATE TABLE leases (
    account     TEXT PRIMARY KEY,
    instance_id BIGINT NOT NULL,
    acquired_at BIGINT NOT NULL
);

-- "kim is replying": a responder has the composer open on an item.
CREATE TABLE claims (
    item_id     BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    who         TEXT NOT NULL,
    instance_id BIGINT NOT NULL,
    since       BIGINT NOT NULL,
    PRIMARY KEY (item_id, who)
);
