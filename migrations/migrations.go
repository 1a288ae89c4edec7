// Package migrations holds the database schema as versioned SQL, one folder
// per dialect with the same versions in each, embedded in the binary and
// applied with goose.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed mysql/*.sql sqlite/*.sql
var files embed.FS

// Dialect names a folder of migrations.
type Dialect string

// The dialects firstask ships migrations for.
const (
	MySQL  Dialect = "mysql"
	SQLite Dialect = "sqlite"
)

// FS returns the migrations of one dialect.
func FS(d Dialect) (fs.FS, error) {
	switch d {
	case MySQL, SQLite:
		return fs.Sub(files, string(d))
	}
	return nil, fmt.Errorf("migrations: unknown dialect %q", d)
}

// NewProvider returns a goose provider for db. On MySQL it takes goose's
// table lock so that several instances starting at once apply each
// migration exactly once.
func NewProvider(d Dialect, db *sql.DB) (*goose.Provider, error) {
	fsys, err := FS(d)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	gd := goose.DialectSQLite3
	if d == MySQL {
		gd = goose.DialectMySQL
		locker, err := lock.NewMySQLTableLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithLocker(locker))
	}
	return goose.NewProvider(gd, db, fsys, opts...)
}

// Up applies every pending migration.
func Up(ctx context.Context, d Dialect, db *sql.DB) error {
	p, err := NewProvider(d, db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// Pending reports whether migrations remain to be applied.
func Pending(ctx context.Context, d Dialect, db *sql.DB) (bool, error) {
	p, err := NewProvider(d, db)
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}
