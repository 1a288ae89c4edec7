package config

import "testing"

// TestDemoListensOnLoopback: the demo accounts' passwords are public, so
// `serve --demo` listens on 127.0.0.1 unless an address is given
// explicitly (issue #11 item 19).
func TestDemoListensOnLoopback(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--demo"}, nil, "127.0.0.1:8080"},
		{[]string{"--demo", "--listen", ":9000"}, nil, ":9000"},
		{[]string{"--demo", "--listen", "0.0.0.0:8080"}, nil, "0.0.0.0:8080"},
		{[]string{"--demo"}, map[string]string{"FIRSTASK_LISTEN": ":8081"}, ":8081"},
		{nil, nil, ":8080"}, // without the demo, the default stays
	} {
		cfg, _, err := Load("t", tc.args, env(tc.env))
		if err != nil || cfg.Listen != tc.want {
			t.Errorf("%v %v: listen %q (%v), want %q", tc.args, tc.env, cfg.Listen, err, tc.want)
		}
	}
}

// TestMaxExportsSetting: FIRSTASK_MAX_EXPORTS defaults to 2 and takes 1–64.
func TestMaxExportsSetting(t *testing.T) {
	cfg, _, err := Load("t", nil, env(nil))
	if err != nil || cfg.MaxExports != 2 {
		t.Fatalf("default %d (%v), want 2", cfg.MaxExports, err)
	}
	if cfg, _, err = Load("t", []string{"--max-exports", "4"}, env(nil)); err != nil || cfg.MaxExports != 4 {
		t.Fatalf("--max-exports 4: %d (%v)", cfg.MaxExports, err)
	}
	for _, bad := range []string{"0", "-1", "65", "two"} {
		if _, _, err := Load("t", nil, env(map[string]string{"FIRSTASK_MAX_EXPORTS": bad})); err == nil {
			t.Errorf("FIRSTASK_MAX_EXPORTS=%s accepted", bad)
		}
	}
}
