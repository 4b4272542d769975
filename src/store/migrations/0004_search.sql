-- tinbox schema, version 4: filters and search run in the database, and the inbox's lists are
-- index range scans in list order (newest first), never a sort of the whole table.

-- The words an item is found by (see `store::search`): written on ingest, filled below for
-- the rows already stored.
ALTER TABLE items ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

-- The inbox (open items), newest first. The list query writes this very status list.
CREATE INDEX items_open ON items (created_at, id)
    WHERE status IN ('new', 'pending', 'snoozed', 'follow_up');
-- Every item (with the closed ones), newest first.
CREATE INDEX items_created ON items (created_at, id);
-- An answer to one of our replies finds its thread.
CREATE INDEX thread_entries_remote ON thread_entries (account, remote_id);

-- The search index: each space-separated word of `search_text` is one token, as stored
-- (the column is already lowercase words; `ascii` splits at spaces and keeps every other
-- character). Only which items hold a word is kept (detail=none, no lengths): prefix
-- queries need no more.
CREATE VIRTUAL TABLE items_fts USING fts5(
    search_text, content = 'items', content_rowid = 'id', tokenize = 'ascii', detail = 'none',
    columnsize = 0
);
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

-- @fill search_text

-- The index of what the fill wrote, then the trigger that keeps it when a text changes (after
-- the fill, which would otherwise remove words never indexed).
INSERT INTO items_fts (items_fts) VALUES ('rebuild');
CREATE TRIGGER items_fts_update AFTER UPDATE OF search_text ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO items_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
