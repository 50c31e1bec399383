-- author: Legacy Team
-- description: Initial schema for the consignments module (baseline, applied in production since October 2024)
-- risk: low
-- irreversible: true
-- tags: baseline

-- sluice:up
CREATE TABLE transfers (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    outlet_from INT UNSIGNED NOT NULL,
    outlet_to INT UNSIGNED NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'draft',
    created_by INT UNSIGNED NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    INDEX idx_transfers_status (status),
    INDEX idx_transfers_outlets (outlet_from, outlet_to)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE transfer_items (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    transfer_id INT UNSIGNED NOT NULL,
    product_id VARCHAR(100) NOT NULL,
    qty_requested INT UNSIGNED NOT NULL,
    qty_received INT UNSIGNED NULL,
    CONSTRAINT fk_transfer_items_transfer FOREIGN KEY (transfer_id) REFERENCES transfers (id) ON DELETE CASCADE,
    CONSTRAINT chk_transfer_items_qty CHECK (qty_requested > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE transfer_status_log (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    transfer_id INT UNSIGNED NOT NULL,
    status VARCHAR(50) NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    INDEX idx_tsl_transfer (transfer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE transfer_audit_log (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    transfer_id INT UNSIGNED NOT NULL,
    action VARCHAR(100) NOT NULL,
    actor_id INT UNSIGNED NULL,
    details JSON NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    INDEX idx_tal_transfer (transfer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE vend_consignments (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    transfer_id INT UNSIGNED NULL,
    lightspeed_id VARCHAR(100) NULL,
    status VARCHAR(50) NOT NULL,
    UNIQUE KEY uk_vend_consignments_ls (lightspeed_id),
    CONSTRAINT fk_vend_consignments_transfer FOREIGN KEY (transfer_id) REFERENCES transfers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE vend_consignment_line_items (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    consignment_id INT UNSIGNED NOT NULL,
    product_id VARCHAR(100) NOT NULL,
    count INT NOT NULL,
    received INT NULL,
    CONSTRAINT fk_vcli_consignment FOREIGN KEY (consignment_id) REFERENCES vend_consignments (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE queue_consignments (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    transfer_id INT UNSIGNED NOT NULL,
    state VARCHAR(30) NOT NULL DEFAULT 'queued',
    attempts INT UNSIGNED NOT NULL DEFAULT 0,
    queued_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    INDEX idx_qc_state (state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE queue_consignment_products (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    queue_consignment_id INT UNSIGNED NOT NULL,
    product_id VARCHAR(100) NOT NULL,
    qty INT NOT NULL,
    CONSTRAINT fk_qcp_queue FOREIGN KEY (queue_consignment_id) REFERENCES queue_consignments (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE queue_jobs (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    job_type VARCHAR(100) NOT NULL,
    payload JSON NULL,
    state ENUM('pending', 'running', 'done', 'failed') NOT NULL DEFAULT 'pending',
    run_after TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    INDEX idx_queue_jobs_state (state, run_after)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE queue_webhook_events (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    event_type VARCHAR(100) NOT NULL,
    payload JSON NOT NULL,
    received_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    processed_at TIMESTAMP NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- sluice:verify
-- The ten tables of the baseline exist.
-- expect: value 10
SELECT COUNT(*) FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (
    'vend_consignments', 'vend_consignment_line_items', 'transfers', 'transfer_items',
    'transfer_status_log', 'transfer_audit_log', 'queue_consignments',
    'queue_consignment_products', 'queue_jobs', 'queue_webhook_events');
