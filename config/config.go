// Package config reads firstask's settings from FIRSTASK_* environment
// variables, lets command-line flags override them, and checks them so that
// a bad setting stops start-up with one clear line.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Driver names a supported database.
type Driver string

// Supported database drivers.
const (
	SQLite Driver = "sqlite"
	MySQL  Driver = "mysql"
)

// Config is the complete, validated configuration of one process.
type Config struct {
	Listen          string
	Database        string // as given: a path, sqlite:PATH or mysql://DSN
	Driver          Driver
	DSN             string // driver-level DSN derived from Database
	TimeZone        string
	Location        *time.Location
	TokenTTL        time.Duration
	TrustedProxies  []string
	LogLevel        slog.Level
	LogFormat       string // "json" or "text"
	AdminPassword   string
	Organisation    string
	MaxBodyBytes    int64
	MaxUploadBytes  int64
	SLAScanInterval time.Duration
	ShutdownTimeout time.Duration
	ShutdownDelay   time.Duration
	BcryptCost      int
	Demo            bool
	// HTTP connection limits: see api.HTTPLimits.
	HeaderTimeout, BodyTimeout, UploadTimeout, IdleTimeout time.Duration
	MaxHeaderBytes                                         int
	// AuditKey keys the audit chain (from FIRSTASK_AUDIT_KEY_FILE or
	// FIRSTASK_AUDIT_KEY); nil when neither is set.
	AuditKey []byte
	// WebhookAllowPrivate admits webhook targets in private ranges.
	WebhookAllowPrivate bool
	SecureCookies       bool
	// PublicURL is where people open the service; group robots' messages
	// link to pages under it (empty: no link).
	PublicURL string
	// MaxExports bounds the department-wide workbook exports running at
	// once; more answer 429 with Retry-After.
	MaxExports int
	// ReadDSNs are the driver-level DSNs of the read replicas
	// (FIRSTASK_DB_READ); none by default.
	ReadDSNs []string
	// ReadMaxLag is how far a read replica may lag before reads skip it.
	ReadMaxLag time.Duration
}

// Setting documents one configuration entry; the README's table is made
// from the same list.
type Setting struct {
	Env     string
	Flag    string
	Default string
	Help    string
}

