package console

import (
	"bytes"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/content"
)

func builtInDraft(t *testing.T) *draftFiles {
	t.Helper()
	a, err := content.Archive(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	d, err := openDraft(a)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// changedLines is how many lines of a file differ after an edit (same line count assumed).
func changedLines(t *testing.T, before, after []byte) []string {
	t.Helper()
	a, b := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	if len(a) != len(b) {
		t.Fatalf("the edit changed the number of lines: %d → %d", len(a), len(b))
	}
	var out []string
	for i := range a {
		if a[i] != b[i] {
			out = append(out, b[i])
		}
	}
	return out
}

// An amount rule, a reference value in a flow mapping and a phone list in a flow sequence
// are each changed on their own line, and nothing else of the file moves: comments, blank
// lines and folded texts stay as their author wrote them.
func TestEditsChangeOnlyTheirOwnLine(t *testing.T) {
	d := builtInDraft(t)
	f, sv := d.service("family_adoption")
	if sv == nil {
		t.Fatal("no family_adoption")
	}
	before := bytes.Clone(f.src)
	if err := f.setScalar(f.ensure(sv, "name.ru"), "Усыновление ребёнка", false); err != nil {
		t.Fatal(err)
	}
	after, _ := f.bytes()
	if got := changedLines(t, before, after); len(got) != 1 || strings.TrimSpace(got[0]) != "ru: Усыновление ребёнка" {
		t.Errorf("changed lines: %q", got)
	}

	files, refs := d.topLevel("reference")
	if len(refs) != 1 {
		t.Fatal("no reference")
	}
	before = bytes.Clone(files[0].src)
	if err := files[0].setScalar(at(refs[0], "mrp.2026"), "5000", true); err != nil {
		t.Fatal(err)
	}
	after, _ = files[0].bytes()
	if got := changedLines(t, before, after); len(got) != 1 || !strings.Contains(got[0], "2026: 5000}") {
		t.Errorf("changed lines: %q", got)
	}

	files, offices := d.topLevel("offices")
	before = bytes.Clone(files[0].src)
	phones := at(offices[0], "0.phones")
	if err := files[0].setList(phones, []string{"102", "+7 7172 00 00 00"}); err != nil {
		t.Fatal(err)
	}
	after, _ = files[0].bytes()
	if got := changedLines(t, before, after); len(got) != 1 || strings.TrimSpace(got[0]) != `phones: ["102", "+7 7172 00 00 00"]` {
		t.Errorf("changed lines: %q", got)
	}
	// The draft with its edits still loads, with the new values.
	fsys, err := d.fsys()
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := content.Load(fsys, "draft")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Reference().MRP[2026]; got != 5000 {
		t.Errorf("MRP 2026 = %v", got)
	}
	if sv, _ := c.Service("family_adoption"); sv.Name.RU != "Усыновление ребёнка" {
		t.Errorf("name %q", sv.Name.RU)
	}
}

// A key the file does not have yet is added: the file is then written again from its
// tree, with its comments.
func TestAnEditThatAddsAKeyKeepsTheComments(t *testing.T) {
	d := builtInDraft(t)
	f, sv := d.service("family_adoption")
	if err := f.setScalar(f.ensure(sv, "processing_time.kk"), "5 жұмыс күні", false); err != nil {
		t.Fatal(err)
	}
	after, _ := f.bytes()
	if !bytes.Contains(after, []byte("# carried over from content/data/screener_family.yaml")) || !bytes.Contains(after, []byte("5 жұмыс күні")) {
		t.Errorf("the file written again lost its comment or the new text")
	}
}
