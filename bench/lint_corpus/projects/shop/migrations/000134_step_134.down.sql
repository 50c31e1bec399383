DROP TABLE orders_1;
DROP TRIGGER jobs_set_updated_at ON jobs;
