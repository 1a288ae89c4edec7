package models

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestRefTable: refs added in any order, some twice, are found by id; an
// id never added, and any id of an empty or nil table, gives "".
func TestRefTable(t *testing.T) {
	want := map[int64]string{}
	var b refTableBuilder
	rng := rand.New(rand.NewPCG(1, 2))
	for _, i := range rng.Perm(3000) {
		id := int64(i*3 + 1) // gaps between ids
		ref := fmt.Sprintf("SW-20261130-%04d", i)
		if i%7 == 0 {
			ref = fmt.Sprintf("R%d", i) // refs of other lengths
		}
		want[id] = ref
		b.add(id, []byte(ref))
		if i%11 == 0 {
			b.add(id, []byte(ref)) // the same inquiry named twice
		}
	}
	table := b.table()
	if len(table.ids) != len(want) {
		t.Fatalf("%d ids, want %d", len(table.ids), len(want))
	}
	for id := int64(0); id < 9100; id++ {
		if got := table.get(id); got != want[id] {
			t.Fatalf("get(%d) = %q, want %q", id, got, want[id])
		}
	}
	var empty refTableBuilder
	var none *refTable
	if got := empty.table().get(1); got != "" {
		t.Errorf("empty table: %q", got)
	}
	if got := none.get(1); got != "" {
		t.Errorf("nil table: %q", got)
	}
}
