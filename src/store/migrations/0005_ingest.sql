-- tinbox schema, version 5: the store writes an item's search index row itself, right after
-- the item (see `store::sqlite::tx`), instead of a trigger. A statement that fires a trigger
-- (or has RETURNING, itself a trigger) needs a statement journal, and opening one makes
-- FTS5 write its pending terms out as a new segment: a segment per item, merged over and
-- over. Updates and deletes keep their triggers (they are rare).
DROP TRIGGER items_fts_insert;
