//go:build unix

package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The README's walkthroughs are run as written: each section whose ```sh
// blocks use $FA runs, all its blocks in one bash, against a fresh
// `--demo` server of the real binary. curl is wrapped to record every
// answer with the README line it came from; an answer must be a 2xx unless
// the comment after its command says another status (`# 403 …`), and the
// `"key":value` pairs of that comment must be found in the answer (values
// written as <…> or with … only say the key is there).

// readmeBlock is one ```sh block: its first line number (1-based) and text.
type readmeBlock struct {
	section string
	line    int
	lines   []string
}

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeBlock
	section := ""
	var cur *readmeBlock
	for i, l := range strings.Split(string(raw), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "## "):
			section = strings.TrimPrefix(l, "## ")
		case cur == nil && l == "```sh":
			cur = &readmeBlock{section: section, line: i + 2}
		case cur != nil && l == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		}
	}
	return out
}

// shellCommand is a command's line span in the README and the comments
// written after it.
type shellCommand struct {
	first, last int
	comment     string
}

// commandsOf splits a block into commands, following quotes and
// backslash continuations, keeping each line's trailing comment.
func commandsOf(b readmeBlock) []shellCommand {
	var out []shellCommand
	var cur *shellCommand
	quote := byte(0)
	for i, l := range b.lines {
		n := b.line + i
		comment := ""
		escaped := false
		code := false
		for j := 0; j < len(l); j++ {
			c := l[j]
			switch {
			case escaped:
				escaped = false
			case c == '\\' && quote != '\'':
				escaped = true
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '\'' || c == '"':
				quote = c
				code = true
			case c == '#' && (j == 0 || l[j-1] == ' ' || l[j-1] == '\t'):
				comment = strings.TrimSpace(l[j+1:])
				j = len(l)
			case c != ' ' && c != '\t':
				code = true
			}
		}
		if cur == nil && code {
			cur = &shellCommand{first: n}
		}
		if cur == nil {
			continue
		}
		if comment != "" {
			cur.comment = strings.TrimSpace(cur.comment + " " + comment)
		}
		cur.last = n
		if quote == 0 && !strings.HasSuffix(strings.TrimRight(l, " "), "\\") {
			out = append(out, *cur)
			cur = nil
		}
	}
	return out
}

const curlWrapper = `curl() {
  local n line rc
  n=$(( $(cat "$WALK_DIR/count") + 1 )); echo "$n" > "$WALK_DIR/count"
  line=${BASH_LINENO[0]}
  command curl -D "$WALK_DIR/$n.head" "$@" > "$WALK_DIR/$n.body"; rc=$?
  cat "$WALK_DIR/$n.body"
  echo "$n $line $rc" >> "$WALK_DIR/index"
  return $rc
}
`

var (
	wantStatus = regexp.MustCompile(`^([1-5][0-9][0-9])\b`)
	wantPair   = regexp.MustCompile(`"([a-z_]+)":("[^"]*"|-?[0-9]+(?:\.[0-9]+)?|true|false|\[|\{)?`)
)

// findKey reports the values of every member named key anywhere in v.
func findKey(v any, key string, out *[]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == key {
				*out = append(*out, val)
			}
			findKey(val, key, out)
		}
	case []any:
		for _, e := range x {
			findKey(e, key, out)
		}
	}
}

// checkAnswer holds one recorded answer to the comment after its command.
func checkAnswer(status int, body []byte, comment string) error {
	want := 0
	if m := wantStatus.FindStringSubmatch(comment); m != nil {
		want, _ = strconv.Atoi(m[1])
	}
	if want != 0 && status != want {
		return fmt.Errorf("status %d, the README shows %d", status, want)
	}
	if want == 0 && (status < 200 || status > 299) {
		return fmt.Errorf("status %d, the README shows a success", status)
	}
	pairs := wantPair.FindAllStringSubmatch(comment, -1)
	if len(pairs) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("the README shows JSON (%s), the answer is not: %v", comment, err)
	}
	for _, p := range pairs {
		var found []any
		findKey(v, p[1], &found)
		if len(found) == 0 {
			return fmt.Errorf("no %q in the answer", p[1])
		}
		lit := p[2]
		if lit == "" || lit == "{" || strings.HasPrefix(lit, `"<`) || strings.Contains(lit, "…") {
			continue
		}
		ok := false
		for _, f := range found {
			switch {
			case lit == "[":
				_, ok = f.([]any)
			default:
				b, _ := json.Marshal(f)
				ok = ok || string(b) == lit
			}
			if ok {
				break
			}
		}
		if !ok {
			return fmt.Errorf("%s is %v, the README shows %s", p[1], found, lit)
		}
	}
	return nil
}

// TestReadmeWalkthroughs runs the README's walkthroughs against fresh demo
// servers of the real binary and holds every answer to what the README
// shows.
func TestReadmeWalkthroughs(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the README's walkthroughs need %s: %v", tool, err)
		}
	}
	blocks := readmeBlocks(t)
	var sections []string
	bySection := map[string][]readmeBlock{}
	for _, b := range blocks {
		if !strings.Contains(strings.Join(b.lines, "\n"), "$FA") {
			continue
		}
		if _, ok := bySection[b.section]; !ok {
			sections = append(sections, b.section)
		}
		bySection[b.section] = append(bySection[b.section], b)
	}
	if len(sections) < 4 {
		t.Fatalf("found %d walkthrough sections in README.md (%v), want at least 4", len(sections), sections)
	}
	bin := buildBinary(t)
	for _, section := range sections {
		t.Run(section, func(t *testing.T) {
			runWalkthrough(t, bin, bySection[section])
		})
	}
}

