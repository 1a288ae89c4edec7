-- +goose Up
-- The digits of a visitor's phone as stored (canonical form without the
-- extension, the area code's dash or E.164's plus), computed by the
-- database so that no writer can forget it, and indexed: a search by the
-- start of a number ("13800") reads an index range instead of every
-- inquiry's summary (docs/performance.md).
ALTER TABLE inquiries
  ADD COLUMN visitor_phone_digits VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
    AS (REPLACE(REPLACE(SUBSTRING_INDEX(visitor_phone, '转', 1), '-', ''), '+', '')) VIRTUAL,
  ADD KEY idx_inquiries_phone_digits (visitor_phone_digits, received_at);

-- +goose Down
ALTER TABLE inquiries DROP KEY idx_inquiries_phone_digits, DROP COLUMN visitor_phone_digits;
