package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Targets is the policy on where deliveries may connect. It is enforced
// when the connection is made, on the address the name resolved to, so a
// name that resolves to a safe address at creation and to 127.0.0.1 later
// (DNS rebinding) is still refused.
type Targets struct {
	// AllowPrivate admits private ranges (10/8, 172.16/12, 192.168/16,
	// 100.64/10 and fc00::/7): on-premises gateways live there
	// (FIRSTASK_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivate bool
	// AllowLoopback admits 127/8 and ::1; only tests set it.
	AllowLoopback bool
	// OwnPort is the port this service listens on: refused on any address
	// of this machine, so a webhook cannot call the service's own API.
	OwnPort int
}

// ErrTargetRefused is wrapped by the error of a dial the policy refused.
var ErrTargetRefused = errors.New("target address refused")

// metadata and other ranges that are never a webhook receiver, whatever
// the settings say.
var alwaysRefused = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network"
	netip.MustParsePrefix("169.254.0.0/16"),     // link-local, cloud metadata (169.254.169.254)
	netip.MustParsePrefix("192.0.0.0/24"),       // IETF protocol assignments (incl. Oracle metadata 192.0.0.192)
	netip.MustParsePrefix("224.0.0.0/4"),        // multicast
	netip.MustParsePrefix("240.0.0.0/4"),        // reserved, broadcast
	netip.MustParsePrefix("fe80::/10"),          // link-local
	netip.MustParsePrefix("ff00::/8"),           // multicast
	netip.MustParsePrefix("fd00:ec2::/32"),      // AWS metadata over IPv6
	netip.MustParsePrefix("100.100.100.200/32"), // Alibaba Cloud metadata
}

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("fc00::/7"),      // unique local
}

// Check reports why the policy refuses a connection to addr:port, or nil.
func (p Targets) Check(addr netip.Addr, port int) error {
	addr = addr.Unmap()
	for _, r := range alwaysRefused {
		if r.Contains(addr) {
			return fmt.Errorf("%w: link-local, metadata or reserved", ErrTargetRefused)
		}
	}
	if addr.IsUnspecified() {
		return fmt.Errorf("%w: unspecified", ErrTargetRefused)
	}
	if addr.IsLoopback() && !p.AllowLoopback {
		return fmt.Errorf("%w: loopback", ErrTargetRefused)
	}
	if !p.AllowPrivate {
		for _, r := range privateRanges {
			if r.Contains(addr) {
				return fmt.Errorf("%w: private range (set FIRSTASK_WEBHOOK_ALLOW_PRIVATE)", ErrTargetRefused)
			}
		}
	}
	if p.OwnPort != 0 && port == p.OwnPort && (addr.IsLoopback() || isLocalAddress(addr)) {
		return fmt.Errorf("%w: this service's own port", ErrTargetRefused)
	}
	return nil
}

// isLocalAddress reports whether addr is one of this machine's interface
// addresses.
func isLocalAddress(addr netip.Addr) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return true // cannot tell: assume it is, and refuse
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok && ip.Unmap() == addr {
				return true
			}
		}
	}
	return false
}

// control runs after the name was resolved and before connecting: the
// address it sees is the one the socket will reach.
func (p Targets) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrTargetRefused, err)
	}
	return p.Check(ap.Addr(), int(ap.Port()))
}

// Client is an HTTP client that connects only where the policy allows,
// never follows redirects (a 3xx is the receiver's answer, and a failure)
// and ignores proxy settings from the environment.
func (p Targets) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, Control: p.control}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           20,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// publicError is what the delivery log and the log line say of a failed
// connection: the kind of failure, never the network's own words (which
// told an attacker "connection refused" from "i/o timeout" port by port).
func publicError(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, ErrTargetRefused):
		return "target address refused by policy"
	case errors.Is(err, context.Canceled):
		return "delivery cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	default:
		return "connection failed"
	}
}

// PortOf is the port of a listen address such as ":8080" (0 when none).
func PortOf(listen string) int {
	_, p, err := net.SplitHostPort(listen)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

// CheckURL reports why the policy refuses a webhook URL when it is created,
// so an admin hears at once that http://169.254.169.254/… or
// http://localhost/… will never be delivered to. An address is checked as
// it is; a name is resolved (within a second) and every address it gives
// is checked; "localhost" and names under .localhost are loopback whatever
// they resolve to. A name that does not resolve now is accepted (it may
// resolve later, inside the network): delivery checks the address it
// connects to every time, which remains the defence. A URL that does not
// parse is nil here; the store's validation reports it.
func (p Targets) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := 80
	if u.Scheme == "https" {
		port = 443
	}
	if s := u.Port(); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			port = n
		}
	}
	if (host == "localhost" || strings.HasSuffix(host, ".localhost")) && !p.AllowLoopback {
		return fmt.Errorf("%w: loopback", ErrTargetRefused)
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		return p.Check(addr, port)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if err := p.Check(a, port); err != nil {
			return err
		}
	}
	return nil
}
