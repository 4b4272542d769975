-- tinbox team store (PostgreSQL), version 3: canned replies shared by the team.
CREATE TABLE templates (
    name       TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
