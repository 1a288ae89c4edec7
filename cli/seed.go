package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"firstask/config"
	"firstask/models"
	"firstask/seed"
)

// seedFlags are the sizes of "firstask seed"; the database and the other
// settings come from the usual FIRSTASK_* variables and flags.
type seedFlags struct {
	opts seed.Options
}

// parseCommandFlags parses a subcommand's own flags from args and hands
// back the ones that belong to the configuration (--db, --timezone, …), so
// that config.Load checks them as for every other command.
func parseCommandFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var cfgArgs []string
	for _, s := range config.Settings {
		name := s.Flag
		fs.Func(name, s.Help+" ("+s.Env+")", func(v string) error {
			cfgArgs = append(cfgArgs, "--"+name+"="+v)
			return nil
		})
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return cfgArgs, nil
}

func newSeedFlags(out io.Writer) (*flag.FlagSet, *seedFlags) {
	f := &seedFlags{}
	fs := flag.NewFlagSet("firstask seed", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.IntVar(&f.opts.Staff, "staff", 10000, "staff members (one supervisor per department, 1 in 200 HR)")
	fs.IntVar(&f.opts.Departments, "departments", 200, "departments under HQ")
	fs.IntVar(&f.opts.Inquiries, "inquiries", 1000000, "inquiries registered in the month")
	fs.IntVar(&f.opts.Conduct, "conduct", 200000, "conduct records (violations in every state)")
	fs.IntVar(&f.opts.Praise, "praise", 50000, "praise counted in the month")
	fs.StringVar(&f.opts.Month, "month", time.Now().Format("2006-01"), "month of activity, YYYY-MM")
	fs.Uint64Var(&f.opts.Seed, "seed", 1, "random seed: the same seed gives the same rows")
	return fs, f
}

// runSeed migrates the database, creates the first admin and fills it with
// the synthetic organisation, reporting progress on the log.
func runSeed(ctx context.Context, store *models.Store, cfg config.Config, o seed.Options, log *slog.Logger, stdout io.Writer) error {
	if err := prepare(ctx, store, cfg, log); err != nil {
		return err
	}
	last := time.Time{}
	rep, err := seed.Fill(ctx, store, o, func(p seed.Progress) {
		if time.Since(last) < time.Second && p.Done < p.Total {
			return
		}
		last = time.Now()
		log.Info("seed", slog.String("stage", p.Stage), slog.Int("done", p.Done), slog.Int("total", p.Total),
			slog.String("elapsed", p.Elapsed.Round(time.Millisecond).String()))
	})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(stdout, "seeded %s (seed %d, as of %s) in %s: %d departments, %d staff, %d inquiries, %d referrals, %d SLA clocks, %d timeline events, %d violations, %d praise\n",
		rep.Month, rep.Seed, rep.AsOf.Format(time.RFC3339), rep.Elapsed.Round(time.Millisecond), rep.Departments, rep.Staff,
		rep.Inquiries, rep.Referrals, rep.Clocks, rep.Events, rep.Violations, rep.Praise)
	fmt.Fprintf(stdout, "every seeded account (S000001 …) signs in with the password %s\n", seed.Password)
	return nil
}
