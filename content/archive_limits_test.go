package content_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/ziptest"
)

// openAndLoad is what the bot does with an uploaded archive: open it, load it.
func openAndLoad(archive []byte) error {
	fsys, err := content.FromArchive(archive)
	if err != nil {
		return err
	}
	_, _, err = content.Load(fsys, "")
	return err
}

// Issue 12, finding 2: a 1 MB zip took the process to 992 MB. This one is 10 MB and
// expands to 1 GB (ten YAML files of 100 MiB, behind 9 MiB of incompressible junk):
// reading it must stop at the first file's limit, with memory to match.
func TestAZipOf10MBExpandingTo1GBIsRefusedInBoundedMemory(t *testing.T) {
	bomb := ziptest.Bomb(t, ziptest.Spec{Files: 10, MiBEach: 100, Padding: 9 << 20})
	var err error
	m := ziptest.Measure(func() { err = openAndLoad(bomb) })
	t.Logf("a zip of %.1f MB expanding to %d MiB: %s; %v", float64(len(bomb))/1e6, 10*100+9, m, err)
	if err == nil || !strings.Contains(err.Error(), "part-00.yaml is over 524288 bytes uncompressed") {
		t.Errorf("the bomb: %v", err)
	}
	if m.Allocated > 32<<20 || m.PeakRSS > 64<<20 {
		t.Errorf("reading the bomb took %s", m)
	}
}

// A zip's headers are not believed: one claiming less than its files hold is damaged as
// soon as a file runs past its claim; one claiming 8 GiB makes nobody set 8 GiB aside, and
// is read only up to the limit.
func TestAZipThatLiesAboutItsSizesIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec ziptest.Spec
		want string
	}{
		{"claims 1 KB and holds 100 MiB", ziptest.Spec{Files: 1, MiBEach: 100, Claim: 1000}, "not a zip archive"},
		{"claims 8 GiB and holds 100 MiB", ziptest.Spec{Files: 1, MiBEach: 100, Claim: 8 << 30}, "part-00.yaml is over"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bomb := ziptest.Bomb(t, tc.spec)
			var err error
			m := ziptest.Measure(func() { err = openAndLoad(bomb) })
			t.Logf("%s; %v", m, err)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("the lying zip: %v", err)
			}
			if m.Allocated > 32<<20 {
				t.Errorf("reading it took %s", m)
			}
		})
	}
}

// zipOf zips files (name → content) as an editor's tool would.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestArchiveLimitsOnFilesAndTotal(t *testing.T) {
	many := map[string][]byte{}
	for i := range 600 {
		many[fmt.Sprintf("notes/%d.txt", i)] = []byte("x")
	}
	manyYAML := map[string][]byte{}
	for i := range 101 {
		manyYAML[fmt.Sprintf("%03d.yaml", i)] = []byte("nodes: []\n")
	}
	big := map[string][]byte{}
	for i := range 6 {
		big[fmt.Sprintf("big-%d.yaml", i)] = bytes.Repeat([]byte("# padding\n"), content.MaxContentFileSize/10)
	}
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"600 entries", many, "more than 500 files"},
		{"101 content files", manyYAML, "more than 100 files"},
		{"6 files of 512 KiB", big, "content files are over 2097152 bytes uncompressed together"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := openAndLoad(zipOf(t, tc.files)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
	// A single file, through WithFile, and a directory, through Archive, have the same limits.
	shipped, err := content.Archive(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	huge := bytes.Repeat([]byte("# padding\n"), 2<<20/10)
	if _, err := content.WithFile(shipped, "main.yaml", huge); err == nil || !strings.Contains(err.Error(), "main.yaml is over 524288 bytes") {
		t.Errorf("a 2 MiB file through WithFile: %v", err)
	}
	if _, err := content.Archive(fstest.MapFS{"a.yaml": {Data: huge}}); err == nil || !strings.Contains(err.Error(), "a.yaml is over") {
		t.Errorf("a 2 MiB file through Archive: %v", err)
	}
}

// Only content files are kept: whatever else an editor's zip holds is listed, never read,
// and is not in what would be stored and published.
func TestOnlyContentFilesAreKept(t *testing.T) {
	files := map[string][]byte{"data/notes.pdf": bytes.Repeat([]byte{0xff, 0x00, 0x13}, 1<<20), "data/README.md": []byte("# x"),
		"__MACOSX/data/._main.yaml": {0, 5, 22, 7}, "data/.hidden.yaml": []byte("junk: [")}
	err := fs.WalkDir(content.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files["data/"+p], err = fs.ReadFile(content.Embedded(), p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	upload := zipOf(t, files)
	u, err := content.Unpack(upload)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(u.Skipped, " "); got != "__MACOSX/data/._main.yaml data/.hidden.yaml data/README.md data/notes.pdf" {
		t.Errorf("skipped: %s", got)
	}
	if _, _, err := content.Load(u.FS, ""); err != nil {
		t.Fatalf("the content in it: %v", err)
	}
	shipped, _ := content.Archive(content.Embedded())
	t.Logf("upload %d bytes; kept %d bytes (the shipped content packs to %d)", len(upload), len(u.Zip), len(shipped))
	zr, _ := zip.NewReader(bytes.NewReader(u.Zip), int64(len(u.Zip)))
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".yaml") || strings.Contains(f.Name, "MACOSX") || strings.Contains(f.Name, "/.") {
			t.Errorf("kept %s", f.Name)
		}
	}
	if len(u.Zip) > len(shipped)+len(shipped)/10 {
		t.Errorf("kept %d bytes for content that packs to %d", len(u.Zip), len(shipped))
	}
}

// Within the limits, the worst content an editor can write still loads in bounded memory:
// files as large as allowed, of the YAML that makes the most problems or the most nodes.
func TestTheWorstContentWithinTheLimitsLoadsInBoundedMemory(t *testing.T) {
	for _, item := range []string{"  - a\n", "  - {id: x}\n"} {
		files := map[string][]byte{}
		for i := range content.MaxContentSize / content.MaxContentFileSize {
			var b bytes.Buffer
			b.WriteString("nodes:\n")
			for b.Len() < content.MaxContentFileSize-len(item) {
				b.WriteString(item)
			}
			files[fmt.Sprintf("f%d.yaml", i)] = b.Bytes()
		}
		upload := zipOf(t, files)
		var err error
		m := ziptest.Measure(func() { err = openAndLoad(upload) })
		problems := strings.Count(fmt.Sprint(err), "\n") + 1
		t.Logf("%d files of %q up to %d KiB each: %s; %d problems listed", len(files), item, content.MaxContentFileSize>>10, m, problems)
		if err == nil || problems > content.MaxProblems+1 || !strings.Contains(err.Error(), "more problems from here on, not listed") {
			t.Errorf("%d problems listed, or none: %.200v", problems, err)
		}
		if m.Allocated > 400<<20 {
			t.Errorf("loading took %s", m)
		}
	}
}
