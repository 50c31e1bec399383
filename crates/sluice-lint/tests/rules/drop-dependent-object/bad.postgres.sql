DROP FUNCTION complete_order(uuid);
