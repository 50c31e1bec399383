-- author: Bakery team
-- description: Work-queue locking for robust retries
-- requires: M3_inventory_bom
-- risk: low

-- sluice:up
ALTER TABLE work_queue ADD COLUMN locked_by text, ADD COLUMN locked_at timestamptz;
-- sluice:allow create-index-not-concurrent work_queue is created by M3 of the same release; the bakery applies M0-M9 together, so it is empty here
CREATE INDEX idx_work_queue_locked ON work_queue (locked_at) WHERE locked_by IS NOT NULL;

-- sluice:down
DROP INDEX IF EXISTS idx_work_queue_locked;
ALTER TABLE work_queue DROP COLUMN IF EXISTS locked_at, DROP COLUMN IF EXISTS locked_by;

-- sluice:verify
-- expect: rows 2
SELECT column_name FROM information_schema.columns WHERE table_name = 'work_queue' AND column_name IN ('locked_by', 'locked_at');
