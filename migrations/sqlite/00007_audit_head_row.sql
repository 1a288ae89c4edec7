-- +goose Up
INSERT OR IGNORE INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DELETE FROM audit_head WHERE id = 1;
