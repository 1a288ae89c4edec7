-- +goose Up
INSERT INTO audit_head (id, seq, hash) SELECT 1, 0, '' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1);

-- +goose Down
DELETE FROM audit_head WHERE id = 1;
