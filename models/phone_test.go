package models

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"13800138000", "13800138000", true},
		{"138 0013 8000", "13800138000", true},
		{"138-0013-8000", "13800138000", true},
		{"+86 138 0013 8000", "13800138000", true},
		{"010-65529988", "010-65529988", true},
		{"(010) 6552 9988", "010-65529988", true},
		{"0755-88886666", "0755-88886666", true},
		{"0755-8888 6666 转 123", "0755-88886666转123", true},
		{"010-65529988 ext. 12", "010-65529988转12", true},
		{"010-65529988#8", "010-65529988转8", true},
		{"13800138000 x7", "13800138000转7", true},
		{"+1 415 555 2671", "+14155552671", true},
		{"", "", false},
		{"12345", "", false},
		{"65529988", "", false},       // a landline without its area code
		{"13800138000abc", "", false}, // letters are not ignored
		{"95588", "", false},          // a service number is nobody's contact
		{"4008123123", "", false},
		{"1380013800", "", false}, // one digit short
	} {
		got, ok := NormalizePhone(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":       "138****8000",
		"010-65529988":      "010****9988",
		"0755-88886666转123": "075****6666",
		"+14155552671":      "+141****2671",
		"":                  "",
		"123":               "****",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhonePrefixOf(t *testing.T) {
	for in, want := range map[string]string{
		"13800": "13800", " 138 00 ": "13800", "010-6552": "0106552", "+1 415 5": "14155", "(0755) 8888": "07558888",
	} {
		if got, ok := phonePrefixOf(in); !ok || got != want {
			t.Errorf("phonePrefixOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "1380", "138a0", "李13800", "SW-20261015", "1234567890123456789012", "13800+1"} {
		if got, ok := phonePrefixOf(in); ok {
			t.Errorf("phonePrefixOf(%q) = %q; want no phone prefix", in, got)
		}
	}
}

// TestMainlandMobileShortcut: for every five-digit prefix 10000–19999,
// numbers under it get the same answer from NormalizePhone (which decides
// 11-digit numbers by their prefix's learned verdict) as from the parser
// itself, including numbers that differ from the three the verdict was
// learned from.
func TestMainlandMobileShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	mobiles := 0
	for prefix := 10000; prefix <= 19999; prefix++ {
		for range 4 {
			n := fmt.Sprintf("%d%06d", prefix, rng.IntN(1_000_000))
			gotOut, gotOK := NormalizePhone(n)
			wantOut, wantOK := normalizePhone(n)
			if gotOut != wantOut || gotOK != wantOK {
				t.Fatalf("%s: shortcut (%q, %v), parser (%q, %v)", n, gotOut, gotOK, wantOut, wantOK)
			}
			if gotOK {
				mobiles++
			}
		}
	}
	// The shortcut must have had mobiles to answer for: 13x, 15x, 18x…
	if mobiles < 10_000 {
		t.Fatalf("only %d of 40,000 numbers were mobiles", mobiles)
	}
	if _, _, known := mainlandMobile("13800138000"); !known {
		t.Error("a plain mainland mobile was not decided by its prefix")
	}
	if out, ok := NormalizePhone(" 13800138000 "); !ok || out != "13800138000" {
		t.Errorf("a mobile with spaces around: (%q, %v)", out, ok)
	}
}
