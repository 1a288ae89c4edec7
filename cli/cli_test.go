package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunBadConfigurationExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--db", "postgres://x"},
		{"serve", "--timezone", "Nowhere/Land"},
		{"frobnicate"},
		{"migrate", "sideways"},
	} {
		var out, errb bytes.Buffer
		if code := Run(args, func(string) string { return "" }, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
		if lines := strings.Count(strings.TrimSpace(errb.String()), "\n"); args[0] == "serve" && lines != 0 {
			t.Errorf("%v: want one line, got %q", args, errb.String())
		}
	}
}

// TestRunRefusesUnknownArguments checks that a stray word after a command
// is an error with the usage, not silently ignored.
func TestRunRefusesUnknownArguments(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "junk"},
		{"serve", "--demo", "junk"},
		{"demo", "junk"},
		{"migrate", "up", "junk"},
		{"healthcheck", "junk"},
	} {
		var out, errb bytes.Buffer
		if code := Run(args, func(string) string { return "" }, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.Contains(errb.String(), `unexpected argument "junk"`) || !strings.Contains(errb.String(), "usage: firstask") {
			t.Errorf("%v: stderr %q, want the argument named and the usage", args, errb.String())
		}
	}
}

func TestMigrateAndDemoCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	getenv := func(k string) string {
		if k == "FIRSTASK_DB" {
			return "sqlite:" + db
		}
		return ""
	}
	var out, errb bytes.Buffer
	if code := Run([]string{"migrate", "up"}, getenv, &out, &errb); code != 0 || !strings.Contains(out.String(), "applied") {
		t.Fatalf("migrate up: %d %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	if code := Run([]string{"migrate", "status"}, getenv, &out, &errb); code != 0 || strings.Contains(out.String(), "pending") || !strings.Contains(out.String(), "00001") {
		t.Fatalf("migrate status: %d %q", code, out.String())
	}
	errb.Reset()
	if code := Run([]string{"demo", "--log-format", "text", "--bcrypt-cost", "4"}, getenv, &out, &errb); code != 0 || !strings.Contains(errb.String(), "demo organisation created") {
		t.Fatalf("demo: %d %q", code, errb.String())
	}
}
