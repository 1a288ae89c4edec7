package models

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"firstask/config"
	"firstask/scoring"
)

// TestCountedRecordsReadPackedIndexes: on SQLite each of the queries that
// read a whole month's counted records is answered from its index of
// packed rows alone. It fails when packedViolations or packedPraise and the
// expressions of migration 00210 drift apart (the index would no longer
// cover the query, and every row would be built again from the table).
// SQLite only, whichever database the other storage tests use: MySQL
// reads columns and has no such index.
func TestCountedRecordsReadPackedIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "packed.db")
	s, err := Open("sqlite", "file:"+path+"?"+config.SQLitePragmas, Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ query, index string }{
		{"SELECT " + packedViolations + " FROM violations INDEXED BY idx_violations_counted_packed WHERE counted_month = ? AND state IN ? AND staff_id % 2 = 0", "idx_violations_counted_packed"},
		{"SELECT " + packedViolations + " FROM violations INDEXED BY idx_violations_counted_packed WHERE counted_month = ? AND state IN ? AND staff_id % 2 = 1", "idx_violations_counted_packed"},
		{"SELECT " + packedPraise + " FROM praises INDEXED BY idx_praises_counted_packed WHERE counted_month = ?", "idx_praises_counted_packed"},
	} {
		args := []any{"2026-10"}
		if strings.Contains(q.query, "state IN") {
			args = append(args, countingStates)
		}
		rows, err := s.db.Raw("EXPLAIN QUERY PLAN "+q.query, args...).Rows()
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if want := "USING COVERING INDEX " + q.index; len(plan) != 1 || !strings.Contains(plan[0], want) {
			t.Errorf("%s\nplan %q, want one step %s", q.query, plan, want)
		}
	}
}

// TestCountedSetJoin: parts that read exactly what was counted stay where
// they were read (no copy); a part that read more or fewer rows than
// counted (rows came or went between the count and the read) makes join
// copy the parts together. Either way every record is found by kind and id
// and the room for corrections is kept.
func TestCountedSetJoin(t *testing.T) {
	fill := func(p *countedPart, kind scoring.RecordKind, ids ...int64) {
		for _, id := range ids {
			p.set.add(&scoring.Record{ID: id, Kind: kind, StaffID: id % 7}, recordInfo{inquiryID: id * 10})
		}
	}
	for _, tc := range []struct {
		name       string
		even, odd  []int64 // violations read in each half
		praise     []int64
		wantInside bool
	}{
		{"exact", []int64{2, 4, 6}, []int64{1, 3}, []int64{5, 9}, true},
		{"one more than counted", []int64{2, 4, 6, 8}, []int64{1, 3}, []int64{5, 9}, false},
		{"one fewer than counted", []int64{2, 4}, []int64{1, 3}, []int64{5, 9}, false},
		{"nothing counted", nil, nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := &countedSet{}
			parts := []countedPart{{want: 3}, {want: 2}, {want: 2}}
			if tc.name == "nothing counted" {
				parts = []countedPart{{}, {}, {}}
			}
			set.reserve(7 + 1)
			base := set.records[:1]
			off := 0
			for i := range parts {
				parts[i].window(set, off)
				off += int(parts[i].want)
			}
			fill(&parts[0], scoring.RecordViolation, tc.even...)
			fill(&parts[1], scoring.RecordViolation, tc.odd...)
			fill(&parts[2], scoring.RecordPraise, tc.praise...)
			set.join(parts, 1)

			n := len(tc.even) + len(tc.odd) + len(tc.praise)
			if len(set.records) != n || set.n != n || len(set.info) != n {
				t.Fatalf("%d records (n %d, %d infos), want %d", len(set.records), set.n, len(set.info), n)
			}
			if inside := n > 0 && &set.records[0] == &base[0]; n > 0 && inside != tc.wantInside {
				t.Errorf("records left in the reserved slice: %v, want %v", inside, tc.wantInside)
			}
			if cap(set.records)-len(set.records) < 1 {
				t.Errorf("no room left for the corrections")
			}
			check := func(kind scoring.RecordKind, ids []int64) {
				for _, id := range ids {
					k := set.find(kind, id)
					if k < 0 || set.records[k].ID != id || set.records[k].Kind != kind || set.info[k].inquiryID != id*10 {
						t.Errorf("%s %d: found at %d", kind, id, k)
					}
				}
			}
			check(scoring.RecordViolation, append(append([]int64{}, tc.even...), tc.odd...))
			check(scoring.RecordPraise, tc.praise)
			if k := set.find(scoring.RecordPraise, 2); k >= 0 {
				t.Errorf("praise 2 found at %d; only a violation has that id", k)
			}
		})
	}
}
