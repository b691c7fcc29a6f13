// Package structure holds tests of the module's shape (issue 13): what the bot's binary
// links, which packages may speak to Telegram's library and to Redis's, and that no package
// grows to hold the rest.
package structure

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/qamqor/qamqor"

type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

func goList(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

func packages(t *testing.T) []pkg {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(goList(t, "-json", "./...")))
	var out []pkg
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// The bot's binary links neither the testing package nor httptest: what it runs is what
// the tests do not.
func TestTheBinaryLinksNoTestingCode(t *testing.T) {
	for _, dep := range strings.Fields(string(goList(t, "-deps", "./cmd/qamqor"))) {
		if dep == "testing" || dep == "net/http/httptest" || dep == "testing/fstest" {
			t.Errorf("go list -deps ./cmd/qamqor names %s", dep)
		}
	}
}

// Only the Telegram adapter (and the fake Bot API of the tests) imports go-telegram/bot;
// only the Redis store (and the tests' Redis) imports go-redis — and the benchmark's
// reference bot, whose point is to be a Go bot with nothing of Qamqor's in it.
func TestLibrariesStayBehindTheirAdapters(t *testing.T) {
	allowed := map[string][]string{
		"github.com/go-telegram/bot": {module + "/telegram", module + "/internal/fakebotapi"},
		"github.com/redis/go-redis":  {module + "/store", module + "/internal/redistest", module + "/cmd/qamqor/benchref"},
	}
	for _, p := range packages(t) {
		for _, imp := range p.Imports {
			for lib, who := range allowed {
				if (imp == lib || strings.HasPrefix(imp, lib+"/")) && !slices.Contains(who, p.ImportPath) {
					t.Errorf("%s imports %s; only %v may", p.ImportPath, imp, who)
				}
			}
		}
	}
}

// No package holds more than a quarter of the module's non-test Go lines.
func TestNoPackageHoldsAQuarterOfTheCode(t *testing.T) {
	lines := map[string]int{}
	total := 0
	for _, p := range packages(t) {
		for _, f := range p.GoFiles {
			n := countLines(t, filepath.Join(p.Dir, f))
			lines[p.ImportPath] += n
			total += n
		}
	}
	for p, n := range lines {
		if n*4 > total {
			t.Errorf("%s holds %d of %d lines (%.0f%%), more than a quarter", p, n, total, 100*float64(n)/float64(total))
		}
	}
	t.Logf("%d packages, %d non-test lines", len(lines), total)
}

func countLines(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		n++
	}
	return n
}
