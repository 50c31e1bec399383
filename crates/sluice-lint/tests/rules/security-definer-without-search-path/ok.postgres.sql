CREATE FUNCTION complete_order(id uuid) RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = ''
AS $$ UPDATE public.orders SET done = true WHERE orders.id = complete_order.id $$;
