// Package cli is the firstask command: it reads the arguments and the
// environment, opens the store and runs one command. The commands live in
// a file each: serve.go (the server and its shutdown), workers.go (the
// background loops), migrate.go (migrations, first admin, demo data),
// seed.go and loadtest.go (tools for measuring).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"firstask/config"
	"firstask/models"
	"firstask/seed"
)

const usage = `usage: firstask <command> [flags]

commands:
  serve [--demo]     start the API server (the default)
  migrate up|status  apply pending migrations, or list them
  demo               fill an empty database with the demo organisation and exit
  admin reset-password [EMPLOYEE_NO]
                     give an account (default: admin) a new one-time password and print it
  healthcheck        exit 0 when the local server answers /healthz (Docker HEALTHCHECK)
  seed               fill an empty database with a large synthetic organisation (benchmarks, load tests)
  loadtest           drive a running server with concurrent clients and report latencies

Run "firstask serve -h" for the flags; each has a FIRSTASK_* environment variable.
`

// Run is main without the process: it returns the exit code (2 for bad
// configuration or usage).
func Run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	sub := ""
	if cmd == "migrate" {
		if len(args) == 0 || (args[0] != "up" && args[0] != "status") {
			fmt.Fprint(stderr, "usage: firstask migrate up|status [flags]\n")
			return 2
		}
		sub, args = args[0], args[1:]
	}
	if cmd == "admin" {
		if len(args) == 0 || args[0] != "reset-password" {
			fmt.Fprint(stderr, "usage: firstask admin reset-password [flags] [EMPLOYEE_NO]\n")
			return 2
		}
		sub, args = args[0], args[1:]
	}
	var seedOpts seed.Options
	switch cmd {
	case "serve", "migrate", "demo", "healthcheck", "admin":
	case "seed":
		fs, f := newSeedFlags(stderr)
		cfgArgs, err := parseCommandFlags(fs, args)
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if err != nil {
			fmt.Fprintln(stderr, "firstask seed:", err)
			return 2
		}
		args, seedOpts = cfgArgs, f.opts
	case "loadtest":
		return loadtest(args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "firstask: unknown command %q\n%s", cmd, usage)
		return 2
	}
	cfg, rest, err := config.Load("firstask "+cmd, args, getenv)
	var help config.HelpError
	if errors.As(err, &help) {
		fmt.Fprint(stdout, help)
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 2
	}
	account := models.FirstAdminEmployeeNo
	if cmd == "admin" && len(rest) == 1 {
		account, rest = rest[0], nil
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "firstask %s: unexpected argument %q\n%s", cmd, rest[0], usage)
		return 2
	}
	if cmd == "healthcheck" {
		return healthcheck(cfg.Listen, stderr)
	}
	log := newLogger(cfg, stderr)
	// serve takes its address before anything else: on a busy port it
	// stops here, before the database is created, migrated or filled.
	var ln net.Listener
	if cmd == "serve" {
		if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			fmt.Fprintf(stderr, "firstask: cannot listen on %s (is another server running there? choose another address with FIRSTASK_LISTEN or --listen): %v\n", cfg.Listen, err)
			return 1
		}
		defer ln.Close()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal a second one ends the process at once.
	context.AfterFunc(ctx, stop)

	store, err := models.Open(string(cfg.Driver), cfg.DSN, models.Options{BcryptCost: cfg.BcryptCost, Location: cfg.Location, AuditKey: cfg.AuditKey,
		ReadDSNs: cfg.ReadDSNs, ReplicaMaxLag: cfg.ReadMaxLag})
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	defer store.Close()

	switch cmd {
	case "migrate":
		return migrate(ctx, store, cfg, sub, stdout, stderr)
	case "seed":
		if err := runSeed(ctx, store, cfg, seedOpts, log, stdout); err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		return 0
	case "admin":
		return resetPassword(ctx, store, account, stdout, stderr)
	case "demo":
		if err := prepare(ctx, store, cfg, log); err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		if err := fillDemo(ctx, store, log); err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		return 0
	}
	if err := serve(ctx, store, cfg, log, ln); err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	return 0
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	o := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, o))
	}
	return slog.New(slog.NewJSONHandler(w, o))
}
