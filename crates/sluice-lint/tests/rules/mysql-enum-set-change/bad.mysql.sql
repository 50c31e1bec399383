ALTER TABLE orders MODIFY status ENUM('new', 'held', 'paid');
