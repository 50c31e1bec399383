-- author: Ana
-- description: Work queue with dedupe keys, retries and next_retry_at (from the migration-order seed, M3)
-- requires: 20251101_040000_add_idempotency_keys
-- risk: low
-- idempotent: true

-- sluice:up
CREATE TABLE IF NOT EXISTS queue_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
    priority INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    dedupe_key TEXT NOT NULL UNIQUE,
    retries INTEGER NOT NULL DEFAULT 0,
    next_retry_at TEXT
);
CREATE INDEX IF NOT EXISTS idx_queue_jobs_pick ON queue_jobs (status, priority, next_retry_at);

-- sluice:down
DROP TABLE IF EXISTS queue_jobs;

-- sluice:verify
-- expect: ok
INSERT INTO queue_jobs (topic, payload, dedupe_key) VALUES ('sync', '{"transfer": 1}', 'sync:1');

-- expect: error unique_violation
INSERT INTO queue_jobs (topic, payload, dedupe_key) VALUES ('sync', '{"transfer": 1}', 'sync:1');

-- expect: value 'queued'
SELECT status FROM queue_jobs WHERE dedupe_key = 'sync:1';
