-- author: Pearce
-- description: Sample transfers for local development (dev only)
-- requires: 20241015_000000_initial_consignments_schema
-- environments: dev
-- risk: low

-- sluice:up
INSERT INTO transfers (id, outlet_from, outlet_to, status) VALUES
    (1, 10, 20, 'draft'),
    (2, 10, 30, 'sent'),
    (3, 20, 30, 'received');
INSERT INTO transfer_items (transfer_id, product_id, qty_requested) VALUES
    (1, 'SKU-001', 5),
    (1, 'SKU-002', 2),
    (2, 'SKU-003', 12);

-- sluice:down
DELETE FROM transfer_items WHERE transfer_id IN (1, 2, 3);
DELETE FROM transfers WHERE id IN (1, 2, 3);

-- sluice:verify
-- expect: rows >= 3
SELECT * FROM transfers;

-- expect: error check_violation
INSERT INTO transfer_items (transfer_id, product_id, qty_requested) VALUES (1, 'SKU-009', 0);
