-- author: AI Development Agent
-- description: Canonical status mapping (CIS <-> Lightspeed) and the status transition audit log
-- requires: 20241015_000000_initial_consignments_schema
-- risk: low
-- idempotent: true

-- sluice:up
-- Status mapping reference table
CREATE TABLE IF NOT EXISTS consignment_status_map (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    internal_status VARCHAR(50) NOT NULL COMMENT 'CIS internal status',
    lightspeed_status VARCHAR(50) NOT NULL COMMENT 'Lightspeed API status',
    direction ENUM('to_ls', 'from_ls', 'both') NOT NULL DEFAULT 'both',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    notes TEXT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    UNIQUE KEY uk_internal_status (internal_status),
    INDEX idx_ls_status (lightspeed_status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
COMMENT='Canonical mapping between CIS and Lightspeed consignment statuses';

-- Status transition audit log
CREATE TABLE IF NOT EXISTS status_transition_log (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    transfer_id INT UNSIGNED NOT NULL,
    consignment_id VARCHAR(100) NULL COMMENT 'Lightspeed consignment ID',
    from_status VARCHAR(50) NOT NULL,
    to_status VARCHAR(50) NOT NULL,
    is_allowed BOOLEAN NOT NULL COMMENT 'Was this transition valid per policy?',
    validation_error TEXT NULL COMMENT 'Error message if transition blocked',
    changed_by INT UNSIGNED NOT NULL COMMENT 'User ID who initiated change',
    changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    context_data JSON NULL COMMENT 'Additional metadata about the change',
    request_id VARCHAR(100) NULL COMMENT 'Correlation ID for tracing',
    INDEX idx_transfer_id (transfer_id),
    INDEX idx_consignment_id (consignment_id),
    INDEX idx_changed_at (changed_at),
    INDEX idx_is_allowed (is_allowed)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
COMMENT='Audit trail for all status transitions with validation results';

-- Populate initial status mappings
INSERT INTO consignment_status_map (internal_status, lightspeed_status, direction, notes) VALUES
('draft', 'OPEN', 'both', 'Initial state, editable in CIS'),
('sent', 'SENT', 'both', 'Consignment sent to destination'),
('receiving', 'DISPATCHED', 'both', 'Partially received, in progress'),
('received', 'RECEIVED', 'both', 'Fully received, pending finalization'),
('completed', 'RECEIVED', 'to_ls', 'Finalized in CIS, maps to RECEIVED in LS'),
('cancelled', 'CANCELLED', 'both', 'Cancelled at any stage')
ON DUPLICATE KEY UPDATE
    lightspeed_status = VALUES(lightspeed_status),
    notes = VALUES(notes),
    updated_at = CURRENT_TIMESTAMP;

-- sluice:down
DROP TABLE IF EXISTS status_transition_log;
DROP TABLE IF EXISTS consignment_status_map;

-- sluice:verify
-- Verify tables created: the two new ones and the baseline's transfer_status_log.
-- expect: rows 3
SHOW TABLES LIKE '%status%';

-- Verify initial data loaded: six mappings.
-- expect: rows 6
SELECT * FROM consignment_status_map;

-- expect: value 'RECEIVED'
SELECT lightspeed_status FROM consignment_status_map WHERE internal_status = 'completed';

-- Negative test: a second mapping for the same internal status is refused.
-- expect: error unique_violation
INSERT INTO consignment_status_map (internal_status, lightspeed_status) VALUES ('draft', 'OPEN');

-- Verify indexes (the seed: SHOW INDEX FROM status_transition_log).
-- expect: value 4
SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'status_transition_log'
  AND INDEX_NAME IN ('idx_transfer_id', 'idx_consignment_id', 'idx_changed_at', 'idx_is_allowed');
