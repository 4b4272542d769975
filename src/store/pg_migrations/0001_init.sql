-- tinbox team store (PostgreSQL), version 1: what the SQLite schema versions 1–3 hold, for a
-- team. Timestamps are unix seconds (UTC). `schema_version` (one row) is kept by the migrator.
CREATE TABLE accounts (
    name        TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    cursor      TEXT,
    last_sync   BIGINT,
    last_error  TEXT
);

CREATE TABLE items (
    id                BIGSERIAL PRIMARY KEY,
    account           TEXT NOT NULL,
    channel           TEXT NOT NULL,
    kind              TEXT NOT NULL,
    remote_id         TEXT NOT NULL,
    url               TEXT,
    author_handle     TEXT NOT NULL,
    author_name       TEXT NOT NULL,
    text              TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    first_seen_at     BIGINT NOT NULL,
    status            TEXT NOT NULL,
    priority          TEXT NOT NULL DEFAULT 'normal',
    tags              TEXT NOT NULL DEFAULT '[]',
    assignee          TEXT,
    thread_root       TEXT NOT NULL,
    in_reply_to       TEXT,
    visibility        TEXT NOT NULL,
    timer_target      TEXT NOT NULL,
    waiting_since     BIGINT,
    paused_secs       BIGINT NOT NULL DEFAULT 0,
    paused_since      BIGINT,
    snoozed_until     BIGINT,
    first_response_at BIGINT,
    UNIQUE (account, remote_id)
);
CREATE INDEX items_status_created ON items (status, created_at);
CREATE INDEX items_thread ON items (account, thread_root);

-- Read positions are per person: one row per (item, who) that has read it.
CREATE TABLE item_reads (
    item_id BIGINT NOT NULL REFERENCES items (id),
    who     TEXT NOT NULL,
    PRIMARY KEY (item_id, who)
);

-- Our replies (outbound) in a thread.
CREATE TABLE thread_entries (
    id            BIGSERIAL PRIMARY KEY,
    account       TEXT NOT NULL,
    thread_root   TEXT NOT NULL,
    item_id       BIGINT REFERENCES items (id),
    remote_id     TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    author_name   TEXT NOT NULL,
    text          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    outbound      BOOLEAN NOT NULL
);
CREATE INDEX thread_entries_thread ON thread_entries (account, thread_root);

CREATE TABLE history (
    id          BIGSERIAL PRIMARY KEY,
    item_id     BIGINT NOT NULL REFERENCES items (id),
    at          BIGINT NOT NULL,
    who         TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    why         TEXT NOT NULL
);
CREATE INDEX history_item ON history (item_id);

CREATE TABLE drafts (
    item_id    BIGINT PRIMARY KEY REFERENCES items (id),
    text       TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The durable outbox. `queued_by` wrote the reply; `sender_instance` is the instance that took
-- it for sending (another instance may take it over only when that one is dead).
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    item_id         BIGINT NOT NULL REFERENCES items (id),
    text            TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL,              -- queued | sending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at BIGINT NOT NULL,
    remote_id       TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    queued_by       TEXT NOT NULL,
    sender_instance BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Offline follow-ups with case numbers; at most one open follow-up per item.
CREATE TABLE followups (
    id          BIGSERIAL PRIMARY KEY,
    item_id     BIGINT NOT NULL REFERENCES items (id),
    case_number TEXT NOT NULL UNIQUE,
    method      TEXT NOT NULL,                 -- phone | email | dm | in-person | other
    contact     TEXT,
    due_at      BIGINT,
    assignee    TEXT,
    note        TEXT,
    outcome     TEXT,                          -- set when closed
    created_at  BIGINT NOT NULL,
    closed_at   BIGINT
);
CREATE INDEX followups_open ON followups (closed_at, due_at);
CREATE UNIQUE INDEX followups_one_open ON followups (item_id) WHERE closed_at IS NULL;

-- Named counters (the case-number sequence), one for the whole team.
CREATE TABLE sequences (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
