package terminal_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/checklist/checklisttest"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/terminal"
)

// person talks to the bot through the terminal, one line per run, as a script would.
type person struct {
	t    *testing.T
	srv  *redistest.Server
	user int64
	dir  string // where checklists are saved
}

// send types one line and returns what the bot answered (the screen shown first on each
// run is left out).
func (p *person) send(line string) string {
	p.t.Helper()
	before := current(p.t, p.srv, p.user)
	var out strings.Builder
	err := terminal.Chat(context.Background(), service(p.t, p.srv), p.user, strings.NewReader(line+"\n"), &out, terminal.Options{SaveDir: p.dir})
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.TrimPrefix(out.String(), before)
}

// press presses the button with label on the current screen.
func (p *person) press(label string) string {
	p.t.Helper()
	return p.send(buttonNumber(p.t, current(p.t, p.srv, p.user), label))
}

// TestFromStartToAChecklistForEachTopicInEachLanguage walks each screener with the answers
// of its first content test case that matches something, in Kazakh and in Russian, to the
// result and a saved PDF that names the services in both languages.
func TestFromStartToAChecklistForEachTopicInEachLanguage(t *testing.T) {
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	srv := redistest.Start(t)
	labels := map[content.Lang]map[string]string{
		content.KK: {"lang": "Қазақша", "start": "✓ Маған не тиесілі? Қысқа сауалнама", "result": "Нәтижені көрсету", "save": "Тізімді сақтау (PDF)", "yes": "Иә", "no": "Жоқ", "summary": "Жауаптарыңызды тексеріңіз"},
		content.RU: {"lang": "Русский", "start": "✓ Что мне положено? Короткий опрос", "result": "Показать результат", "save": "Сохранить список (PDF)", "yes": "Да", "no": "Нет", "summary": "Проверьте ответы"},
	}
	user := int64(9000)
	for _, sc := range c.Screeners() {
		tc, ok := c.ExampleCase(sc.ID)
		if !ok {
			t.Errorf("screener %s has no content test case that matches a service", sc.ID)
			continue
		}
		for _, lang := range content.Langs {
			user++
			t.Run(sc.ID+"/"+string(lang), func(t *testing.T) {
				l := labels[lang]
				p := &person{t: t, srv: srv, user: user, dir: t.TempDir()}
				p.send("/start")
				p.press(l["lang"])
				topic, _ := c.Node(sc.Topic)
				if slices.Contains(c.Main().Buttons, sc.Topic) {
					p.press(topic.ButtonLabel(lang))
				} else { // a screener deeper in a topic: its screen by deep link
					p.send("/start " + sc.Topic)
				}
				screen := p.press(l["start"])
				for range len(sc.Questions) + 1 {
					q := asking(c, sc, lang, screen)
					if q == nil {
						break
					}
					switch v := tc.Answers[q.ID].(type) {
					case bool:
						screen = p.press(map[bool]string{true: l["yes"], false: l["no"]}[v])
					case int:
						screen = p.send(fmt.Sprint(v))
					case string:
						if q.Type == content.Region {
							name, _ := c.RegionName(v, lang)
							screen = p.press(name)
						} else {
							o, _ := q.Option(v)
							screen = p.press(o.Label.In(lang))
						}
					default:
						t.Fatalf("case %q has no answer to %q, which is asked", tc.Name, q.ID)
					}
				}
				if !strings.Contains(screen, l["summary"]) {
					t.Fatalf("not at the summary:\n%s", screen)
				}
				result := p.press(l["result"])
				var names []string
				for _, id := range tc.Match {
					sv, _ := c.Service(id)
					names = append(names, sv.Name.KK, sv.Name.RU)
					if !strings.Contains(result, sv.Name.In(lang)) {
						t.Errorf("the result lacks %q:\n%s", sv.Name.In(lang), result)
					}
				}
				saved := p.press(l["save"])
				files, _ := filepath.Glob(filepath.Join(p.dir, "*.pdf"))
				if len(files) != 1 || !strings.Contains(saved, "[PDF] "+files[0]) {
					t.Fatalf("no PDF saved (%v):\n%s", files, saved)
				}
				data, err := os.ReadFile(files[0])
				if err != nil {
					t.Fatal(err)
				}
				text := checklisttest.Text(t, data)
				for _, name := range names {
					if !strings.Contains(text, name) {
						t.Errorf("the PDF lacks %q; its text:\n%.600s", name, text)
					}
				}
			})
		}
	}
}

// asking returns the question a screen asks, or nil when it asks none.
func asking(c *content.Content, sc *content.Screener, lang content.Lang, screen string) *content.Question {
	for _, q := range sc.Questions {
		if strings.Contains(screen, q.Text.In(lang)) {
			return q
		}
	}
	return nil
}
