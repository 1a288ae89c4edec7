-- +goose Up
CREATE TABLE IF NOT EXISTS period_results (
  month CHAR(7) NOT NULL,
  staff_id BIGINT NOT NULL,
  employee_no VARCHAR(32) NOT NULL,
  name VARCHAR(64) NOT NULL,
  department_id BIGINT NOT NULL,
  department_name VARCHAR(100) NOT NULL,
  base DECIMAL(10,2) NOT NULL,
  base_uploaded TINYINT(1) NOT NULL,
  deductions DECIMAL(10,2) NOT NULL,
  praise_raw DECIMAL(10,2) NOT NULL,
  praise DECIMAL(10,2) NOT NULL,
  corrections DECIMAL(10,2) NOT NULL,
  additions DECIMAL(10,2) NOT NULL,
  final DECIMAL(10,2) NOT NULL,
  grade CHAR(1) NOT NULL,
  grade_vetoed TINYINT(1) NOT NULL,
  highest_sanction VARCHAR(24) NOT NULL,
  bonus_deduction_percent DECIMAL(6,2) NOT NULL,
  violation_count INT NOT NULL,
  praise_count INT NOT NULL,
  correction_count INT NOT NULL,
  items MEDIUMTEXT NOT NULL,
  rule_version BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (month, staff_id),
  KEY idx_period_results_order (month, employee_no),
  KEY idx_period_results_department (month, department_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS period_results;
