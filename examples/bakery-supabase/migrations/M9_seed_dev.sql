-- author: Bakery team
-- description: Dev seed: minimal staff, two inventory items, one fake order per store (never in staging or prod)
-- requires: M0_core, M3_inventory_bom
-- environments: dev
-- risk: low

-- sluice:up
INSERT INTO staff_shared (id, full_name, role) VALUES
    ('00000000-0000-0000-0000-000000000001', 'Dev Admin', 'admin'),
    ('00000000-0000-0000-0000-000000000002', 'Dev Baker', 'staff');
INSERT INTO inventory_items (sku, title, uom, ats) VALUES
    ('FLOUR-25KG', 'Flour 25 kg', 'bag', 10),
    ('BOX-10IN', 'Cake box 10"', 'each', 200);
INSERT INTO orders_bannos (id, order_json, total) VALUES ('B-DEV-1', '{"cake": "sponge"}', 45.00);
INSERT INTO orders_flourlane (id, order_json, total) VALUES ('F-DEV-1', '{"cake": "carrot"}', 52.50);

-- sluice:down
DELETE FROM orders_flourlane WHERE id = 'F-DEV-1';
DELETE FROM orders_bannos WHERE id = 'B-DEV-1';
DELETE FROM inventory_items WHERE sku IN ('FLOUR-25KG', 'BOX-10IN');
DELETE FROM staff_shared WHERE id IN ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002');

-- sluice:verify
-- expect: value 2
SELECT count(*) FROM staff_shared;

-- expect: rows 1
SELECT * FROM orders_flourlane WHERE id = 'F-DEV-1';
