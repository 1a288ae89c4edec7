package models

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"

	"firstask/migrations"
)

// dialect is the one seam between the store and the database under it:
// every SQL statement or setting that differs between SQLite and
// MySQL/MariaDB is a method here, and nothing else in the package asks
// which database it runs on.
type dialect struct {
	name   migrations.Dialect
	sqlite bool
}

// dialectFor names the dialect of a driver ("sqlite" or "mysql") and the
// gorm dialector that opens dsn with it.
func dialectFor(driver, dsn string) (dialect, gorm.Dialector, error) {
	switch driver {
	case "sqlite":
		return dialect{name: migrations.SQLite, sqlite: true}, sqlite.Open(dsn), nil
	case "mysql":
		return dialect{name: migrations.MySQL}, mysql.New(mysql.Config{DSN: dsn, DisableWithReturning: true}), nil
	default:
		return dialect{}, nil, fmt.Errorf("unknown database driver %q", driver)
	}
}

// takesReplicas reports whether the database can have read replicas:
// MySQL and MariaDB can; a SQLite file has one reader and writer, itself.
func (d dialect) takesReplicas() bool { return !d.sqlite }

// tunePool sizes the connection pool.
func (d dialect) tunePool(sqlDB *sql.DB) {
	if d.sqlite {
		// One writer at a time is SQLite's nature; a small pool keeps
		// readers concurrent under WAL without piling up busy writers.
		sqlDB.SetMaxOpenConns(8)
		return
	}
	sqlDB.SetMaxOpenConns(50)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
}

// maxBulkParams bounds the parameters of one multi-row INSERT (see
// bulkInsert). MySQL allows 65,535. The pure-Go SQLite driver matches each
// parameter against every argument when binding (quadratic in the
// statement's size), so there short statements of about four hundred
// parameters are fastest: measured, 500-row statements of 30 columns spent
// 80% of the seed's time binding.
func (d dialect) maxBulkParams() int {
	if d.sqlite {
		return 400
	}
	return 30000
}

// packedScores reports whether a month's counted records are read as one
// packed value per record (see scores_sqlite.go for why SQLite wants it).
func (d dialect) packedScores() bool { return d.sqlite }

// orderedJoin is the join that keeps the written order of its tables
// (see overdueDriven): STRAIGHT_JOIN on MySQL and MariaDB, CROSS JOIN on
// SQLite.
func (d dialect) orderedJoin() string {
	if d.sqlite {
		return "CROSS JOIN"
	}
	return "STRAIGHT_JOIN"
}

// reserveRefNos adds n to the day's inquiry reference counter and returns
// the new last number in one statement: RETURNING on SQLite,
// LAST_INSERT_ID on MySQL. The numbers last-n+1 … last are the caller's.
// The upsert locks the counter row until commit.
func (d dialect) reserveRefNos(db *gorm.DB, day string, n int64) (int64, error) {
	var no int64
	if d.sqlite {
		err := db.Raw("INSERT INTO inquiry_ref_counters (day, last_no) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET last_no = last_no + ? RETURNING last_no", day, n, n).
			Scan(&no).Error
		return no, err
	}
	// LAST_INSERT_ID(expr) hands the new last number back in the
	// statement's result; inserting a fresh row sets nothing (0), and its
	// last number is n.
	res, err := db.Statement.ConnPool.ExecContext(db.Statement.Context,
		"INSERT INTO inquiry_ref_counters (day, last_no) VALUES (?, ?) ON DUPLICATE KEY UPDATE last_no = LAST_INSERT_ID(last_no + ?)", day, n, n)
	if err != nil {
		return 0, err
	}
	if no, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	if no == 0 {
		no = n
	}
	return no, nil
}

// auditSegments is how many audit segments one process writes at most
// (see audit_segment.go): one on SQLite, whose writers take turns anyway;
// four on MySQL, so that a process's own concurrent transactions seldom
// wait for one another's segment.
func (d dialect) auditSegments() int {
	if d.sqlite {
		return 1
	}
	return 4
}