func runWalkthrough(t *testing.T, bin string, blocks []readmeBlock) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "walk.db")
	demo := exec.Command(bin, "demo", "--db", db, "--bcrypt-cost", "4")
	if out, err := demo.CombinedOutput(); err != nil {
		t.Fatalf("firstask demo: %v\n%s", err, out)
	}
	p := startServer(t, bin, "FIRSTASK_DB="+db, "FIRSTASK_BCRYPT_COST=4")
	p.waitReady(t, 30*time.Second)

	// The script keeps the README's line numbers: blank lines elsewhere.
	last := blocks[len(blocks)-1]
	script := make([]string, last.line+len(last.lines))
	var commands []shellCommand
	for _, b := range blocks {
		copy(script[b.line-1:], b.lines)
		commands = append(commands, commandsOf(b)...)
	}
	work := filepath.Join(dir, "work")
	walk := filepath.Join(dir, "walk")
	for _, d := range []string{work, walk} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(walk, "count"), []byte("0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "wrapper.sh"), []byte(curlWrapper), 0o644)
	os.WriteFile(filepath.Join(dir, "walkthrough.sh"), []byte(strings.Join(script, "\n")+"\n"), 0o644)
	cmd := exec.Command("bash", filepath.Join(dir, "walkthrough.sh"))
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "FA="+p.base, "WALK_DIR="+walk, "BASH_ENV="+filepath.Join(dir, "wrapper.sh"))
	// The README fills the results template with openpyxl through
	// `python3`; CI installs it for the system Python (.ci/run), which may
	// not be the first python3 on PATH.
	if exec.Command("python3", "-c", "import openpyxl").Run() != nil {
		bindir := filepath.Join(dir, "bin")
		os.MkdirAll(bindir, 0o755)
		if err := os.Symlink("/usr/bin/python3", filepath.Join(bindir, "python3")); err != nil {
			t.Fatal(err)
		}
		cmd.Env = append(cmd.Env, "PATH="+bindir+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("the walkthrough's last command failed: %v", err)
	}

	f, err := os.Open(filepath.Join(walk, "index"))
	if err != nil {
		t.Fatalf("no curl call was recorded: %v\n%s", err, out)
	}
	defer f.Close()
	calls := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var n, line, rc int
		if _, err := fmt.Sscan(sc.Text(), &n, &line, &rc); err != nil {
			t.Fatalf("index line %q: %v", sc.Text(), err)
		}
		calls++
		comment := ""
		for _, c := range commands {
			if line >= c.first && line <= c.last {
				comment = c.comment
			}
		}
		if rc != 0 {
			t.Errorf("README.md:%d: curl exited %d", line, rc)
			continue
		}
		head, _ := os.ReadFile(filepath.Join(walk, fmt.Sprintf("%d.head", n)))
		body, _ := os.ReadFile(filepath.Join(walk, fmt.Sprintf("%d.body", n)))
		status := 0
		for _, l := range strings.Split(string(head), "\n") {
			if strings.HasPrefix(l, "HTTP/") {
				fmt.Sscanf(strings.Fields(l)[1], "%d", &status)
			}
		}
		if err := checkAnswer(status, body, comment); err != nil {
			t.Errorf("README.md:%d: %v\nanswer: %.600s", line, err, body)
		}
	}
	if calls == 0 {
		t.Fatalf("no curl call was recorded:\n%s", out)
	}
	if t.Failed() {
		t.Logf("output of the walkthrough:\n%.6000s", out)
	}
}

// TestReadmeCheckerCatchesDrift proves the checks fail an answer that
// lost a key, changed a literal, or has the wrong status.
func TestReadmeCheckerCatchesDrift(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		comment string
		ok      bool
	}{
		{200, `{"id":4,"ref":"SW-1"}`, `{"id":4,"ref":"SW-…"}`, true},
		{200, `{"id":5}`, `{"id":4}`, false},
		{200, `{"ref":"x"}`, `{"id":…}`, false},
		{200, `{"items":[],"total":2}`, `{"items":[],"total":2}`, true},
		{403, `{"error":{"code":"forbidden"}}`, `403 forbidden`, true},
		{200, `{}`, `403 forbidden`, false},
		{422, `{"error":{}}`, ``, false},
		{204, ``, `204`, true},
		{200, `{"counted_month":"2026-10"}`, `"counted_month":"<last month>"`, true},
	}
	for _, c := range cases {
		if err := checkAnswer(c.status, []byte(c.body), c.comment); (err == nil) != c.ok {
			t.Errorf("%d %s against %q: %v, want ok=%v", c.status, c.body, c.comment, err, c.ok)
		}
	}
	b := readmeBlock{line: 10, lines: []string{
		`X=$(curl -s -d '{`, `  "a": 1 # not a comment`, `}' | sed x)   # {"id":1}`, `# a comment line`, `curl -s y \`, `  -H z   # 403`,
	}}
	got := fmt.Sprint(commandsOf(b))
	if want := `[{10 12 {"id":1}} {14 15 403}]`; got != want {
		t.Errorf("commandsOf: %s, want %s", got, want)
	}
}
