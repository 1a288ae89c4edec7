-- +goose Up
CREATE TABLE IF NOT EXISTS rule_sets (
  version BIGINT NOT NULL PRIMARY KEY,
  effective_from CHAR(7) NOT NULL,
  rules MEDIUMTEXT NOT NULL,
  note VARCHAR(500) NOT NULL DEFAULT '',
  created_by BIGINT NULL,
  created_at DATETIME(3) NOT NULL,
  KEY idx_rule_sets_effective (effective_from, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS rule_sets;