// Settings lists every setting with its environment variable, flag and default.
var Settings = []Setting{
	{"FIRSTASK_LISTEN", "listen", ":8080", "address the HTTP server listens on"},
	{"FIRSTASK_DB", "db", "sqlite:./firstask.db", "database: a SQLite path (sqlite:PATH) or mysql://user:pass@tcp(host:3306)/firstask"},
	{"FIRSTASK_DB_READ", "db-read", "", "read replicas for people's reads (lists, details, scores, exports): one or more mysql://… DSNs, comma-separated; MySQL/MariaDB primary only; writes and the reads of whoever just wrote stay on FIRSTASK_DB"},
	{"FIRSTASK_DB_READ_MAX_LAG", "db-read-max-lag", "5s", "a read replica further behind its primary than this is skipped; whoever wrote reads from the primary for twice this long"},
	{"FIRSTASK_TIMEZONE", "timezone", "Asia/Shanghai", "the organisation's IANA time zone (months, working hours)"},
	{"FIRSTASK_TOKEN_TTL", "token-ttl", "12h", "lifetime of a login token"},
	{"FIRSTASK_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated proxy IPs/CIDRs whose X-Forwarded-For is believed; none by default"},
	{"FIRSTASK_LOG_LEVEL", "log-level", "info", "debug, info, warn or error"},
	{"FIRSTASK_LOG_FORMAT", "log-format", "json", "json (production) or text"},
	{"FIRSTASK_ADMIN_PASSWORD", "admin-password", "", "password of the first admin account on an empty database; generated and logged once when empty"},
	{"FIRSTASK_ORGANISATION", "organisation", "firstask", "organisation name printed on workbooks"},
	{"FIRSTASK_MAX_BODY_BYTES", "max-body-bytes", "1048576", "largest JSON request body"},
	{"FIRSTASK_MAX_UPLOAD_BYTES", "max-upload-bytes", "10485760", "largest uploaded workbook"},
	{"FIRSTASK_SLA_SCAN_INTERVAL", "sla-scan-interval", "1m", "how often the server scans SLA clocks (0 disables the timer)"},
	{"FIRSTASK_SHUTDOWN_TIMEOUT", "shutdown-timeout", "20s", "how long in-flight requests may finish after SIGTERM"},
	{"FIRSTASK_SHUTDOWN_DELAY", "shutdown-delay", "0s", "how long /readyz fails while requests are still taken after SIGTERM, so a load balancer can stop sending them first"},
	{"FIRSTASK_BCRYPT_COST", "bcrypt-cost", "10", "bcrypt cost of stored passwords (10–14)"},
	{"FIRSTASK_HEADER_TIMEOUT", "header-timeout", "10s", "time a client has to send a request's line and headers"},
	{"FIRSTASK_BODY_TIMEOUT", "body-timeout", "15s", "time a client has to send a request's body after its headers"},
	{"FIRSTASK_UPLOAD_TIMEOUT", "upload-timeout", "2m", "time a client has to send an uploaded workbook"},
	{"FIRSTASK_IDLE_TIMEOUT", "idle-timeout", "60s", "how long an idle keep-alive connection is kept open"},
	{"FIRSTASK_MAX_HEADER_BYTES", "max-header-bytes", "65536", "largest request line plus headers (431 above)"},
	{"FIRSTASK_AUDIT_KEY_FILE", "audit-key-file", "", "file holding the audit chain's HMAC key (at least 32 bytes; keep it outside the database and its backups)"},
	{"FIRSTASK_AUDIT_KEY", "audit-key", "", "the audit chain's HMAC key itself (at least 32 characters), when no key file is used"},
	{"FIRSTASK_WEBHOOK_ALLOW_PRIVATE", "webhook-allow-private", "false", "let webhooks reach private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), e.g. an on-premises gateway; loopback, link-local and metadata addresses are refused always"},
	{"FIRSTASK_SECURE_COOKIES", "secure-cookies", "false", "mark the web pages' cookies Secure even on plain HTTP (behind a TLS-terminating proxy)"},
	{"FIRSTASK_PUBLIC_URL", "public-url", "", "the address people open the service at (https://firstask.example.com): group robots' messages link to pages under it; empty, they carry no link"},
	{"FIRSTASK_MAX_EXPORTS", "max-exports", "2", "department-wide workbook exports (appraisal, results template) built at once; more answer 429 with Retry-After"},
}

// HelpError is returned by Load for -h or --help; it holds the usage text
// with every flag, its variable and its default.
type HelpError string

// Error implements the error interface.
func (h HelpError) Error() string { return string(h) }

// help lists the flags with their variables and built-in defaults (never
// the values in the environment, which may hold the database password).
func help(name string) HelpError {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: %s [flags]\n\n", name)
	for _, s := range Settings {
		def := s.Default
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(&b, "  --%s (%s, default %s)\n      %s\n", s.Flag, s.Env, def, s.Help)
	}
	b.WriteString("  --demo\n      fill an empty database with a demo organisation\n")
	return HelpError(b.String())
}

// Load reads the environment, then the flags in args, and validates the
// result. The returned error is one line suitable for printing.
func Load(name string, args []string, getenv func(string) string) (Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	values := map[string]*string{}
	for _, s := range Settings {
		def := s.Default
		if v := getenv(s.Env); v != "" {
			def = v
		}
		values[s.Flag] = fs.String(s.Flag, def, s.Help+" ("+s.Env+")")
	}
	demo := fs.Bool("demo", false, "fill an empty database with a demo organisation")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, nil, help(name)
		}
		return Config{}, nil, fmt.Errorf("configuration: %v", err)
	}
	cfg, err := parse(values)
	if err != nil {
		return Config{}, nil, fmt.Errorf("configuration: %w", err)
	}
	cfg.Demo = *demo
	if cfg.Demo {
		// The demo accounts' passwords are public: unless an address was
		// asked for, a demo server is reachable from this machine only.
		explicit := getenv("FIRSTASK_LISTEN") != ""
		fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "listen" })
		if !explicit {
			_, port, _ := net.SplitHostPort(cfg.Listen)
			cfg.Listen = net.JoinHostPort("127.0.0.1", port)
		}
	}
	return cfg, fs.Args(), nil
}

