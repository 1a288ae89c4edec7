package models

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// writeRetrying is write for transactions that contend on hot rows (the
// per-day reference counter, SLA clocks scanned by several instances):
// when the database picks the transaction as a deadlock victim or a lock
// wait times out, the whole transaction is run again, a few times, after a
// short random pause. fn must therefore build its results afresh each run.
func (s *Store) writeRetrying(ctx context.Context, a Actor, fn func(tx *Tx) error) error {
	const attempts = 6
	var err error
	for i := 0; i < attempts; i++ {
		if err = s.write(ctx, a, fn); err == nil || !transient(err) {
			return err
		}
		pause := time.Duration(5+rand.IntN(20*(i+1))) * time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
	return err
}

// transient reports whether err is a lock conflict worth retrying: a MySQL
// deadlock (1213) or lock wait timeout (1205), or a busy SQLite database.
func transient(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}
