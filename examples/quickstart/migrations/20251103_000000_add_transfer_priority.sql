-- author: Ana
-- description: Transfer priority for the work queue, indexed with the status it is read with
-- requires: 20251101_030000_add_status_map_tables
-- risk: low

-- sluice:up
ALTER TABLE transfers ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_transfers_queue ON transfers (status, priority DESC);

-- sluice:down
DROP INDEX IF EXISTS idx_transfers_queue;
ALTER TABLE transfers DROP COLUMN priority;

-- sluice:verify
-- expect: value 0
SELECT dflt_value FROM pragma_table_info('transfers') WHERE name = 'priority';

-- expect: nonempty
SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'idx_transfers_queue';

-- The work queue reads transfers by status, highest priority first: the index must serve it.
-- expect: uses-index idx_transfers_queue
SELECT id FROM transfers WHERE status = 'sent' ORDER BY priority DESC;
