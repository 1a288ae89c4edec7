package config

import (
	"strings"
	"testing"
)

// TestPublicURL: FIRSTASK_PUBLIC_URL is empty by default, kept without its
// trailing slash, and refused unless it is a plain http(s) address.
func TestPublicURL(t *testing.T) {
	cfg, _, err := Load("t", nil, env(nil))
	if err != nil || cfg.PublicURL != "" {
		t.Fatalf("default %q %v", cfg.PublicURL, err)
	}
	cfg, _, err = Load("t", []string{"--public-url", "https://firstask.example.com/sub/"}, env(nil))
	if err != nil || cfg.PublicURL != "https://firstask.example.com/sub" {
		t.Fatalf("flag: %q %v", cfg.PublicURL, err)
	}
	cfg, _, err = Load("t", nil, env(map[string]string{"FIRSTASK_PUBLIC_URL": "http://10.0.0.5:8080"}))
	if err != nil || cfg.PublicURL != "http://10.0.0.5:8080" {
		t.Fatalf("env: %q %v", cfg.PublicURL, err)
	}
	for _, bad := range []string{"firstask.example.com", "ftp://x.example.com", "https://x.example.com/?a=1", "https://u:p@x.example.com", "https://"} {
		if _, _, err := Load("t", nil, env(map[string]string{"FIRSTASK_PUBLIC_URL": bad})); err == nil || !strings.Contains(err.Error(), "FIRSTASK_PUBLIC_URL") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
