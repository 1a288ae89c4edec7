package api

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// liveServer serves the test environment's router on a real socket with
// short limits.
func liveServer(t *testing.T, e *testEnv, l HTTPLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := e.srv.HTTPServer(nil, l, nil)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

var shortLimits = HTTPLimits{HeaderTimeout: 500 * time.Millisecond, BodyTimeout: 500 * time.Millisecond,
	UploadTimeout: 4 * time.Second, IdleTimeout: 500 * time.Millisecond, MaxHeaderBytes: 8 << 10}

// trickle sends head, then body one byte every gap; it returns the status
// line the server answered with ("" when it closed without one) and how
// long the connection lived.
func trickle(t *testing.T, addr, head, body string, gap time.Duration) (string, time.Duration) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return "", 0
	}
	defer c.Close()
	start := time.Now()
	go func() {
		if _, err := io.WriteString(c, head); err != nil {
			return
		}
		for i := 0; i < len(body); i++ {
			time.Sleep(gap)
			if _, err := c.Write([]byte{body[i]}); err != nil {
				return
			}
		}
	}()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	io.Copy(io.Discard, c)
	return strings.TrimSpace(line), time.Since(start)
}

// TestSlowBodiesAreCutOff: connections trickling a login body (once 500
// stayed open 40 s and held shutdown) are closed at the body timeout.
func TestSlowBodiesAreCutOff(t *testing.T) {
	e := newTestEnv(t)
	addr := liveServer(t, e, shortLimits)
	n := 20
	if v, err := strconv.Atoi(os.Getenv("FIRSTASK_SLOW_CONNS")); err == nil && v > 0 {
		n = v
	}
	body := `{"employee_no":"admin","password":"password-123"}`
	head := "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	var wg sync.WaitGroup
	var mu sync.Mutex
	var longest time.Duration
	for i := 0; i < n; i++ {
		wg.Go(func() {
			_, d := trickle(t, addr, head, body, 200*time.Millisecond) // the whole body would take 10 s
			mu.Lock()
			longest = max(longest, d)
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("%d slow bodies: the longest lived %s (body timeout %s)", n, longest, shortLimits.BodyTimeout)
	if longest > 3*time.Second {
		t.Fatalf("a slow body kept its connection %s", longest)
	}
}

// TestSlowHeadersAndLargeHeaders: headers that never end are cut off at the
// header timeout; headers past the limit get a 431.
func TestSlowHeadersAndLargeHeaders(t *testing.T) {
	e := newTestEnv(t)
	addr := liveServer(t, e, shortLimits)
	_, d := trickle(t, addr, "GET /healthz HTTP/1.1\r\n", strings.Repeat("X-Slow: 1\r\n", 100), 100*time.Millisecond)
	if d > 3*time.Second {
		t.Fatalf("slow headers kept the connection %s", d)
	}
	line, _ := trickle(t, addr, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: "+strings.Repeat("a", 20<<10)+"\r\n\r\n", "", 0)
	if !strings.Contains(line, "431") {
		t.Fatalf("a 20 KiB header answered %q", line)
	}
}

// TestUploadsHaveTheirOwnAllowance: a workbook upload slower than the body
// timeout but inside the upload timeout is read and answered, and an idle
// keep-alive connection is closed after the idle timeout.
func TestUploadsHaveTheirOwnAllowance(t *testing.T) {
	e := newTestEnv(t)
	addr := liveServer(t, e, shortLimits)
	const boundary = "XbOuNdArY"
	body := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
		"not a workbook\r\n--" + boundary + "--\r\n"
	head := "POST /api/v1/staff/import HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + e.tokens["hr"] +
		"\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	gap := 1500 * time.Millisecond / time.Duration(len(body)) // 1.5 s in all: three body timeouts
	line, d := trickle(t, addr, head, body, gap)
	if d < time.Second || !strings.HasPrefix(line, "HTTP/1.1 4") || strings.Contains(line, "400") {
		t.Fatalf("a slow upload answered %q after %s; want the workbook's own 4xx after reading all of it", line, d)
	}
	// Idle keep-alive: one request, then silence.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := r.ReadByte(); err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("idle connection still open after %s (%v)", time.Since(start), err)
	}
}

// TestBodyDeadlineSparesLongAnswers: a request whose body was read in time
// but whose answer takes longer than the body timeout (an export) keeps its
// context; http.Server.ReadTimeout would have cancelled it.
func TestBodyDeadlineSparesLongAnswers(t *testing.T) {
	ctxErr := make(chan error, 1)
	h := bodyDeadline(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(3 * shortLimits.BodyTimeout)
		ctxErr <- r.Context().Err()
		w.WriteHeader(http.StatusNoContent)
	}), shortLimits)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	res, err := http.Post("http://"+ln.Addr().String()+"/", "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if err := <-ctxErr; res.StatusCode != http.StatusNoContent || err != nil {
		t.Fatalf("status %d, context %v", res.StatusCode, err)
	}
}
