-- author: Pearce
-- description: Idempotency keys, so a retried Lightspeed API call is not sent twice
-- requires: 20241015_000000_initial_consignments_schema
-- risk: low
-- idempotent: true

-- sluice:up
CREATE TABLE IF NOT EXISTS api_idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    http_method TEXT NOT NULL CHECK (http_method IN ('GET', 'POST', 'PUT', 'DELETE')),
    request_payload TEXT,
    response_payload TEXT,
    status_code INTEGER,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TEXT,
    expires_at TEXT NOT NULL,
    CONSTRAINT uk_idempotency_key UNIQUE (idempotency_key)
);
CREATE INDEX IF NOT EXISTS idx_endpoint ON api_idempotency_keys (endpoint);
CREATE INDEX IF NOT EXISTS idx_expires_at ON api_idempotency_keys (expires_at);

-- sluice:down
DROP TABLE IF EXISTS api_idempotency_keys;

-- sluice:verify
-- expect: ok
INSERT INTO api_idempotency_keys (idempotency_key, endpoint, http_method, expires_at)
VALUES ('k-1', '/consignments', 'POST', datetime('now', '+7 days'));

-- The same key twice is the duplicate call this table exists to stop.
-- expect: error 23505
INSERT INTO api_idempotency_keys (idempotency_key, endpoint, http_method, expires_at)
VALUES ('k-1', '/consignments', 'POST', datetime('now', '+7 days'));

-- expect: error check_violation
INSERT INTO api_idempotency_keys (idempotency_key, endpoint, http_method, expires_at)
VALUES ('k-2', '/consignments', 'PATCH', datetime('now', '+7 days'));
