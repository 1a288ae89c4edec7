-- +goose Up
CREATE TABLE IF NOT EXISTS period_results (
  month TEXT NOT NULL,
  staff_id INTEGER NOT NULL,
  employee_no TEXT NOT NULL,
  name TEXT NOT NULL,
  department_id INTEGER NOT NULL,
  department_name TEXT NOT NULL,
  base REAL NOT NULL,
  base_uploaded INTEGER NOT NULL,
  deductions REAL NOT NULL,
  praise_raw REAL NOT NULL,
  praise REAL NOT NULL,
  corrections REAL NOT NULL,
  additions REAL NOT NULL,
  final REAL NOT NULL,
  grade TEXT NOT NULL,
  grade_vetoed INTEGER NOT NULL,
  highest_sanction TEXT NOT NULL,
  bonus_deduction_percent REAL NOT NULL,
  violation_count INTEGER NOT NULL,
  praise_count INTEGER NOT NULL,
  correction_count INTEGER NOT NULL,
  items TEXT NOT NULL,
  rule_version INTEGER NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (month, staff_id)
);
CREATE INDEX IF NOT EXISTS idx_period_results_order ON period_results (month, employee_no);
CREATE INDEX IF NOT EXISTS idx_period_results_department ON period_results (month, department_id);

-- +goose Down
DROP TABLE IF EXISTS period_results;
