// Package storetest opens a real, freshly migrated database for each test:
// SQLite in a temporary directory always, and MySQL/MariaDB when
// FIRSTASK_TEST_MYSQL_DSN names a server (each test then gets its own
// database, dropped at the end).
package storetest

import (
	"context"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/testdb"
)

// EnvMySQL names the variable holding a MySQL DSN for tests.
const EnvMySQL = testdb.EnvMySQL

// Clock is a settable test clock.
type Clock struct{ t time.Time }

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.t = t }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// Open returns a migrated store for the test, on MySQL when the variable
// is set and on SQLite otherwise.
func Open(t testing.TB, opts models.Options) *models.Store {
	t.Helper()
	driver, dsn := DSN(t)
	if opts.BcryptCost == 0 {
		opts.BcryptCost = 4 // the minimum: tests need speed, not strength
	}
	s, err := models.Open(driver, dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// DSN creates an empty database for the test and returns its driver and DSN.
func DSN(t testing.TB) (string, string) { return testdb.DSN(t) }
