package models

import (
	"fmt"
	"slices"
	"sync"
)

// refBlockSize is how many reference numbers a process reserves from the
// day's counter at a time (see nextRef).
const refBlockSize = 20

// refPool holds the reference numbers this process has reserved and not
// yet used, for one day.
type refPool struct {
	mu    sync.Mutex
	block int64
	day   string
	free  []int64 // ascending
}

// take returns the smallest free number of the day, or false.
func (p *refPool) take(day string) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.day != day || len(p.free) == 0 {
		return 0, false
	}
	no := p.free[0]
	p.free = p.free[1:]
	return no, true
}

// give adds numbers of day to the pool; numbers of an earlier day are
// dropped (they stay unused: gaps), a later day replaces the pool.
func (p *refPool) give(day string, nos ...int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case day < p.day:
		return
	case day > p.day:
		p.day, p.free = day, nil
	}
	p.free = append(p.free, nos...)
	slices.Sort(p.free)
}

// nextRef allocates the inquiry's reference SW-YYYYMMDD-NNNN: the date of
// registration in the organisation's zone and a number of that day's
// counter. A process reserves the counter's numbers a block at a time
// (refBlockSize) and hands them out from memory, so that registrations in
// different processes (on different database nodes) seldom write the same
// counter row. The block is reserved inside the registration's own
// transaction and joins the pool only when that commits; a number taken
// by a transaction that rolls back goes back to the pool. References are
// unique (the counter, and the unique key on inquiries.ref as backstop)
// but not gap-free: the numbers a process has not used when the day ends
// or the process stops are never issued (docs/decisions.md).
func (tx *Tx) nextRef() (string, error) {
	day := tx.now.In(tx.store.loc).Format("20060102")
	pool := &tx.store.refs
	no, ok := pool.take(day)
	if !ok {
		n := max(pool.block, 1)
		last, err := tx.store.dialect.reserveRefNos(tx.db, day, n)
		if err != nil {
			return "", err
		}
		no = last - n + 1
		if n > 1 {
			rest := make([]int64, 0, n-1)
			for i := no + 1; i <= last; i++ {
				rest = append(rest, i)
			}
			tx.OnCommit(func() { pool.give(day, rest...) })
		}
	} else {
		tx.onRollback(func() { pool.give(day, no) })
	}
	return fmt.Sprintf("SW-%s-%04d", day, no), nil
}
