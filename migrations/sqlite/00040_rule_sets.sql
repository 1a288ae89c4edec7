-- +goose Up
CREATE TABLE IF NOT EXISTS rule_sets (
  version INTEGER NOT NULL PRIMARY KEY,
  effective_from TEXT NOT NULL,
  rules TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by INTEGER NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rule_sets_effective ON rule_sets (effective_from, version);

-- +goose Down
DROP TABLE IF EXISTS rule_sets;
