-- tinbox schema, version 3: offline follow-ups with case numbers.
CREATE TABLE followups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id     INTEGER NOT NULL REFERENCES items (id),
    case_number TEXT NOT NULL UNIQUE,
    method      TEXT NOT NULL,                 -- phone | email | dm | in-person | other
    contact     TEXT,
    due_at      INTEGER,
    assignee    TEXT,
    note        TEXT,
    outcome     TEXT,                          -- set when closed
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE INDEX followups_open ON followups (closed_at, due_at);
CREATE INDEX followups_item ON followups (item_id);

-- Named counters (the case-number sequence).
CREATE TABLE sequences (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