func parse(v map[string]*string) (Config, error) {
	cfg := Config{
		Listen:        *v["listen"],
		Database:      *v["db"],
		TimeZone:      *v["timezone"],
		LogFormat:     strings.ToLower(*v["log-format"]),
		AdminPassword: *v["admin-password"],
		Organisation:  *v["organisation"],
	}
	var err error
	if cfg.Driver, cfg.DSN, err = ParseDatabase(cfg.Database); err != nil {
		return cfg, err
	}
	if cfg.ReadDSNs, err = parseReadDatabases(cfg.Driver, *v["db-read"]); err != nil {
		return cfg, err
	}
	if cfg.ReadMaxLag, err = positiveDuration("FIRSTASK_DB_READ_MAX_LAG", *v["db-read-max-lag"]); err != nil {
		return cfg, err
	}
	if cfg.Location, err = time.LoadLocation(cfg.TimeZone); err != nil || cfg.TimeZone == "" {
		return cfg, fmt.Errorf("FIRSTASK_TIMEZONE: unknown time zone %q", cfg.TimeZone)
	}
	if cfg.TokenTTL, err = positiveDuration("FIRSTASK_TOKEN_TTL", *v["token-ttl"]); err != nil {
		return cfg, err
	}
	if cfg.ShutdownTimeout, err = positiveDuration("FIRSTASK_SHUTDOWN_TIMEOUT", *v["shutdown-timeout"]); err != nil {
		return cfg, err
	}
	if cfg.ShutdownDelay, err = time.ParseDuration(*v["shutdown-delay"]); err != nil || cfg.ShutdownDelay < 0 {
		return cfg, fmt.Errorf("FIRSTASK_SHUTDOWN_DELAY: %q is not a duration such as 5s", *v["shutdown-delay"])
	}
	if cfg.SLAScanInterval, err = time.ParseDuration(*v["sla-scan-interval"]); err != nil || cfg.SLAScanInterval < 0 {
		return cfg, fmt.Errorf("FIRSTASK_SLA_SCAN_INTERVAL: %q is not a duration such as 1m", *v["sla-scan-interval"])
	}
	if cfg.TrustedProxies, err = parseProxies(*v["trusted-proxies"]); err != nil {
		return cfg, err
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*v["log-level"])); err != nil {
		return cfg, fmt.Errorf("FIRSTASK_LOG_LEVEL: %q is not one of debug, info, warn, error", *v["log-level"])
	}
	if cfg.LogFormat != "json" && cfg.LogFormat != "text" {
		return cfg, fmt.Errorf("FIRSTASK_LOG_FORMAT: %q is not json or text", cfg.LogFormat)
	}
	if cfg.MaxBodyBytes, err = positiveInt("FIRSTASK_MAX_BODY_BYTES", *v["max-body-bytes"]); err != nil {
		return cfg, err
	}
	if cfg.MaxUploadBytes, err = positiveInt("FIRSTASK_MAX_UPLOAD_BYTES", *v["max-upload-bytes"]); err != nil {
		return cfg, err
	}
	cost, err := positiveInt("FIRSTASK_BCRYPT_COST", *v["bcrypt-cost"])
	if err != nil || cost < 4 || cost > 31 {
		return cfg, fmt.Errorf("FIRSTASK_BCRYPT_COST: %q is not a bcrypt cost between 4 and 31", *v["bcrypt-cost"])
	}
	cfg.BcryptCost = int(cost)
	for _, d := range []struct {
		env, flag string
		to        *time.Duration
	}{{"FIRSTASK_HEADER_TIMEOUT", "header-timeout", &cfg.HeaderTimeout}, {"FIRSTASK_BODY_TIMEOUT", "body-timeout", &cfg.BodyTimeout},
		{"FIRSTASK_UPLOAD_TIMEOUT", "upload-timeout", &cfg.UploadTimeout}, {"FIRSTASK_IDLE_TIMEOUT", "idle-timeout", &cfg.IdleTimeout}} {
		if *d.to, err = positiveDuration(d.env, *v[d.flag]); err != nil {
			return cfg, err
		}
	}
	hb, err := positiveInt("FIRSTASK_MAX_HEADER_BYTES", *v["max-header-bytes"])
	if err != nil || hb < 4096 || hb > 1<<20 {
		return cfg, fmt.Errorf("FIRSTASK_MAX_HEADER_BYTES: %q is not a whole number between 4096 and 1048576", *v["max-header-bytes"])
	}
	cfg.MaxHeaderBytes = int(hb)
	if cfg.AuditKey, err = auditKey(*v["audit-key-file"], *v["audit-key"]); err != nil {
		return cfg, err
	}
	if cfg.WebhookAllowPrivate, err = parseBool("FIRSTASK_WEBHOOK_ALLOW_PRIVATE", *v["webhook-allow-private"]); err != nil {
		return cfg, err
	}
	if cfg.SecureCookies, err = parseBool("FIRSTASK_SECURE_COOKIES", *v["secure-cookies"]); err != nil {
		return cfg, err
	}
	if cfg.PublicURL, err = publicURL(*v["public-url"]); err != nil {
		return cfg, err
	}
	exports, err := positiveInt("FIRSTASK_MAX_EXPORTS", *v["max-exports"])
	if err != nil || exports > 64 {
		return cfg, fmt.Errorf("FIRSTASK_MAX_EXPORTS: %q is not a whole number from 1 to 64", *v["max-exports"])
	}
	cfg.MaxExports = int(exports)
	if cfg.Listen == "" {
		return cfg, errors.New("FIRSTASK_LISTEN: empty listen address")
	}
	if _, _, err := net.SplitHostPort(cfg.Listen); err != nil {
		return cfg, fmt.Errorf("FIRSTASK_LISTEN: %q is not host:port", cfg.Listen)
	}
	return cfg, nil
}

