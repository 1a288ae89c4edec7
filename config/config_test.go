package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	cfg, _, err := Load("t", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Driver != SQLite || !strings.HasPrefix(cfg.DSN, "file:./firstask.db?") || !strings.Contains(cfg.DSN, "_txlock=immediate") {
		t.Fatalf("default database: %s %s", cfg.Driver, cfg.DSN)
	}
	if cfg.Listen != ":8080" || cfg.TimeZone != "Asia/Shanghai" || cfg.TokenTTL != 12*time.Hour || len(cfg.TrustedProxies) != 0 || cfg.ShutdownDelay != 0 {
		t.Fatalf("defaults: %+v", cfg)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	cfg, rest, err := Load("t", []string{"--listen", ":9090", "--demo", "extra"}, env(map[string]string{
		"FIRSTASK_LISTEN": ":7070", "FIRSTASK_TOKEN_TTL": "30m", "FIRSTASK_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
		"FIRSTASK_DB": "mysql://u:p@tcp(db:3306)/firstask",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != ":9090" || cfg.TokenTTL != 30*time.Minute || !cfg.Demo || len(rest) != 1 {
		t.Fatalf("override: %+v %v", cfg, rest)
	}
	if cfg.Driver != MySQL || !strings.Contains(cfg.DSN, "parseTime=true") || !strings.Contains(cfg.DSN, "charset=utf8mb4") || !strings.Contains(cfg.DSN, "/firstask") {
		t.Fatalf("mysql dsn: %s", cfg.DSN)
	}
	if len(cfg.TrustedProxies) != 2 {
		t.Fatalf("proxies %v", cfg.TrustedProxies)
	}
}

func TestBadConfiguration(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"UnknownDriver": {map[string]string{"FIRSTASK_DB": "postgres://x"}, "unknown database driver"},
		"BadDSN":        {map[string]string{"FIRSTASK_DB": "mysql://user@nothing"}, "cannot parse the MySQL DSN"},
		"NoDatabase":    {map[string]string{"FIRSTASK_DB": "mysql://u:p@tcp(h:3306)/"}, "names no database"},
		"BadZone":       {map[string]string{"FIRSTASK_TIMEZONE": "Mars/Olympus"}, "unknown time zone"},
		"BadTTL":        {map[string]string{"FIRSTASK_TOKEN_TTL": "forever"}, "FIRSTASK_TOKEN_TTL"},
		"BadProxy":      {map[string]string{"FIRSTASK_TRUSTED_PROXIES": "not-an-ip"}, "FIRSTASK_TRUSTED_PROXIES"},
		"BadLevel":      {map[string]string{"FIRSTASK_LOG_LEVEL": "loud"}, "FIRSTASK_LOG_LEVEL"},
		"BadFormat":     {map[string]string{"FIRSTASK_LOG_FORMAT": "xml"}, "FIRSTASK_LOG_FORMAT"},
		"BadCost":       {map[string]string{"FIRSTASK_BCRYPT_COST": "3"}, "FIRSTASK_BCRYPT_COST"},
		"BadDelay":      {map[string]string{"FIRSTASK_SHUTDOWN_DELAY": "-1s"}, "FIRSTASK_SHUTDOWN_DELAY"},
		"BadBody":       {map[string]string{"FIRSTASK_MAX_BODY_BYTES": "1MB"}, "FIRSTASK_MAX_BODY_BYTES"},
		"SQLiteParams":  {map[string]string{"FIRSTASK_DB": "sqlite:x.db?mode=ro"}, "without ?parameters"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := Load("t", nil, env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line containing %q", err, tc.want)
			}
		})
	}
	if _, _, err := Load("t", []string{"--no-such-flag"}, env(nil)); err == nil {
		t.Fatal("unknown flag accepted")
	}
}
