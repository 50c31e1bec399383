DROP PROCEDURE complete_order;
