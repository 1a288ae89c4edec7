package config

import (
	"strings"
	"testing"
	"time"
)

func TestReadReplicaSettings(t *testing.T) {
	primary := "mysql://u:p@tcp(db:3306)/firstask"
	cfg, _, err := Load("t", []string{"--db-read", "mysql://r:p@tcp(replica1:3306)/firstask, mysql://r:p@tcp(replica2:3306)/firstask"},
		env(map[string]string{"FIRSTASK_DB": primary, "FIRSTASK_DB_READ_MAX_LAG": "3s"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.ReadDSNs) != 2 || !strings.Contains(cfg.ReadDSNs[0], "tcp(replica1:3306)/firstask") ||
		!strings.Contains(cfg.ReadDSNs[1], "tcp(replica2:3306)/firstask") || !strings.Contains(cfg.ReadDSNs[1], "parseTime=true") {
		t.Fatalf("read DSNs: %q", cfg.ReadDSNs)
	}
	if cfg.ReadMaxLag != 3*time.Second {
		t.Fatalf("max lag %s", cfg.ReadMaxLag)
	}
	if cfg, _, err = Load("t", nil, env(map[string]string{"FIRSTASK_DB": primary})); err != nil || cfg.ReadDSNs != nil || cfg.ReadMaxLag != 5*time.Second {
		t.Fatalf("no replicas by default: %q %s %v", cfg.ReadDSNs, cfg.ReadMaxLag, err)
	}
	for _, c := range []struct{ env map[string]string }{
		{map[string]string{"FIRSTASK_DB_READ": "mysql://r:p@tcp(replica:3306)/firstask"}}, // SQLite primary
		{map[string]string{"FIRSTASK_DB": "sqlite:/tmp/x.db", "FIRSTASK_DB_READ": "mysql://r:p@tcp(replica:3306)/firstask"}},
		{map[string]string{"FIRSTASK_DB": primary, "FIRSTASK_DB_READ": "sqlite:/tmp/copy.db"}},
		{map[string]string{"FIRSTASK_DB": primary, "FIRSTASK_DB_READ": "mysql://r:p@tcp(replica:3306)/"}},
		{map[string]string{"FIRSTASK_DB": primary, "FIRSTASK_DB_READ": "mysql://r:p@tcp(replica:3306)/firstask,"}},
		{map[string]string{"FIRSTASK_DB": primary, "FIRSTASK_DB_READ_MAX_LAG": "0s"}},
	} {
		_, _, err := Load("t", nil, env(c.env))
		if err == nil || !strings.Contains(err.Error(), "FIRSTASK_DB_READ") {
			t.Errorf("%v: want a FIRSTASK_DB_READ error, got %v", c.env, err)
		}
	}
	_, _, err = Load("t", nil, env(map[string]string{"FIRSTASK_DB_READ": "mysql://r:p@tcp(replica:3306)/firstask"}))
	if !strings.Contains(err.Error(), "SQLite") {
		t.Fatalf("the SQLite refusal should say why: %v", err)
	}
}
