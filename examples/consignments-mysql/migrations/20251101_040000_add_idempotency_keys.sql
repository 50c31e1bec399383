-- author: AI Development Agent
-- description: Idempotency tracking to prevent duplicate Lightspeed API calls on retry
-- requires: 20251101_030000_add_status_map_tables
-- risk: low
-- idempotent: true

-- sluice:up
-- Idempotency key tracking
CREATE TABLE IF NOT EXISTS api_idempotency_keys (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    idempotency_key VARCHAR(128) NOT NULL COMMENT 'Unique key for operation',
    endpoint VARCHAR(255) NOT NULL COMMENT 'API endpoint called',
    http_method VARCHAR(10) NOT NULL COMMENT 'GET, POST, PUT, DELETE',
    request_payload JSON NULL COMMENT 'Request body (masked PII)',
    response_payload JSON NULL COMMENT 'Response body (masked PII)',
    status_code INT UNSIGNED NULL COMMENT 'HTTP status code',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP NULL COMMENT 'When operation completed',
    expires_at TIMESTAMP NOT NULL COMMENT 'When key expires (7 days default)',
    UNIQUE KEY uk_idempotency_key (idempotency_key),
    INDEX idx_endpoint (endpoint),
    INDEX idx_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
COMMENT='Idempotency keys for preventing duplicate API operations';

-- sluice:down
DROP TABLE IF EXISTS api_idempotency_keys;

-- sluice:verify
-- The table exists with its unique key (the seed: SHOW CREATE TABLE api_idempotency_keys).
-- expect: nonempty
SHOW CREATE TABLE api_idempotency_keys;

-- expect: value 3
SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'api_idempotency_keys'
  AND INDEX_NAME IN ('uk_idempotency_key', 'idx_endpoint', 'idx_expires_at');

-- Negative test: the same idempotency key twice is refused.
-- expect: error unique_violation
INSERT INTO api_idempotency_keys (idempotency_key, endpoint, http_method, expires_at)
VALUES ('k1', '/x', 'POST', NOW()), ('k1', '/x', 'POST', NOW());
