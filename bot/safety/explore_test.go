package safety_test

import (
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/safety"
	"github.com/qamqor/qamqor/content"
)

// What the content says outside the safety topics — every keyword and every sentence of
// every other screen, in both languages — is ordinary talk of benefits, work, families and
// offices, and none of it is taken for danger. (Sentences that tell the emergency numbers
// themselves, «если есть угроза жизни — звоните 112», rightly are.)
func TestContentOutsideTheSafetyTopicsIsNotDanger(t *testing.T) {
	c := bottest.Engine(t).Content()
	r := safety.NewRecogniser(nil)
	checked := 0
	for _, id := range c.IDs() {
		n, _ := c.Node(id)
		if strings.HasSuffix(n.File, "helplines.yaml") || strings.Contains(id, "violence") || strings.Contains(id, "trafficking") {
			continue
		}
		for _, lang := range content.Langs {
			texts := strings.Split(n.Keywords.In(lang), ",")
			texts = append(texts, n.Title.In(lang))
			texts = append(texts, strings.FieldsFunc(n.Text.In(lang), func(r rune) bool { return r == '.' || r == '\n' || r == ';' })...)
			for _, text := range texts {
				if strings.Contains(text, "112") || strings.Contains(text, "102") {
					continue
				}
				checked++
				if k, ok := r.Recognise(text); ok {
					t.Errorf("%s (%s): %q is taken for danger (%s)", id, lang, strings.TrimSpace(text), k)
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d texts checked: the content is not what this test reads", checked)
	}
}
