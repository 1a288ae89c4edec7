-- +goose Up
-- A month's counted records ready made (models/scores_sqlite.go): each
-- entry holds the packed text that scoring reads, so that reading a whole
-- month is a walk of the index that builds nothing per row. The violations
-- are read in two halves by the parity of staff_id, each half one seek here. The
-- expressions must equal packedViolations and packedPraise token for token;
-- TestCountedRecordsReadPackedIndexes fails when they drift apart.
CREATE INDEX IF NOT EXISTS idx_violations_counted_packed ON violations (counted_month, staff_id % 2, state,
(id || ' ' || staff_id || ' ' || type || ' ' || severity || ' ' || COALESCE(NULLIF(sanction, ''), '-') || ' ' || state || ' ' ||
COALESCE(inquiry_id, 0) || ' ' || COALESCE(carried_over_from, '-') || ' ' || occurred_at));
CREATE INDEX IF NOT EXISTS idx_praises_counted_packed ON praises (counted_month,
(id || ' ' || staff_id || ' ' || kind || ' ' || COALESCE(inquiry_id, 0) || ' ' || COALESCE(carried_over_from, '-') || ' ' || occurred_at));

-- +goose Down
DROP INDEX IF EXISTS idx_violations_counted_packed;
DROP INDEX IF EXISTS idx_praises_counted_packed;
