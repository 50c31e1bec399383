DROP TYPE order_state;
