package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"firstask/models"
	"firstask/models/storetest"
)

// TestReadyzReportsReplicas checks what /readyz and /metrics say of read
// replicas: on MySQL/MariaDB, with one replica that answers (a second
// database on the same server) and one that is down, the server stays
// ready, lists both in order with the reason of the one down, and exports
// their states; without replicas (SQLite) the body has no replica list.
func TestReadyzReportsReplicas(t *testing.T) {
	driver, dsn := storetest.DSN(t)
	var reads []string
	if driver == "mysql" {
		_, replica := storetest.DSN(t)
		cfg, err := mysql.ParseDSN(replica)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Addr, cfg.Timeout = "127.0.0.1:1", time.Second
		reads = []string{replica, cfg.FormatDSN()}
	}
	store, err := models.Open(driver, dsn, models.Options{BcryptCost: 4, ReadDSNs: reads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	store.CheckReplicas(context.Background())
	srv, err := New(store, Options{TokenTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, store: store, srv: srv}
	var body struct {
		Status   string
		Replicas []struct {
			Available bool
			Reason    string
		}
	}
	e.do("GET", "/readyz", "", nil).want(http.StatusOK).decode(&body)
	if body.Status != "ready" {
		t.Fatalf("status %q", body.Status)
	}
	metrics := string(e.do("GET", "/metrics", "", nil).want(http.StatusOK).Body)
	if driver != "mysql" {
		if body.Replicas != nil || strings.Contains(metrics, "firstask_db_replica_available") {
			t.Fatalf("replicas reported without any: %+v", body.Replicas)
		}
		return
	}
	if len(body.Replicas) != 2 || !body.Replicas[0].Available || body.Replicas[0].Reason != "" ||
		body.Replicas[1].Available || body.Replicas[1].Reason != "unreachable" {
		t.Fatalf("replicas %+v", body.Replicas)
	}
	for _, want := range []string{`firstask_db_replica_available{replica="1"} 1`, `firstask_db_replica_available{replica="2"} 0`,
		`firstask_db_replica_lag_seconds{replica="2"} -1`, `firstask_db_replica_reads_total{outcome="unavailable"} 0`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(metrics, "127.0.0.1:1") {
		t.Error("/metrics names a replica's address")
	}
}
