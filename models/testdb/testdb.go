// Package testdb creates an empty database for one test: a SQLite file in a
// temporary directory, or — when FIRSTASK_TEST_MYSQL_DSN names a MySQL or
// MariaDB server — a fresh database on it, dropped when the test ends.
package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"

	"firstask/config"
)

// EnvMySQL names the variable holding a MySQL DSN for tests, e.g.
// user:pass@tcp(127.0.0.1:3307)/ — the database part is ignored.
const EnvMySQL = "FIRSTASK_TEST_MYSQL_DSN"

// Driver reports which database tests run on: "mysql" when the variable is
// set, else "sqlite".
func Driver() string {
	if os.Getenv(EnvMySQL) != "" {
		return "mysql"
	}
	return "sqlite"
}

// DSN creates an empty database for the test and returns its driver and DSN.
func DSN(t testing.TB) (string, string) {
	t.Helper()
	base := os.Getenv(EnvMySQL)
	if base == "" {
		path := filepath.Join(t.TempDir(), "test.db")
		return "sqlite", "file:" + path + "?" + config.SQLitePragmas
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQL, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "ft_" + hex.EncodeToString(b)
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name)
		admin.Close()
	})
	cfg.DBName = name
	return "mysql", config.MySQLDSN(cfg)
}