// spreadScans says whether SLA scans visit each batch of due clocks in a
// random order: on MySQL, where several instances (on a Galera cluster,
// several nodes) scan at once and, walking the same clocks in the same
// order, would lock the same clock at the same moment and abort one
// another; not on SQLite, whose writers take turns anyway.
func (d dialect) spreadScans() bool { return !d.sqlite }

// loadSession runs fn on a connection set up for loading many rows. On
// SQLite it is a pinned connection configured before BEGIN: statement
// journals in memory (SQLite decides where they go when the transaction
// starts; in a temporary file they took a third of the load's time) and a
// 256 MiB page cache, so a chunk with its ten indexes does not spill pages
// to the WAL again and again. Both settings are restored before the
// connection goes back to the pool. MySQL needs nothing of the kind.
func (d dialect) loadSession(db *gorm.DB, fn func(*gorm.DB) error) error {
	if !d.sqlite {
		return fn(db)
	}
	return db.Connection(func(c *gorm.DB) error {
		c = c.Session(&gorm.Session{NewDB: true})
		var cache, temp int64
		if err := c.Raw("PRAGMA cache_size").Scan(&cache).Error; err != nil {
			return err
		}
		if err := c.Raw("PRAGMA temp_store").Scan(&temp).Error; err != nil {
			return err
		}
		if err := c.Exec("PRAGMA cache_size = -262144").Error; err != nil {
			return err
		}
		defer c.Exec(fmt.Sprintf("PRAGMA cache_size = %d", cache))
		if err := c.Exec("PRAGMA temp_store = MEMORY").Error; err != nil {
			return err
		}
		defer c.Exec(fmt.Sprintf("PRAGMA temp_store = %d", temp))
		return fn(c)
	})
}

// employeeNoIs selects the staff member with an employee number in any
// case: MySQL's collation compares case-insensitively, SQLite has an index
// on UPPER(employee_no).
func (d dialect) employeeNoIs(db *gorm.DB, no string) *gorm.DB {
	if d.sqlite {
		return db.Where("UPPER(employee_no) = ?", upperASCII(no))
	}
	return db.Where("employee_no = ?", no)
}

// errStatementCut reports a statement whose answer shows that the server
// aborted it without saying so (see loadConfig): the transaction is rolled
// back and run again like a deadlock victim.
var errStatementCut = errors.New("the database cut a statement short without an error")

// retryable reports whether err means the transaction lost a lock
// conflict and may succeed if run again from the start. On MySQL and
// MariaDB: a deadlock victim (1213, also how Galera reports a failed
// certification), a lock wait timeout (1205: safe because the store rolls
// the whole transaction back before running it again, whatever
// innodb_rollback_on_timeout says) and any serialization failure (SQLSTATE
// 40001). On SQLite: a busy or locked database (SQLITE_BUSY, SQLITE_LOCKED
// and their extended codes) once busy_timeout has run out. Constraint
// violations, syntax errors and lost connections are never retried.
func (d dialect) retryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, errStatementCut) {
		return true
	}
	if d.sqlite {
		var coded interface{ Code() int }
		if errors.As(err, &coded) {
			switch coded.Code() & 0xff {
			case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
				return true
			}
			return false
		}
		msg := err.Error()
		return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "SQLITE_LOCKED") ||
			strings.Contains(msg, "database is locked") || strings.Contains(msg, "database table is locked")
	}
	var me *mysqldrv.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205 || string(me.SQLState[:]) == "40001"
	}
	return false
}

// addOnConflict is an INSERT of one row of table (keys, then cols) that,
// when a row with the same keys exists, adds the given values to its
// columns instead: ON CONFLICT … DO UPDATE on SQLite, ON DUPLICATE KEY
// UPDATE on MySQL.
func (d dialect) addOnConflict(table string, keys, cols []string) string {
	var b strings.Builder
	all := append(append([]string{}, keys...), cols...)
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(all, ", ") + ") VALUES (")
	for i := range all {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("?")
	}
	b.WriteString(") ")
	if d.sqlite {
		b.WriteString("ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET ")
	} else {
		b.WriteString("ON DUPLICATE KEY UPDATE ")
	}
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		if d.sqlite {
			b.WriteString(c + " = " + c + " + excluded." + c)
		} else {
			b.WriteString(c + " = " + c + " + VALUES(" + c + ")")
		}
	}
	return b.String()
}
