-- author: Pearce
-- description: Log every transfer status change in status_transition_log
-- requires: 20251101_030000_add_status_map_tables
-- risk: medium

-- sluice:up
CREATE TRIGGER trg_transfers_status_log
AFTER UPDATE OF status ON transfers
FOR EACH ROW
WHEN OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO status_transition_log (transfer_id, from_status, to_status, is_allowed, changed_by, context_data)
    VALUES (
        NEW.id,
        OLD.status,
        NEW.status,
        CASE WHEN EXISTS (SELECT 1 FROM consignment_status_map WHERE internal_status = NEW.status) THEN 1 ELSE 0 END,
        0,
        json_object('source', 'trigger')
    );
END;

-- sluice:down
DROP TRIGGER IF EXISTS trg_transfers_status_log;

-- sluice:verify
-- expect: ok
INSERT INTO transfers (id, outlet_from, outlet_to, status) VALUES (900001, 1, 2, 'draft');

-- expect: ok
UPDATE transfers SET status = 'sent' WHERE id = 900001;

-- expect: value 1
SELECT is_allowed FROM status_transition_log WHERE transfer_id = 900001 AND to_status = 'sent';

-- expect: rows 1
SELECT * FROM status_transition_log WHERE transfer_id = 900001;
