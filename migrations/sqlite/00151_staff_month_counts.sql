-- +goose Up
-- Per-person month counts of conduct records, kept in the same transaction
-- as the records change (models/month_counts.go): the month summary sums
-- them instead of counting a month's records one by one. A cache of
-- counts only (no points); filled here from the records.
CREATE TABLE staff_month_counts (
  month TEXT NOT NULL,
  staff_id INTEGER NOT NULL,
  counted_violations INTEGER NOT NULL DEFAULT 0,
  counted_praise INTEGER NOT NULL DEFAULT 0,
  corrections INTEGER NOT NULL DEFAULT 0,
  undecided_appeals INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, staff_id)
) WITHOUT ROWID;

INSERT INTO staff_month_counts (month, staff_id, counted_violations, counted_praise, corrections, undecided_appeals)
SELECT month, staff_id, SUM(cv), SUM(cp), SUM(co), SUM(ua) FROM (
  SELECT counted_month AS month, staff_id, 1 AS cv, 0 AS cp, 0 AS co, CASE WHEN state = 'appealed' THEN 1 ELSE 0 END AS ua
    FROM violations WHERE counted_month IS NOT NULL AND state IN ('verified', 'appealed', 'upheld')
  UNION ALL SELECT counted_month, staff_id, 0, 1, 0, 0 FROM praises
  UNION ALL SELECT correction_month, staff_id, 0, 0, 1, 0 FROM violations WHERE correction_month IS NOT NULL AND state = 'overturned'
) AS c GROUP BY month, staff_id;

-- +goose Down
DROP TABLE IF EXISTS staff_month_counts;
