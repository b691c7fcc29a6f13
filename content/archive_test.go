package content_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qamqor/qamqor/content"
)

func TestAnArchiveLoadsAsTheContentItWasMadeFrom(t *testing.T) {
	zip, err := content.Archive(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	again, _ := content.Archive(content.Embedded())
	if !bytes.Equal(zip, again) {
		t.Error("the same content packs differently twice")
	}
	fsys, err := content.FromArchive(zip)
	if err != nil {
		t.Fatal(err)
	}
	packed, _, err := content.Load(fsys, "archive")
	if err != nil {
		t.Fatal(err)
	}
	shipped, _, _ := content.Load(content.Embedded(), "content/data")
	if got := content.Diff(shipped, packed).String(); got != "no changes" {
		t.Errorf("diff of the content and its archive: %s", got)
	}
	if _, err := content.FromArchive([]byte("not a zip")); err == nil {
		t.Error("garbage opened as an archive")
	}
}

func TestDiffSaysWhatChanged(t *testing.T) {
	load := func(yaml string) *content.Content {
		c, _, err := content.Load(fstest.MapFS{"a.yaml": {Data: []byte(yaml)}}, "x")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	old := load(mainNode + strings.TrimPrefix(topic, "nodes:\n"))
	changedRU := load(mainNode + strings.TrimPrefix(strings.Replace(topic, "устанавливает медико", "определяет медико", 1), "nodes:\n"))
	if got := content.Diff(old, changedRU).String(); got != "nodes +0 −0 ~1; texts changed: kk 0, ru 1" {
		t.Errorf("one Russian text changed: %s", got)
	}
	added := load(strings.Replace(mainNode, "buttons: [topic]", "buttons: [topic, other]", 1) + strings.TrimPrefix(topic, "nodes:\n") +
		"  - id: other\n    title: {kk: Басқа, ru: Другое}\n    text: {kk: Мәтін, ru: Текст}\n")
	if got := content.Diff(old, added).String(); got != "nodes +1 −0 ~1; texts changed: kk 1, ru 1" {
		t.Errorf("a node added (main's buttons changed too): %s", got)
	}
}
