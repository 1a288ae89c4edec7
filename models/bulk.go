package models

import (
	"strings"
	"time"

	"gorm.io/gorm"

	"firstask/migrations"
)

// bulkInsert writes rows of one table as multi-row INSERT statements of up
// to max rows each, inside the caller's transaction. It exists for the seed
// generator: GORM's reflection-based Create costs more than the database
// does at a million rows, and a statement per row would cost a round trip
// each.
type bulkInsert struct {
	db    *gorm.DB
	table string
	cols  int
	max   int
	head  string
	full  string // the statement for max rows, built once
	args  []any
	rows  int
	total int
}

// Bound parameters per statement. MySQL allows 65,535. The pure-Go SQLite
// driver matches each parameter against every argument when binding
// (quadratic in the statement's size), so there short statements of about
// four hundred parameters are fastest: measured, 500-row statements of 30
// columns spent 80% of the seed's time binding.
const (
	maxBulkParamsMySQL  = 30000
	maxBulkParamsSQLite = 400
)

func newBulkInsert(tx *Tx, table string, cols ...string) *bulkInsert {
	b := &bulkInsert{db: tx.db, table: table, cols: len(cols)}
	limit := maxBulkParamsMySQL
	if tx.store.dialect == migrations.SQLite {
		limit = maxBulkParamsSQLite
	}
	b.max = max(1, min(500, limit/len(cols)))
	b.head = "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	b.full = b.statement(b.max)
	b.args = make([]any, 0, b.max*b.cols)
	return b
}

func (b *bulkInsert) statement(rows int) string {
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", b.cols), ",") + ")"
	var sb strings.Builder
	sb.Grow(len(b.head) + rows*(len(tuple)+1))
	sb.WriteString(b.head)
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(tuple)
	}
	return sb.String()
}

// add queues one row (its values in the order of the columns) and writes
// the batch when it is full.
func (b *bulkInsert) add(vals ...any) error {
	if len(vals) != b.cols {
		panic("bulkInsert: " + b.table + ": wrong number of values")
	}
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows == b.max {
		return b.flush()
	}
	return nil
}

// flush writes the queued rows.
func (b *bulkInsert) flush() error {
	if b.rows == 0 {
		return nil
	}
	stmt := b.full
	if b.rows != b.max {
		stmt = b.statement(b.rows)
	}
	if err := b.db.Exec(stmt, b.args...).Error; err != nil {
		return err
	}
	b.total += b.rows
	b.rows = 0
	b.args = b.args[:0]
	return nil
}

// nullTime turns an optional instant into a bind value (nil is NULL).
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// nullInt turns an optional id into a bind value (nil is NULL).
func nullInt(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}

// nullString turns an optional text into a bind value (nil is NULL).
func nullString(v *string) any {
	if v == nil {
		return nil
	}
	return *v
}
