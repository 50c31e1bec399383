UPDATE orders SET region = 'eu' WHERE region IS NULL;
