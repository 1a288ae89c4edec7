package migrations

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/glebarez/go-sqlite"
	_ "github.com/go-sql-driver/mysql"

	"firstask/models/testdb"
)

// TestOlderReleaseStaysReadyAfterNewerMigrated: during a rolling upgrade
// the new release migrates first; instances of the old release, which do
// not know the new version, must still report nothing pending (so their
// /readyz keeps answering 200) rather than fail.
func TestOlderReleaseStaysReadyAfterNewerMigrated(t *testing.T) {
	driver, dsn := testdb.DSN(t)
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := Dialect(driver)
	ctx := context.Background()
	if err := Up(ctx, d, db); err != nil {
		t.Fatal(err)
	}
	// What a newer release's migration leaves behind.
	if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, TRUE)"); err != nil {
		t.Fatal(err)
	}
	pending, err := Pending(ctx, d, db)
	if err != nil || pending {
		t.Fatalf("older release: pending %v, err %v; want false, nil", pending, err)
	}
}
