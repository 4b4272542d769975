-- tinbox schema, version 1. Timestamps are unix seconds (UTC).
CREATE TABLE accounts (
    name        TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    cursor      TEXT,
    last_sync   INTEGER,
    last_error  TEXT
);

CREATE TABLE items (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account           TEXT NOT NULL,
    channel           TEXT NOT NULL,
    kind              TEXT NOT NULL,
    remote_id         TEXT NOT NULL,
    url               TEXT,
    author_handle     TEXT NOT NULL,
    author_name       TEXT NOT NULL,
    text              TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    first_seen_at     INTEGER NOT NULL,
    status            TEXT NOT NULL,
    priority          TEXT NOT NULL DEFAULT 'normal',
    tags              TEXT NOT NULL DEFAULT '[]',
    assignee          TEXT,
    thread_root       TEXT NOT NULL,
    in_reply_to       TEXT,
    visibility        TEXT NOT NULL,
    timer_target      TEXT NOT NULL,
    waiting_since     INTEGER,
    paused_secs       INTEGER NOT NULL DEFAULT 0,
    paused_since      INTEGER,
    snoozed_until     INTEGER,
    first_response_at INTEGER,
    read              INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, remote_id)
);
CREATE INDEX items_status_created ON items (status, created_at);
CREATE INDEX items_thread ON items (account, thread_root);

-- Our replies (outbound) in a thread.
CREATE TABLE thread_entries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account       TEXT NOT NULL,
    thread_root   TEXT NOT NULL,
    item_id       INTEGER REFERENCES items (id),
    remote_id     TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    author_name   TEXT NOT NULL,
    text          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    outbound      INTEGER NOT NULL
);
CREATE INDEX thread_entries_thread ON thread_entries (account, thread_root);

CREATE TABLE history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id     INTEGER NOT NULL REFERENCES items (id),
    at          INTEGER NOT NULL,
    who         TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    why         TEXT NOT NULL
);
CREATE INDEX history_item ON history (item_id);

CREATE TABLE drafts (
    item_id    INTEGER PRIMARY KEY REFERENCES items (id),
    text       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
