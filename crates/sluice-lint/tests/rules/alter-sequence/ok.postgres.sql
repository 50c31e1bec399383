ALTER SEQUENCE orders_id_seq OWNED BY orders.id;
