package migrations

import (
	"io/fs"
	"regexp"
	"sort"
	"testing"
)

var versionRE = regexp.MustCompile(`^(\d{5})_[a-z0-9_]+\.sql$`)

func versions(t *testing.T, d Dialect) []string {
	t.Helper()
	fsys, err := FS(d)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		m := versionRE.FindStringSubmatch(e.Name())
		if m == nil {
			t.Errorf("%s/%s: name is not NNNNN_snake_case.sql", d, e.Name())
			continue
		}
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// TestDialectsHoldSameVersions fails when one dialect's folder has a
// migration the other lacks, so the two databases cannot drift apart.
func TestDialectsHoldSameVersions(t *testing.T) {
	my, lite := versions(t, MySQL), versions(t, SQLite)
	if len(my) == 0 {
		t.Fatal("no migrations found")
	}
	set := map[string]int{}
	for _, v := range my {
		set[v]++
	}
	for _, v := range lite {
		set[v] += 2
	}
	for name, n := range set {
		switch n {
		case 1:
			t.Errorf("%s exists for mysql but not for sqlite", name)
		case 2:
			t.Errorf("%s exists for sqlite but not for mysql", name)
		}
	}
}

func TestUnknownDialect(t *testing.T) {
	if _, err := FS("postgres"); err == nil {
		t.Fatal("want an error for an unknown dialect")
	}
}
