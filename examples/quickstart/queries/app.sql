-- Statements the consignments application sends (for `sluice compat --queries`).
SELECT id, outlet_from, outlet_to, status FROM transfers WHERE id = ?;
SELECT t.id, count(i.id) FROM transfers t LEFT JOIN transfer_items i ON i.transfer_id = t.id GROUP BY t.id;
INSERT INTO transfer_items (transfer_id, product_id, qty_requested) VALUES (?, ?, ?) RETURNING id;
UPDATE transfer_items SET qty_received = ? WHERE id = ?;
SELECT product_id, qty_requested, qty_received FROM transfer_items WHERE transfer_id = ?;
SELECT lightspeed_status FROM consignment_status_map WHERE internal_status = ? AND is_active = 1;
