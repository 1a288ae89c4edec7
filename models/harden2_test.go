package models

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentReparentNoCycle: two HR users moving A under B and B under
// A at the same moment both succeeded on MariaDB (20/20 before the fix,
// issue #11 item 10). Now at most one move wins each round and the tree
// never holds a cycle.
func TestConcurrentReparentNoCycle(t *testing.T) {
	s := openStore(t)
	ctx, sys := context.Background(), System("t")
	hr1 := Actor{Role: RoleHR, RequestID: "hr1"}
	hr2 := Actor{Role: RoleHR, RequestID: "hr2"}
	root := func() int64 {
		code, name := "ROOT", "root"
		d, err := s.CreateDepartment(ctx, sys, DepartmentInput{Code: &code, Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}()
	const rounds = 20
	both := 0
	for i := 0; i < rounds; i++ {
		mk := func(c string) int64 {
			code, name := fmt.Sprintf("%s%02d", c, i), "dept "+c
			d, err := s.CreateDepartment(ctx, sys, DepartmentInput{Code: &code, Name: &name, ParentID: &root})
			if err != nil {
				t.Fatal(err)
			}
			return d.ID
		}
		a, b := mk("A"), mk("B")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for k, mv := range [][2]int64{{a, b}, {b, a}} {
			wg.Add(1)
			go func(k int, id, parent int64) {
				defer wg.Done()
				<-start
				actor := hr1
				if k == 1 {
					actor = hr2
				}
				_, errs[k] = s.UpdateDepartment(ctx, actor, id, DepartmentInput{ParentID: &parent})
			}(k, mv[0], mv[1])
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case ErrorCode(err) != EInvalid:
				t.Fatalf("round %d: a move failed with %v, want success or 422", i, err)
			}
		}
		if ok == 2 {
			both++
		}
		if ok == 0 {
			t.Fatalf("round %d: neither move succeeded", i)
		}
	}
	if both > 0 {
		t.Fatalf("both moves succeeded in %d of %d rounds: the tree has cycles", both, rounds)
	}
	// Every department reaches the root without a loop.
	deps, err := s.ListDepartments(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	parent := map[int64]int64{}
	for _, d := range deps {
		if d.ParentID != nil {
			parent[d.ID] = *d.ParentID
		}
	}
	for _, d := range deps {
		seen := map[int64]bool{}
		for x := d.ID; x != 0; x = parent[x] {
			if seen[x] {
				t.Fatalf("department %d lies on a cycle", d.ID)
			}
			seen[x] = true
		}
	}
}
