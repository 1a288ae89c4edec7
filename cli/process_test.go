//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"firstask/models/testdb"
)

// These tests build the real binary and run it as a process, the way an
// operator does: they prove the graceful shutdown and that several
// instances can start at once against one database.

// buildBinary compiles the program as the Dockerfile does.
func buildBinary(t *testing.T) string {
	t.Helper()
	// -short is for quick local loops; CI never passes it, so these
	// process tests always run there.
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	bin := filepath.Join(t.TempDir(), "firstask")
	cmd := exec.Command("go", "build", "-o", bin, "..") // the root package main
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr finds a free loopback port.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// logLines parses the JSON log lines written so far.
func (l *lockedBuffer) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not a JSON log line: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// process is a running firstask server.
type process struct {
	cmd    *exec.Cmd
	base   string
	logs   *lockedBuffer
	exited chan struct{}
	err    error
}

// startServer runs `firstask serve` on a free loopback port with the given
// FIRSTASK_* settings (and none inherited from the test's environment).
func startServer(t *testing.T, bin string, env ...string) *process {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FIRSTASK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "FIRSTASK_LISTEN="+addr, "FIRSTASK_LOG_FORMAT=json", "FIRSTASK_LOG_LEVEL=debug",
		"FIRSTASK_SLA_SCAN_INTERVAL=0")
	cmd.Env = append(cmd.Env, env...)
	p := &process{cmd: cmd, base: "http://" + addr, logs: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("output of the server on %s:\n%s", addr, p.logs)
		}
	})
	return p
}

// client opens a new connection for every request, as a load balancer's
// health checks do.
var client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// waitReady polls /readyz until it answers 200.
func (p *process) waitReady(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("the server exited before it was ready: %v", p.err)
		default:
		}
		if res, err := client.Get(p.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("not ready within %s", within)
}

// waitExit waits for the process to end and returns its exit code.
func (p *process) waitExit(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(within):
		t.Fatalf("the server did not exit within %s", within)
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	if p.err != nil {
		t.Fatalf("wait: %v", p.err)
	}
	return 0
}

