package main

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeConfigurationTableMatchesTheCode fails when a variable is added, removed or
// given a new default without the README's table saying so.
func TestReadmeConfigurationTableMatchesTheCode(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| ([^|]+) \\|")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		documented[m[1]] = strings.Trim(strings.TrimSpace(m[2]), "`")
	}
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := f.Tag.Get("env")
		def, ok := documented[name]
		if !ok {
			t.Errorf("%s is read by the code but not in the README's configuration table", name)
			continue
		}
		want := f.Tag.Get("envDefault")
		if want == "" {
			want = "—"
		}
		if def != want {
			t.Errorf("%s: README says default %q, the code %q", name, def, want)
		}
		delete(documented, name)
	}
	for name := range documented {
		t.Errorf("the README documents %s, which the code does not read", name)
	}
}
