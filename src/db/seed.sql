-- Deterministic demo catalog for local development: 1,000 products SKU-00001 .. SKU-01000.
-- Safe to run again: existing ids are left as they are (INSERT OR IGNORE), nothing is duplicated.
-- Every 100th product is inactive, so the "unknown or inactive" paths can be tried by hand.
WITH RECURSIVE
  n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000),
  adjective(k, word) AS (
    VALUES (0, 'Classic'), (1, 'Compact'), (2, 'Deluxe'), (3, 'Eco'), (4, 'Heavy-Duty'),
           (5, 'Mini'), (6, 'Pro'), (7, 'Rugged'), (8, 'Smart'), (9, 'Ultra')
  ),
  noun(k, word) AS (
    VALUES (0, 'Backpack'), (1, 'Blender'), (2, 'Desk Lamp'), (3, 'Headphones'), (4, 'Kettle'),
           (5, 'Mug'), (6, 'Notebook'), (7, 'Sneakers'), (8, 'Thermos'), (9, 'Umbrella'),
           (10, 'Water Bottle'), (11, 'Wool Socks'), (12, 'Yoga Mat'), (13, 'Toaster'),
           (14, 'Speaker'), (15, 'Frying Pan'), (16, 'Scarf'), (17, 'Charger'), (18, 'Jacket'),
           (19, 'Watch')
  )
INSERT OR IGNORE INTO products (id, name, price_cents, stock, active, updated_at)
SELECT
  printf('SKU-%05d', n.i),
  adjective.word || ' ' || noun.word || ' #' || n.i,
  99 + (n.i * 7919) % 19900,
  25 + (n.i * 104729) % 976,
  CASE WHEN n.i % 100 = 0 THEN 0 ELSE 1 END,
  '2026-01-01T00:00:00.000Z'
FROM n
JOIN adjective ON adjective.k = n.i % 10
JOIN noun ON noun.k = (n.i / 10) % 20;
