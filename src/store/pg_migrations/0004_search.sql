-- tinbox team store (PostgreSQL), version 4: filters and search run in the database, and the
-- inbox's lists are index range scans in list order (newest first), never a sort of the
-- whole table.

-- The words an item is found by (see `store::search`): written on ingest, filled below for
-- the rows already stored.
ALTER TABLE items ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

-- The inbox (open items), newest first. The list query writes this very status list.
CREATE INDEX items_open ON items (created_at DESC, id DESC)
    WHERE status IN ('new', 'pending', 'snoozed', 'follow_up');
-- One status's items, newest first (ties by id: no sort after the index).
DROP INDEX items_status_created;
CREATE INDEX items_status_created ON items (status, created_at DESC, id DESC);
-- Every item (with the closed ones), newest first.
CREATE INDEX items_created ON items (created_at DESC, id DESC);
-- An answer to one of our replies finds its thread.
CREATE INDEX thread_entries_remote ON thread_entries (account, remote_id);

-- @fill search_text

-- Trigrams make `search_text LIKE '% word%'` an index lookup. A server without pg_trgm (or
-- a role that may not create it) searches without the index: the same results, slower; the
-- migrator says so in its log.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'pg_trgm is not available (%): search works without its index', SQLERRM;
END
$$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX items_search ON items USING gin (search_text gin_trgm_ops);
    END IF;
END
$$;
