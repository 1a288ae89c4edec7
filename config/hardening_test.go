package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHardeningSettings(t *testing.T) {
	cfg, _, err := Load("t", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HeaderTimeout != 10*time.Second || cfg.BodyTimeout != 15*time.Second || cfg.UploadTimeout != 2*time.Minute ||
		cfg.IdleTimeout != time.Minute || cfg.MaxHeaderBytes != 65536 || cfg.WebhookAllowPrivate || cfg.AuditKey != nil {
		t.Fatalf("defaults: %+v", cfg)
	}
	file := filepath.Join(t.TempDir(), "audit.key")
	key := strings.Repeat("k", 40)
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _, err = Load("t", []string{"--audit-key-file", file, "--webhook-allow-private", "true", "--body-timeout", "5s"}, env(nil))
	if err != nil || string(cfg.AuditKey) != key || !cfg.WebhookAllowPrivate || cfg.BodyTimeout != 5*time.Second {
		t.Fatalf("%+v %v", cfg, err)
	}
	for _, bad := range []map[string]string{
		{"FIRSTASK_AUDIT_KEY": "short"},
		{"FIRSTASK_AUDIT_KEY": key, "FIRSTASK_AUDIT_KEY_FILE": file},
		{"FIRSTASK_AUDIT_KEY_FILE": file + ".missing"},
		{"FIRSTASK_WEBHOOK_ALLOW_PRIVATE": "maybe"},
		{"FIRSTASK_BODY_TIMEOUT": "0s"},
		{"FIRSTASK_MAX_HEADER_BYTES": "100"},
	} {
		if _, _, err := Load("t", nil, env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