// ParseDatabase turns the FIRSTASK_DB value into a driver and the DSN that
// driver expects. A bare path means SQLite.
func ParseDatabase(s string) (Driver, string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", "", errors.New("FIRSTASK_DB: empty database setting")
	case strings.HasPrefix(s, "mysql://"):
		dsn := strings.TrimPrefix(s, "mysql://")
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return "", "", fmt.Errorf("FIRSTASK_DB: cannot parse the MySQL DSN: %v", err)
		}
		if cfg.DBName == "" {
			return "", "", errors.New("FIRSTASK_DB: the MySQL DSN names no database (…/firstask)")
		}
		return MySQL, MySQLDSN(cfg), nil
	case strings.HasPrefix(s, "sqlite://"):
		return sqliteDSN(strings.TrimPrefix(s, "sqlite://"))
	case strings.HasPrefix(s, "sqlite:"):
		return sqliteDSN(strings.TrimPrefix(s, "sqlite:"))
	case strings.Contains(s, "://"):
		scheme := s[:strings.Index(s, "://")]
		return "", "", fmt.Errorf("FIRSTASK_DB: unknown database driver %q (use sqlite: or mysql://)", scheme)
	default:
		return sqliteDSN(s)
	}
}

// parseReadDatabases turns FIRSTASK_DB_READ, comma-separated mysql://
// DSNs, into driver DSNs. Read replicas need a MySQL or MariaDB primary.
func parseReadDatabases(primary Driver, s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if primary != MySQL {
		return nil, errors.New("FIRSTASK_DB_READ: read replicas need a MySQL or MariaDB database in FIRSTASK_DB; SQLite is one file and takes none")
	}
	var out []string
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if !strings.HasPrefix(item, "mysql://") {
			return nil, fmt.Errorf("FIRSTASK_DB_READ: replica %d is not a mysql://user:pass@tcp(host:3306)/firstask DSN", i+1)
		}
		d, dsn, err := ParseDatabase(item)
		if err != nil || d != MySQL {
			return nil, fmt.Errorf("FIRSTASK_DB_READ: replica %d: %v", i+1, strings.TrimPrefix(fmt.Sprint(err), "FIRSTASK_DB: "))
		}
		out = append(out, dsn)
	}
	return out, nil
}

