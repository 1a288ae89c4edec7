package models

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"

	"firstask/models/testdb"
)

// testClock is a settable clock for the read-after-write window.
type testClock struct{ ns atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// syncReplica copies every table of the primary database into the replica
// database on the same server, by hand: the "replica" CI can have.
func syncReplica(t *testing.T, admin *sql.DB, primary, replica string) {
	t.Helper()
	rows, err := admin.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'", primary)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, tb := range tables {
		var cols []string
		crows, err := admin.Query("SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND extra NOT LIKE '%GENERATED%' ORDER BY ordinal_position", primary, tb)
		if err != nil {
			t.Fatal(err)
		}
		for crows.Next() {
			var c string
			if err := crows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, "`"+c+"`")
		}
		crows.Close()
		list := strings.Join(cols, ", ")
		for _, q := range []string{
			"DROP TABLE IF EXISTS `" + replica + "`.`" + tb + "`",
			"CREATE TABLE `" + replica + "`.`" + tb + "` LIKE `" + primary + "`.`" + tb + "`",
			"INSERT INTO `" + replica + "`.`" + tb + "` (" + list + ") SELECT " + list + " FROM `" + primary + "`.`" + tb + "`",
		} {
			if _, err := admin.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
}

// departmentNames lists the departments' names as a reads them through s.
func departmentNames(t *testing.T, s *Store, a Actor) string {
	t.Helper()
	ds, err := s.ListDepartments(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
	}
	return strings.Join(names, ",")
}

// TestReadReplicaRouting proves on MySQL/MariaDB, with a second database
// on the same server standing in for a replica (kept in sync by hand and
// opened read-only), that people's reads go to the replica, that writes
// never do, that whoever wrote reads their write from the primary for the
// window on every instance, and that a replica that is down or fails
// mid-read leaves reads on the primary. On SQLite, read replicas are
// refused.
func TestReadReplicaRouting(t *testing.T) {
	driver, dsn := testdb.DSN(t)
	if driver != "mysql" {
		_, err := Open(driver, dsn, Options{ReadDSNs: []string{"firstask:firstask@tcp(127.0.0.1:3306)/firstask"}})
		if err == nil || !strings.Contains(err.Error(), "MySQL or MariaDB") {
			t.Fatalf("read replicas with SQLite: %v", err)
		}
		return
	}
	_, replicaDSN := testdb.DSN(t)
	ctx := context.Background()
	pcfg, _ := mysqldrv.ParseDSN(dsn)
	rcfg, _ := mysqldrv.ParseDSN(replicaDSN)
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var version string
	if err := admin.QueryRow("SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	// The replica's connections are read-only sessions: a write routed
	// there would fail, not pass unnoticed.
	if rcfg.Params == nil {
		rcfg.Params = map[string]string{}
	}
	if strings.Contains(version, "MariaDB") {
		rcfg.Params["tx_read_only"] = "1"
	} else {
		rcfg.Params["transaction_read_only"] = "1"
	}
	readOnlyReplica := rcfg.FormatDSN()

	clock := &testClock{}
	clock.ns.Store(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC).UnixNano())
	seed, err := Open(driver, dsn, Options{BcryptCost: 4, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	defer seed.Close()
	if err := seed.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	code, name := "A", "A"
	if _, err := seed.CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &name}); err != nil {
		t.Fatal(err)
	}
	syncReplica(t, admin, pcfg.DBName, rcfg.DBName)
	// A mark only the replica has: reads that show it came from there.
	if _, err := admin.Exec("UPDATE `" + rcfg.DBName + "`.departments SET name = 'A on the replica'"); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	outcomes := map[string]int{}
	var changes []ReplicaStatus
	open := func(reads ...string) *Store {
		s, err := Open(driver, dsn, Options{BcryptCost: 4, Now: clock.now, ReadDSNs: reads, ReplicaMaxLag: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		// Only the test's own checks from here: a periodic one that timed
		// out on a busy machine would move reads under the test's feet.
		s.replicas.halt()
		<-s.replicas.done
		s.ObserveReplicas(ReplicaObserver{
			Read:    func(o string) { mu.Lock(); outcomes[o]++; mu.Unlock() },
			Changed: func(st ReplicaStatus) { mu.Lock(); changes = append(changes, st); mu.Unlock() },
		})
		s.CheckReplicas(ctx)
		return s
	}
	s := open(readOnlyReplica)
	if st := s.Replicas(); len(st) != 1 || !st[0].Available || st[0].Lag != -1 || st[0].Name != rcfg.Addr+"/"+rcfg.DBName {
		t.Fatalf("replica status %+v", st)
	}
	if s.ReadAfterWrite() != 10*time.Second {
		t.Fatalf("window %s, want twice the lag", s.ReadAfterWrite())
	}
	hr, other := Actor{StaffID: 7, Role: RoleHR}, Actor{StaffID: 8, Role: RoleHR}

	// A person's reads go to the replica; the system's stay on the primary.
	if got := departmentNames(t, s, hr); got != "A on the replica" {
		t.Fatalf("hr read %q, want the replica's", got)
	}
	if got := departmentNames(t, s, System("t")); got != "A" {
		t.Fatalf("system read %q, want the primary's", got)
	}
	// A read-only transaction goes there too, all of it.
	err = s.readOnly(ctx, hr, func(tx *Tx) error {
		var n1, n2 string
		if err := tx.db.Raw("SELECT name FROM departments").Scan(&n1).Error; err != nil {
			return err
		}
		if err := tx.db.Model(&Department{}).Select("name").Scan(&n2).Error; err != nil {
			return err
		}
		if n1 != "A on the replica" || n2 != n1 {
			t.Errorf("read-only transaction read %q and %q", n1, n2)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A write goes to the primary only (the replica's sessions are
	// read-only, so a write sent there would have failed).
	codeB, nameB := "B", "B"
	if _, err := s.CreateDepartment(ctx, hr, DepartmentInput{Code: &codeB, Name: &nameB}); err != nil {
		t.Fatal(err)
	}
	count := func(db string) (n int) {
		if err := admin.QueryRow("SELECT COUNT(*) FROM `" + db + "`.departments WHERE code = 'B'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(pcfg.DBName) != 1 || count(rcfg.DBName) != 0 {
		t.Fatalf("department B: %d on the primary, %d on the replica; want 1 and 0", count(pcfg.DBName), count(rcfg.DBName))
	}
	// Read-your-writes: the writer reads the primary, here and on another
	// instance; someone else still reads the replica.
	if got := departmentNames(t, s, hr); got != "A,B" {
		t.Fatalf("hr after writing read %q, want the primary's A,B", got)
	}
	s2 := open(readOnlyReplica)
	if got := departmentNames(t, s2, hr); got != "A,B" {
		t.Fatalf("hr on another instance after writing read %q, want the primary's A,B", got)
	}
	if got := departmentNames(t, s, other); got != "A on the replica" {
		t.Fatalf("another person read %q, want the replica's", got)
	}
	// Past the window the writer reads the replica again.
	clock.advance(s.ReadAfterWrite() + time.Millisecond)
	if got := departmentNames(t, s, hr); got != "A on the replica" {
		t.Fatalf("hr after the window read %q, want the replica's", got)
	}
	if got := departmentNames(t, s2, hr); got != "A on the replica" {
		t.Fatalf("hr on another instance after the window read %q, want the replica's", got)
	}
	mu.Lock()
	if outcomes[ReadReplica] < 5 || outcomes[ReadAfterWrite] != 2 {
		t.Errorf("outcomes %v", outcomes)
	}
	mu.Unlock()

	// A replica that is down: reads stay on the primary, the state says
	// why, the change is reported.
	down := open("firstask:firstask@tcp(127.0.0.1:1)/firstask?timeout=1s")
	if st := down.Replicas()[0]; st.Available || st.Reason != "unreachable" || st.Err == "" {
		t.Fatalf("down replica status %+v", st)
	}
	if got := departmentNames(t, down, other); got != "A,B" {
		t.Fatalf("read with the replica down %q, want the primary's", got)
	}
	mu.Lock()
	if outcomes[ReadUnavailable] != 1 || len(changes) == 0 || changes[len(changes)-1].Available {
		t.Errorf("outcomes %v, changes %+v", outcomes, changes)
	}
	mu.Unlock()
	// Believed well but failing under the read: read again on the primary,
	// and skipped from then on.
	st := *down.replicas.state[0].Load()
	st.Available, st.Reason = true, ""
	down.replicas.state[0].Store(&st)
	if got := departmentNames(t, down, other); got != "A,B" {
		t.Fatalf("read through a failing replica %q, want the primary's", got)
	}
	if down.Replicas()[0].Available {
		t.Fatal("a replica that failed a read is still available")
	}
	mu.Lock()
	if outcomes[ReadFallback] != 1 {
		t.Errorf("outcomes %v", outcomes)
	}
	mu.Unlock()
}
