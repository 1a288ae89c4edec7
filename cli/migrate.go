package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"firstask/config"
	"firstask/migrations"
	"firstask/models"
)

func migrate(ctx context.Context, store *models.Store, cfg config.Config, sub string, stdout, stderr io.Writer) int {
	sqlDB, err := store.SQLDB()
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	p, err := migrations.NewProvider(migrations.Dialect(cfg.Driver), sqlDB)
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	if sub == "up" {
		res, err := p.Up(ctx)
		for _, r := range res {
			fmt.Fprintf(stdout, "applied %s (%s)\n", r.Source.Path, r.Duration.Round(time.Millisecond))
		}
		if err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		if len(res) == 0 {
			fmt.Fprintln(stdout, "no pending migrations")
		}
		rebuilt, err := store.EnsureServiceTotals(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		if rebuilt {
			fmt.Fprintf(stdout, "rebuilt the service totals for the time zone %s\n", store.Location())
		}
		return 0
	}
	st, err := p.Status(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	for _, s := range st {
		applied := "pending"
		if !s.AppliedAt.IsZero() {
			applied = "applied " + s.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(stdout, "%05d  %-40s %s\n", s.Source.Version, s.Source.Path, applied)
	}
	return 0
}

// prepare migrates the database and creates the first admin on an empty one.
func prepare(ctx context.Context, store *models.Store, cfg config.Config, log *slog.Logger) error {
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	no, generated, created, err := store.EnsureAdmin(ctx, cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("create the first admin: %w", err)
	}
	switch {
	case created && generated != "":
		// Printed once, on purpose: nobody else knows it.
		log.Warn("created the first admin account; change this password after signing in",
			slog.String("employee_no", no), slog.String("password", generated))
	case created:
		log.Info("created the first admin account from FIRSTASK_ADMIN_PASSWORD", slog.String("employee_no", no))
	}
	return nil
}

func fillDemo(ctx context.Context, store *models.Store, log *slog.Logger) error {
	n, err := store.FillDemo(ctx)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if n == 0 {
		log.Info("demo data skipped: the database already holds an organisation")
	} else {
		log.Info("demo organisation created", slog.Int("staff", n), slog.String("password", models.DemoPassword))
	}
	return nil
}

// resetPassword gives the account a new generated password and prints it
// once: the way back in when the first admin's one-time password is lost.
// The database is migrated first (as serve would); the reset is audited
// and signs the account out everywhere.
func resetPassword(ctx context.Context, store *models.Store, employeeNo string, stdout, stderr io.Writer) int {
	if err := store.Migrate(ctx); err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	st, password, err := store.ResetPassword(ctx, models.System("cli admin reset-password"), employeeNo)
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", models.ErrorMessage(err))
		return 1
	}
	fmt.Fprintf(stdout, "new password for %s (%s): %s\nit is shown only now; change it after signing in (修改密码 or POST /api/v1/me/password)\n", st.EmployeeNo, st.Name, password)
	return 0
}