// login signs in and returns the status and token.
func (p *process) login(employeeNo, password string) (int, string, error) {
	body := fmt.Sprintf(`{"employee_no":%q,"password":%q}`, employeeNo, password)
	res, err := client.Post(p.base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var out struct{ Token string }
	raw, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out.Token, nil
}

// metric reads one unlabelled sample from /metrics.
func (p *process) metric(t *testing.T, name string) float64 {
	t.Helper()
	res, err := client.Get(p.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}

// TestGracefulShutdown sends SIGTERM while a request is being served: the
// request completes with 200, /readyz fails during the drain delay, the
// process exits 0. The slow request is a real one: a login whose password
// hash has a high bcrypt cost (14, about a second of CPU), so the binary
// needs no test-only switch.
func TestGracefulShutdown(t *testing.T) {
	start := time.Now()
	bin := buildBinary(t)
	t.Logf("built in %s", time.Since(start))
	const password = "slow-hash-password"
	p := startServer(t, bin,
		"FIRSTASK_DB=sqlite:"+filepath.Join(t.TempDir(), "firstask.db"),
		"FIRSTASK_ADMIN_PASSWORD="+password,
		"FIRSTASK_BCRYPT_COST=14",
		"FIRSTASK_SHUTDOWN_DELAY=1s",
		"FIRSTASK_SHUTDOWN_TIMEOUT=30s",
	)
	p.waitReady(t, 60*time.Second)
	t.Logf("ready at %s", time.Since(start))

	type result struct {
		status int
		token  string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		status, token, err := p.login("admin", password)
		done <- result{status, token, err}
	}()
	// Wait until the login is in flight (the scrape counts itself too).
	for deadline := time.Now().Add(10 * time.Second); p.metric(t, "firstask_http_requests_in_flight") < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the login never showed up as in flight")
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("login in flight at %s", time.Since(start))
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	// During the drain delay new connections are still taken and /readyz
	// says 503, so that a load balancer moves traffic elsewhere.
	sawDraining := false
	for deadline := time.Now().Add(900 * time.Millisecond); time.Now().Before(deadline) && !sawDraining; {
		if res, err := client.Get(p.base + "/readyz"); err == nil {
			res.Body.Close()
			sawDraining = res.StatusCode == http.StatusServiceUnavailable
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !sawDraining {
		t.Error("/readyz did not answer 503 while draining")
	}

	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the in-flight login never completed")
	}
	if r.err != nil || r.status != http.StatusOK || r.token == "" {
		t.Fatalf("in-flight login: status %d, err %v", r.status, r.err)
	}
	if code := p.waitExit(t, 30*time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}

	// The log shows the order: shutdown began before the login finished.
	lines := p.logs.logLines(t)
	shutdownAt, loginAt, stoppedAt := -1, -1, -1
	for i, l := range lines {
		switch {
		case l["msg"] == "shutting down: /readyz now fails":
			shutdownAt = i
		case l["msg"] == "request" && l["route"] == "/api/v1/auth/login":
			loginAt = i
			if l["status"] != float64(200) {
				t.Errorf("login logged with status %v", l["status"])
			}
		case l["msg"] == "stopped":
			stoppedAt = i
		}
	}
	if shutdownAt < 0 || loginAt < shutdownAt || stoppedAt < loginAt {
		t.Fatalf("log order: shutdown %d, login %d, stopped %d", shutdownAt, loginAt, stoppedAt)
	}
	if strings.Contains(p.logs.String(), password) || strings.Contains(p.logs.String(), r.token) {
		t.Fatal("the log holds the password or the token")
	}
}

// TestTwoInstancesOnOneMySQL starts two servers at the same moment against
// one fresh MariaDB/MySQL database: both migrate without error (goose's
// table lock lets one apply each migration while the other waits), the
// first admin is created once, and both serve /readyz and a login. That
// each SLA breach is raised once however many instances scan is proven by
// the SLA scan's own concurrency test.
func TestTwoInstancesOnOneMySQL(t *testing.T) {
	// Two instances racing for goose's table lock only means something on
	// MySQL; CI's MariaDB run sets the DSN, so there it always runs.
	if testdb.Driver() != "mysql" {
		t.Skip("set " + testdb.EnvMySQL + " to run against MariaDB/MySQL")
	}
	bin := buildBinary(t)
	// Fresh: both race for the migration lock. Migrated: an operator ran
	// `firstask migrate up` first, so both race to create the first admin.
	for _, premigrate := range []bool{false, true} {
		name := map[bool]string{false: "Fresh", true: "Migrated"}[premigrate]
		t.Run(name, func(t *testing.T) {
			_, dsn := testdb.DSN(t)
			const password = "two-instances-pw"
			env := []string{"FIRSTASK_DB=mysql://" + dsn, "FIRSTASK_ADMIN_PASSWORD=" + password, "FIRSTASK_BCRYPT_COST=4"}
			if premigrate {
				cmd := exec.Command(bin, "migrate", "up")
				cmd.Env = append(os.Environ(), env[0])
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("migrate up: %v\n%s", err, out)
				}
			}
			a, b := startServer(t, bin, env...), startServer(t, bin, env...)
			a.waitReady(t, 60*time.Second)
			b.waitReady(t, 60*time.Second)
			for _, p := range []*process{a, b} {
				status, token, err := p.login("admin", password)
				if err != nil || status != http.StatusOK || token == "" {
					t.Fatalf("login on %s: %d %v", p.base, status, err)
				}
				req, _ := http.NewRequest("GET", p.base+"/api/v1/audit/verify", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var v struct {
					OK      bool  `json:"ok"`
					Checked int64 `json:"checked"`
				}
				json.NewDecoder(res.Body).Decode(&v)
				res.Body.Close()
				if !v.OK {
					t.Fatalf("audit chain broken after two starts: %+v", v)
				}
			}

			db, err := sql.Open("mysql", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var dupVersions, admins, departments int
			if err := db.QueryRow("SELECT COUNT(*) FROM (SELECT version_id FROM goose_db_version GROUP BY version_id HAVING COUNT(*) > 1) d").Scan(&dupVersions); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow("SELECT COUNT(*) FROM staff").Scan(&admins); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow("SELECT COUNT(*) FROM departments").Scan(&departments); err != nil {
				t.Fatal(err)
			}
			if dupVersions != 0 || admins != 1 || departments != 1 {
				t.Fatalf("migrations applied twice: %d, staff %d, departments %d; want 0, 1, 1", dupVersions, admins, departments)
			}
			for _, p := range []*process{a, b} {
				p.cmd.Process.Signal(syscall.SIGTERM)
			}
			for _, p := range []*process{a, b} {
				if code := p.waitExit(t, 30*time.Second); code != 0 {
					t.Fatalf("%s exited %d", p.base, code)
				}
			}
		})
	}
}
