-- Write-time price guard. An order line may only be written at the product's current price in
-- D1, and only for an active product. The KV price cache is eventually consistent; this trigger
-- is what makes it an accelerator and never the authority: a stale line aborts the whole order
-- batch (order, lines, stock decrements, idempotency record) and the Worker re-prices from D1.
CREATE TRIGGER `order_lines_price_guard`
BEFORE INSERT ON `order_lines`
FOR EACH ROW
WHEN NOT EXISTS (
  SELECT 1 FROM `products` p
  WHERE p.`id` = NEW.`product_id` AND p.`active` = 1 AND p.`price_cents` = NEW.`unit_price_cents`
)
BEGIN
  SELECT RAISE(ABORT, 'price_changed');
END;