// MySQLDSN fixes the settings firstask relies on: utf8mb4, parsed times in
// UTC, and parameters interpolated by the driver (interpolateParams): a
// statement with arguments is then one round trip, not a server-side
// prepare, execute and close each time (GORM prepares nothing for reuse),
// which halved the round trips of every read (docs/decisions.md). The
// driver escapes with the connection's utf8mb4 and refuses to interpolate
// under a multibyte charset where escaping would be unsafe.
//
// Also measured on a 3-node MariaDB Galera cluster (10.11, galera-4 26.4): with
// prepared statements, a transaction the cluster aborted (a local
// transaction losing to a replicated one) was sometimes rolled back without
// any statement reporting it, the rest of it ran in autocommit mode, and
// clients were answered 201 for inquiries that were never stored (every
// one of 6 runs of TestGaleraCluster, 1–8 inquiries each); with
// interpolated parameters the abort surfaces as error 1213 on the next
// statement and is retried (no loss in any run since).
func MySQLDSN(cfg *mysql.Config) string {
	cfg.ParseTime = true
	cfg.InterpolateParams = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["charset"] = "utf8mb4"
	cfg.Collation = "utf8mb4_unicode_ci"
	cfg.MultiStatements = false
	cfg.InterpolateParams = true
	return cfg.FormatDSN()
}

// SQLitePragmas are the connection settings measured to survive concurrent
// writers (see docs/decisions.md). mmap_size maps up to the first 2 GiB of
// the file (the driver's compiled-in ceiling) so that reads take pages
// from the operating system's cache without a read call and a copy each:
// the big reads (the month's records, the export's notes by key) spent a
// third of their time there (docs/performance.md).
const SQLitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(2147418112)&_txlock=immediate"

func sqliteDSN(path string) (Driver, string, error) {
	if path == "" {
		return "", "", errors.New("FIRSTASK_DB: empty SQLite path")
	}
	if strings.Contains(path, "?") {
		return "", "", errors.New("FIRSTASK_DB: give the SQLite path without ?parameters; firstask sets its own")
	}
	return SQLite, "file:" + path + "?" + SQLitePragmas, nil
}

func positiveDuration(name, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: %q is not a positive duration such as 12h", name, s)
	}
	return d, nil
}

// auditKey reads the audit key from a file or takes it as given.
func auditKey(file, value string) ([]byte, error) {
	if file != "" && value != "" {
		return nil, errors.New("FIRSTASK_AUDIT_KEY_FILE and FIRSTASK_AUDIT_KEY: give one, not both")
	}
	key, name := []byte(value), "FIRSTASK_AUDIT_KEY"
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("FIRSTASK_AUDIT_KEY_FILE: %v", err)
		}
		key, name = []byte(strings.TrimSpace(string(b))), "FIRSTASK_AUDIT_KEY_FILE"
	}
	if len(key) == 0 {
		return nil, nil
	}
	if len(key) < 32 {
		return nil, fmt.Errorf("%s: the key has %d bytes; use at least 32 (e.g. openssl rand -hex 32)", name, len(key))
	}
	return key, nil
}

func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("%s: %q is not true or false", name, s)
}

func positiveInt(name, s string) (int64, error) {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil || n <= 0 || fmt.Sprint(n) != strings.TrimSpace(s) {
		return 0, fmt.Errorf("%s: %q is not a positive whole number", name, s)
	}
	return n, nil
}

func parseProxies(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				return nil, fmt.Errorf("FIRSTASK_TRUSTED_PROXIES: %q is not an IP address or CIDR", p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// publicURL checks FIRSTASK_PUBLIC_URL: empty, or an absolute http(s)
// address without query or fragment; kept without its trailing slash.
func publicURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("FIRSTASK_PUBLIC_URL: %q is not an http or https address such as https://firstask.example.com", s)
	}
	return strings.TrimRight(s, "/"), nil
}
