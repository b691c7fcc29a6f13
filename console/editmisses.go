package console

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Misses is where the questions that found nothing are counted (store.Stats: their texts
// kept only once several people asked them, with no digits, sealed with the data key
// when there is one, for 30 days).
type Misses interface {
	Day(ctx context.Context, day time.Time) (counters map[string]int64, misses map[string]int64, err error)
}

// missDays is how many days back the misses page reads: what the store keeps.
const missDays = 30

// partialMark is how the statistics mark a question answered only in part (bot/stats).
const partialMark = "≈ "

// maxMissGroups bounds the groups the page lists, the most asked first.
const maxMissGroups = 40

// missGroup is questions with the same words, in any order: one thing people asked.
type missGroup struct {
	Key      string
	Question string   // the wording most asked
	Others   []string // the other wordings
	Askers   int64
	Partial  bool // answered in part, not not at all
	Lang     string
	Answer   []preview // what the bot answers now (from the draft)
	Before   []preview // after adding a keyword: what it answered before
	Added    string    // the screen it was added to, or the synonyms' group
}

type missesPage struct {
	Groups   []*missGroup
	Screens  []link            // screens to add a keyword to: id and title
	Synonyms map[string][]link // groups of search synonyms by language: index and words
	Rev      string
	Problems []string // why the keyword could not be added
}

// missWords is a question's key: its words, sorted, without repeats.
func missWords(q string) string {
	words := strings.Fields(strings.ToLower(q))
	slices.Sort(words)
	return strings.Join(slices.Compact(words), " ")
}

func (q *request) missGroups(e *bot.Engine) ([]*missGroup, error) {
	byKey := map[string]*missGroup{}
	counts := map[string]map[string]int64{} // group key → wording → askers
	for i := 0; i < missDays; i++ {
		_, misses, err := q.h.opts.Misses.Day(q.r.Context(), q.now.AddDate(0, 0, -i))
		if err != nil {
			return nil, err
		}
		for text, n := range misses {
			partial := strings.HasPrefix(text, partialMark)
			text = strings.TrimPrefix(text, partialMark)
			if text == "" {
				continue
			}
			key := missWords(text)
			g := byKey[key]
			if g == nil {
				g = &missGroup{Key: key, Partial: partial}
				byKey[key] = g
				counts[key] = map[string]int64{}
			}
			g.Askers += n
			g.Partial = g.Partial && partial
			counts[key][text] += n
		}
	}
	var groups []*missGroup
	for key, g := range byKey {
		var wordings []string
		for w := range counts[key] {
			wordings = append(wordings, w)
		}
		sort.Slice(wordings, func(i, j int) bool {
			a, b := counts[key][wordings[i]], counts[key][wordings[j]]
			return a > b || (a == b && wordings[i] < wordings[j])
		})
		g.Question, g.Others = wordings[0], wordings[1:]
		g.Lang = string(content.RU)
		if strings.ContainsAny(g.Question, kazakhLetters) {
			g.Lang = string(content.KK)
		}
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool {
		return groups[i].Askers > groups[j].Askers || (groups[i].Askers == groups[j].Askers && groups[i].Key < groups[j].Key)
	})
	if len(groups) > maxMissGroups {
		groups = groups[:maxMissGroups]
	}
	for _, g := range groups {
		g.Answer = answerOf(e, content.Lang(g.Lang), g.Question)
	}
	return groups, nil
}

// answerOf is the bot's answer to a question typed on the main menu, as Telegram shows it.
func answerOf(e *bot.Engine, lang content.Lang, question string) []preview {
	_, replies := e.Step(bot.Session{Lang: lang}, bot.Input{Kind: bot.InputText, Text: question})
	var out []preview
	for _, r := range replies {
		p := preview{Lang: string(lang), LangName: bot.LanguageName(lang), Text: r.Text}
		for _, row := range r.Buttons {
			var labels []string
			for _, b := range row {
				labels = append(labels, b.Label)
			}
			p.Buttons = append(p.Buttons, labels)
		}
		out = append(out, p)
	}
	return out
}

// routeMisses adds the questions that found nothing, with one step to make one a keyword
// of a screen in the draft.
func (h *Handler) routeMisses() {
	if h.opts.Misses == nil {
		return
	}
	h.page("GET "+Prefix+"misses", forContent, func(q *request) { q.missesPage("", "", nil) })
	h.page("POST "+Prefix+"misses", forContent, func(q *request) {
		dr, _, err := q.draft()
		if err != nil {
			q.unavailable(err)
			return
		}
		question, screen, group := strings.TrimSpace(q.r.PostForm.Get("question")), q.r.PostForm.Get("screen"), q.r.PostForm.Get("synonyms")
		lang, ok := content.ParseLang(q.r.PostForm.Get("lang"))
		before := q.h.load(dr.Archive)
		if !ok || question == "" || before.engine == nil || q.r.PostForm.Get("rev") != revision(dr.Archive) {
			http.Redirect(q.w, q.r, Prefix+"misses", http.StatusSeeOther)
			return
		}
		d, err := openDraft(dr.Archive)
		if err != nil {
			q.unavailable(err)
			return
		}
		add := func() error { return d.addKeyword(screen, string(lang), question) }
		if group != "" {
			add = func() error { return d.addSynonym(string(lang), group, question) }
			screen = "synonyms." + string(lang) + "." + group
		} else if _, ok := before.engine.Content().Node(screen); !ok {
			http.Redirect(q.w, q.r, Prefix+"misses", http.StatusSeeOther)
			return
		}
		var problems []string
		if err := add(); err != nil {
			problems = append(problems, err.Error())
		} else if archive, err := d.archive(); err != nil {
			problems = append(problems, err.Error())
		} else if l := q.h.load(archive); l.engine == nil {
			problems = q.problemLines(l)
		} else {
			dr.Archive = archive
			if err := q.putDraft(dr); err != nil {
				q.unavailable(err)
				return
			}
			q.audit("content.draft.keyword", screen+" "+string(lang))
		}
		q.missesPage(question, screen, answerOf(before.engine, lang, question), problems...)
	})
}

// missesPage shows the groups; after a keyword was added, the group's answer before it
// beside the answer now.
func (q *request) missesPage(added, screen string, before []preview, problems ...string) {
	dr, _, err := q.draft()
	if err != nil {
		q.unavailable(err)
		return
	}
	l := q.h.load(dr.Archive)
	e := l.engine
	if e == nil {
		e = q.engine
	}
	groups, err := q.missGroups(e)
	if err != nil {
		q.unavailable(err)
		return
	}
	p := missesPage{Groups: groups, Rev: revision(dr.Archive), Problems: problems}
	c := e.Content()
	for _, id := range c.IDs() {
		n, _ := c.Node(id)
		p.Screens = append(p.Screens, link{Href: id, Label: n.Title.In(q.lang)})
	}
	p.Synonyms = map[string][]link{}
	if d, err := openDraft(dr.Archive); err == nil {
		files, lists := d.topLevel("synonyms")
		for i := range files {
			for _, lang := range content.Langs {
				for j, g := range at(lists[i], string(lang)).Content {
					if g.Kind == yaml.ScalarNode {
						p.Synonyms[string(lang)] = append(p.Synonyms[string(lang)], link{Href: strconv.Itoa(j), Label: g.Value})
					}
				}
			}
		}
	}
	for _, g := range groups {
		if g.Question == added {
			g.Before, g.Added = before, screen
		}
	}
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	q.h.render(q.w, status, "misses", q.view(q.t("ConsoleMisses"), p))
}

// addSynonym adds phrase to the group of search synonyms at index in lang.
func (d *draftFiles) addSynonym(lang, index, phrase string) error {
	files, lists := d.topLevel("synonyms")
	if len(files) == 0 {
		return errNotScalar
	}
	g := at(lists[0], lang+"."+index)
	if g == nil || g.Kind != yaml.ScalarNode {
		return errNotScalar
	}
	return files[0].setScalar(g, strings.TrimRight(strings.TrimSpace(g.Value), ",")+", "+phrase, inFlow(lists[0], lang+"."+index))
}

// addKeyword adds phrase to the keywords of screen in lang.
func (d *draftFiles) addKeyword(screen, lang, phrase string) error {
	for _, name := range d.names {
		f := d.files[name]
		if !strings.Contains(string(f.src), screen) {
			continue
		}
		root, err := f.parse()
		if err != nil {
			continue
		}
		nodes := mapValue(root.Content[0], "nodes")
		if nodes == nil {
			continue
		}
		for _, n := range nodes.Content {
			if id := mapValue(n, "id"); id == nil || id.Value != screen {
				continue
			}
			kw := f.ensure(n, "keywords."+lang)
			value := phrase
			if strings.TrimSpace(kw.Value) != "" {
				value = strings.TrimRight(strings.TrimSpace(kw.Value), ",") + ", " + phrase
			}
			return f.setScalar(kw, value, inFlow(n, "keywords."+lang))
		}
	}
	return errNotScalar
}
