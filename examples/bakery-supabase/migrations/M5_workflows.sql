-- author: Bakery team
-- description: The RPC surface: SECURITY DEFINER functions are the only write path
-- requires: M0_core, M3_inventory_bom
-- risk: medium

-- sluice:up
CREATE OR REPLACE FUNCTION complete_filling(p_store text, p_order_id text, p_staff uuid)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF p_store = 'bannos' THEN
        UPDATE orders_bannos SET stage = 'Covering' WHERE id = p_order_id AND stage = 'Filling';
    ELSIF p_store = 'flourlane' THEN
        UPDATE orders_flourlane SET stage = 'Covering' WHERE id = p_order_id AND stage = 'Filling';
    ELSE
        RAISE EXCEPTION 'unknown store %', p_store USING ERRCODE = '22023';
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'order % is not in Filling', p_order_id USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO stage_events (store, order_id, from_stage, to_stage, staff_id)
    VALUES (p_store, p_order_id, 'Filling', 'Covering', p_staff);
END;
$$;

CREATE OR REPLACE FUNCTION assign_staff(p_store text, p_order_id text, p_staff uuid)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    EXECUTE format('UPDATE %I SET assignee_id = $1 WHERE id = $2', 'orders_' || p_store) USING p_staff, p_order_id;
END;
$$;

CREATE OR REPLACE FUNCTION get_unassigned_counts()
RETURNS TABLE (store text, unassigned bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT 'bannos', count(*) FROM orders_bannos WHERE assignee_id IS NULL AND stage <> 'Complete'
    UNION ALL
    SELECT 'flourlane', count(*) FROM orders_flourlane WHERE assignee_id IS NULL AND stage <> 'Complete';
$$;

REVOKE ALL ON FUNCTION complete_filling(text, text, uuid), assign_staff(text, text, uuid), get_unassigned_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION complete_filling(text, text, uuid), assign_staff(text, text, uuid), get_unassigned_counts() TO authenticated;

-- sluice:down
DROP FUNCTION IF EXISTS get_unassigned_counts();
DROP FUNCTION IF EXISTS assign_staff(text, text, uuid);
DROP FUNCTION IF EXISTS complete_filling(text, text, uuid);

-- sluice:verify
-- expect: rows 3
SELECT proname FROM pg_proc WHERE proname IN ('complete_filling', 'assign_staff', 'get_unassigned_counts') AND prosecdef;

-- expect: ok
INSERT INTO orders_bannos (id) VALUES ('B-RPC-1');

-- expect: ok
SELECT complete_filling('bannos', 'B-RPC-1', NULL);

-- expect: value 'Covering'
SELECT stage::text FROM orders_bannos WHERE id = 'B-RPC-1';

-- Completing Filling twice is refused by the RPC.
-- expect: error P0002
SELECT complete_filling('bannos', 'B-RPC-1', NULL);

-- expect: nonempty
SELECT * FROM get_unassigned_counts();
