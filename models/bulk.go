package models

import (
	"strings"

	"gorm.io/gorm"
)

// bulkInsert writes rows of one table as multi-row INSERT statements of up
// to max rows each (and, when maxBytes is set, about that many bytes of
// values), inside the caller's transaction. It is the store's one bulk
// inserter, used by the seed generator, the month's closing snapshot and
// the uploaded base results: GORM's reflection-based Create costs more than
// the database does at thousands of rows, and a statement per row would cost
// a round trip each. The rows per statement follow the dialect's bound on
// parameters (dialect.maxBulkParams).
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

	maxBytes, bytes int
}

func newBulkInsert(tx *Tx, table string, cols ...string) *bulkInsert {
	b := &bulkInsert{db: tx.db, table: table, cols: len(cols)}
	b.max = max(1, min(500, tx.store.dialect.maxBulkParams()/len(cols)))
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

// addSized queues one row whose values take about size bytes, first
// writing the batch when the row would take it past maxBytes.
func (b *bulkInsert) addSized(size int, vals ...any) error {
	if b.maxBytes > 0 && b.rows > 0 && b.bytes+size > b.maxBytes {
		if err := b.flush(); err != nil {
			return err
		}
	}
	b.bytes += size
	return b.add(vals...)
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
	b.rows, b.bytes = 0, 0
	b.args = b.args[:0]
	return nil
}
