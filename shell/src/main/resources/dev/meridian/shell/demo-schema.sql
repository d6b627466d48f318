-- The demo's sample schema: customers in three regions, products, and their orders.
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, region VARCHAR(20) NOT NULL, signed_up DATE);
CREATE INDEX customers_by_region ON customers (region) STORING (name);
CREATE TABLE products (sku VARCHAR(12) PRIMARY KEY, title VARCHAR(60) NOT NULL, price DECIMAL(10, 2) NOT NULL);
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, sku VARCHAR(12) NOT NULL, quantity INT NOT NULL, placed TIMESTAMP NOT NULL);
CREATE INDEX orders_by_customer ON orders (customer_id);
INSERT INTO customers VALUES (1, 'Ada Lovelace', 'eu-west', DATE '2024-01-15'), (2, 'Grace Hopper', 'us-east', DATE '2024-02-03'), (3, 'Edsger Dijkstra', 'eu-west', DATE '2024-03-21'), (4, 'Barbara Liskov', 'us-west', DATE '2024-05-09'), (5, 'Leslie Lamport', 'us-west', DATE '2024-06-30');
INSERT INTO products VALUES ('KB-01', 'Mechanical keyboard', 89.00), ('MS-02', 'Trackball', 49.50), ('MN-27', '27 inch monitor', 299.99), ('CB-10', 'USB-C cable', 9.90);
INSERT INTO orders VALUES (1001, 1, 'KB-01', 1, TIMESTAMP '2024-07-01 09:30:00'), (1002, 1, 'CB-10', 3, TIMESTAMP '2024-07-01 09:31:00'), (1003, 2, 'MN-27', 2, TIMESTAMP '2024-07-02 14:00:00'), (1004, 3, 'MS-02', 1, TIMESTAMP '2024-07-03 11:15:00'), (1005, 4, 'KB-01', 1, TIMESTAMP '2024-07-04 16:45:00'), (1006, 5, 'MN-27', 1, TIMESTAMP '2024-07-05 08:05:00'), (1007, 5, 'CB-10', 2, TIMESTAMP '2024-07-05 08:06:00');
