COMMENT ON TABLE carts IS 'owned by the carts service';
