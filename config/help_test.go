package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestHelpListsEveryFlag(t *testing.T) {
	_, _, err := Load("firstask serve", []string{"-h"}, env(map[string]string{"FIRSTASK_DB": "mysql://u:secret-pw@tcp(h:3306)/firstask"}))
	var help HelpError
	if !errors.As(err, &help) {
		t.Fatalf("-h: %v, want a HelpError", err)
	}
	if strings.Contains(string(help), "secret-pw") {
		t.Fatal("help shows a value from the environment")
	}
	for _, s := range Settings {
		if !strings.Contains(string(help), "-"+s.Flag) || !strings.Contains(string(help), s.Env) {
			t.Errorf("help lacks %s (%s)", s.Flag, s.Env)
		}
	}
}

// TestReadmeListsEverySetting keeps the README's configuration table in
// step with Settings.
func TestReadmeListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		row := "| `" + s.Env + "` | `--" + s.Flag + "` | `" + s.Default + "` |"
		if s.Default == "" {
			row = "| `" + s.Env + "` | `--" + s.Flag + "` |"
		}
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md has no row starting %s", row)
		}
	}
}
