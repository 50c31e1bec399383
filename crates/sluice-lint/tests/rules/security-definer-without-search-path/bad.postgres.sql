CREATE FUNCTION complete_order(id uuid) RETURNS void LANGUAGE sql SECURITY DEFINER
AS $$ UPDATE orders SET done = true WHERE orders.id = complete_order.id $$;
