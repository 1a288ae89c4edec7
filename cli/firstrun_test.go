package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"firstask/models"
)

// TestServeOnBusyPortWritesNothing: `serve --demo` on an address another
// process holds says so and exits before the database is created,
// migrated, given an admin or filled.
func TestServeOnBusyPortWritesNothing(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	db := filepath.Join(t.TempDir(), "first.db")
	var out, errb bytes.Buffer
	code := Run([]string{"serve", "--demo", "--listen", busy.Addr().String(), "--db", "sqlite:" + db, "--log-format", "text"},
		func(string) string { return "" }, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errb.String())
	}
	if !strings.Contains(errb.String(), "cannot listen on "+busy.Addr().String()) || !strings.Contains(errb.String(), "FIRSTASK_LISTEN") {
		t.Fatalf("stderr does not say the address is taken: %q", errb.String())
	}
	for _, s := range []string{"password", "migrat", "demo", "admin"} {
		if strings.Contains(out.String()+errb.String(), s) {
			t.Errorf("something was prepared before failing (%q): %q %q", s, out.String(), errb.String())
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("the database file exists after a failed start: %v", err)
	}
}

// TestAdminResetPassword: the first admin is `admin`; a lost password is
// replaced with `firstask admin reset-password`, which prints a new one,
// signs the account out and is audited; FIRSTASK_ADMIN_PASSWORD only
// matters on an empty database.
func TestAdminResetPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reset.db")
	first := "first-admin-pass"
	env := map[string]string{"FIRSTASK_DB": "sqlite:" + db, "FIRSTASK_BCRYPT_COST": "4", "FIRSTASK_ADMIN_PASSWORD": first}
	getenv := func(k string) string { return env[k] }
	var out, errb bytes.Buffer
	if code := Run([]string{"demo", "--log-format", "text"}, getenv, &out, &errb); code != 0 {
		t.Fatalf("demo: %d %q", code, errb.String())
	}
	if !strings.Contains(errb.String(), "employee_no=admin") {
		t.Fatalf("the log does not name the first admin: %q", errb.String())
	}
	// On a database that has staff, FIRSTASK_ADMIN_PASSWORD changes nothing.
	env["FIRSTASK_ADMIN_PASSWORD"] = "another-admin-pass"
	errb.Reset()
	if code := Run([]string{"demo", "--log-format", "text"}, getenv, &out, &errb); code != 0 {
		t.Fatalf("demo again: %d %q", code, errb.String())
	}

	store, err := models.Open("sqlite", db, models.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if _, err := store.Login(ctx, "t", "admin", "another-admin-pass", time.Hour); err == nil {
		t.Fatal("FIRSTASK_ADMIN_PASSWORD changed the existing admin's password")
	}
	old, err := store.Login(ctx, "t", "admin", first, time.Hour)
	if err != nil {
		t.Fatalf("the first admin cannot sign in as admin: %v", err)
	}

	out.Reset()
	errb.Reset()
	if code := Run([]string{"admin", "reset-password"}, getenv, &out, &errb); code != 0 {
		t.Fatalf("reset-password: %d %q", code, errb.String())
	}
	m := regexp.MustCompile(`new password for admin \(.*\): (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no new password printed: %q", out.String())
	}
	if _, err := store.Login(ctx, "t", "admin", m[1], time.Hour); err != nil {
		t.Fatalf("the printed password does not work: %v", err)
	}
	if _, err := store.Login(ctx, "t", "admin", first, time.Hour); err == nil {
		t.Fatal("the old password still works")
	}
	if _, err := store.Authenticate(ctx, old.Token); err == nil {
		t.Fatal("the admin's earlier session survived the reset")
	}
	entries, _, err := store.ListAudit(ctx, models.System("t"), models.AuditFilter{Entity: "staff", EntityID: old.Staff.ID, Page: models.Page{Number: 1, Size: 50}})
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range entries {
		audited = audited || e.Action == "staff.password_reset"
	}
	if !audited {
		t.Fatalf("no staff.password_reset audit entry: %+v", entries)
	}

	// Another account by its number; an unknown one fails, changing nothing.
	out.Reset()
	if code := Run([]string{"admin", "reset-password", "d002"}, getenv, &out, &errb); code != 0 || !strings.Contains(out.String(), "new password for D002") {
		t.Fatalf("reset D002: %d %q %q", code, out.String(), errb.String())
	}
	errb.Reset()
	if code := Run([]string{"admin", "reset-password", "NOBODY"}, getenv, &out, &errb); code != 1 || !strings.Contains(errb.String(), "no account with employee number NOBODY") {
		t.Fatalf("reset NOBODY: %d %q", code, errb.String())
	}
	if code := Run([]string{"admin", "frobnicate"}, getenv, &out, &errb); code != 2 {
		t.Fatalf("admin frobnicate: exit %d, want 2", code)
	}
}
