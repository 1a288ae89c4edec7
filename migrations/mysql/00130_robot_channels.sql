-- +goose Up
-- Group robots (WeCom, DingTalk, Feishu) are webhooks of another kind:
-- they share the outbox, the retries and the delivery log. A robot posts
-- for one department (and, with include_sub, the departments below it)
-- and the event kinds listed in events.
ALTER TABLE webhooks
  ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'generic',
  ADD COLUMN format VARCHAR(16) NOT NULL DEFAULT '',
  ADD COLUMN department_id BIGINT NULL,
  ADD COLUMN include_sub TINYINT(1) NOT NULL DEFAULT 1,
  ADD KEY idx_webhooks_kind (kind, department_id);

-- +goose Down
ALTER TABLE webhooks
  DROP KEY idx_webhooks_kind,
  DROP COLUMN include_sub,
  DROP COLUMN department_id,
  DROP COLUMN format,
  DROP COLUMN kind;
