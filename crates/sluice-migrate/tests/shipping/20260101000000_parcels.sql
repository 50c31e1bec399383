-- migrate:up
CREATE TABLE parcels (id bigint PRIMARY KEY, weight_g integer NOT NULL);

-- migrate:down
DROP TABLE parcels;
