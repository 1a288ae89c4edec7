-- +goose Up
-- The digits of a visitor's phone as stored (canonical form without the
-- extension, the area code's dash or E.164's plus), computed by the
-- database so that no writer can forget it, and indexed: a search by the
-- start of a number ("13800") reads an index range instead of every
-- inquiry's summary (docs/performance.md).
ALTER TABLE inquiries ADD COLUMN visitor_phone_digits TEXT GENERATED ALWAYS AS (
  REPLACE(REPLACE(CASE WHEN INSTR(visitor_phone, '转') > 0 THEN SUBSTR(visitor_phone, 1, INSTR(visitor_phone, '转') - 1) ELSE visitor_phone END, '-', ''), '+', '')
) VIRTUAL;
CREATE INDEX IF NOT EXISTS idx_inquiries_phone_digits ON inquiries (visitor_phone_digits, received_at);

-- +goose Down
DROP INDEX IF EXISTS idx_inquiries_phone_digits;
ALTER TABLE inquiries DROP COLUMN visitor_phone_digits;
