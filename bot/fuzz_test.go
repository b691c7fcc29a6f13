package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
	"github.com/redis/go-redis/v9"
)

// Fuzz targets for bad input (issue 8). Seeds run in every `go test`; scripts/fuzz runs
// them longer. They use the shipped content, where real people's input lands.

// shippedWorld is the shipped content, an engine over it, and the sessions a person can be
// in, found by pressing every button from a new chat.
type shippedWorld struct {
	c      *content.Content
	e      *bot.Engine
	states []bot.Session // reachable: the engine's rules hold exactly
	broken []bot.Session // left behind by a content change: the engine must still cope
	valid  map[string]bool
	tr     map[content.Lang]strs
	stale  map[content.Lang]string // "this button is out of date", per language
}

// strs are one language's interface strings: whole (for button labels) and the fixed
// parts of each, at least 10 characters long (for texts, where templates fill the rest).
type strs struct {
	whole map[string]bool
	parts []string
}

func newShippedWorld(tb testing.TB) *shippedWorld {
	tb.Helper()
	w := &shippedWorld{e: newEngine(tb, nil), valid: map[string]bool{}, tr: map[content.Lang]strs{}, stale: map[content.Lang]string{}}
	var err error
	if w.c, _, err = content.Load(content.Embedded(), "content/data"); err != nil {
		tb.Fatal(err)
	}
	w.universe()
	w.explore(1500)
	w.breakStates()
	w.strings(tb)
	return w
}

// universe is every button data the engine can put on a button for this content: any
// other string is not a button, wherever it is pressed.
func (w *shippedWorld) universe() {
	for _, d := range []string{"l:kk", "l:ru", "m", "mq", "h", "r", "w", "p", "u", "k", "a:y", "a:n", "z"} {
		w.valid[d] = true
	}
	for _, id := range w.c.IDs() {
		w.valid["g:"+id], w.valid["b:"+id] = true, true
	}
	for _, sc := range w.c.Screeners() {
		w.valid["s:"+sc.ID] = true
		for _, q := range sc.Questions {
			w.valid["e:"+q.ID] = true
			for _, o := range q.Options {
				w.valid["a:"+o.Value] = true
			}
		}
	}
	// A region is chosen from any screen, as a language is: the chooser's buttons stay
	// good on an older message.
	for _, r := range w.c.Regions() {
		w.valid["a:"+r.ID], w.valid["z:"+r.ID] = true, true
	}
}

// explore presses every button (and types a few numbers where a number is asked) from a
// new chat, breadth first, and keeps up to limit distinct sessions.
func (w *shippedWorld) explore(limit int) {
	type at struct {
		s bot.Session
		r bot.Reply
	}
	seen := map[string]bool{}
	start := bot.Session{}
	_, r := w.e.Step(start, bot.Input{Kind: bot.InputResume})
	queue := []at{{start, r[0]}}
	for len(queue) > 0 && len(w.states) < limit {
		cur := queue[0]
		queue = queue[1:]
		key := fmt.Sprintf("%#v", cur.s)
		if seen[key] {
			continue
		}
		seen[key] = true
		w.states = append(w.states, cur.s)
		var ins []bot.Input
		for _, row := range cur.r.Buttons {
			for _, b := range row {
				if b.Data != "" {
					w.valid[b.Data] = true
					ins = append(ins, bot.Input{Kind: bot.InputButton, Data: b.Data})
				}
			}
		}
		if cur.r.TypedAnswer {
			for _, n := range []string{"0", "1", "2", "16", "30", "70"} {
				ins = append(ins, bot.Input{Kind: bot.InputText, Text: n})
			}
		}
		for _, in := range ins {
			next, r := w.e.Step(cur.s, in)
			if len(r) > 0 {
				queue = append(queue, at{next, r[len(r)-1]})
			}
		}
	}
}

// breakStates derives sessions that a newly published content version can leave behind.
func (w *shippedWorld) breakStates() {
	for _, s := range w.states {
		if s.Lang == "" {
			continue
		}
		gone := s
		gone.Node, gone.History = "removed_node", append(slices.Clone(s.History), "removed_too")
		w.broken = append(w.broken, gone)
		if s.Screener != "" {
			b := s
			b.Screener = "removed_screener"
			w.broken = append(w.broken, b)
			b = s
			b.Step = "q:removed_question"
			w.broken = append(w.broken, b)
			b = s
			b.Answers = map[string]string{}
			for k := range s.Answers {
				b.Answers[k] = "removed_option"
			}
			b.Answers["removed_question"] = "y"
			w.broken = append(w.broken, b)
		}
		if len(w.broken) > 200 {
			return
		}
	}
}

// strings collects each language's interface strings, rendered with their template
// fields left empty.
func (w *shippedWorld) strings(tb testing.TB) {
	tb.Helper()
	b, err := locales.Bundle()
	if err != nil {
		tb.Fatal(err)
	}
	for _, l := range content.Langs {
		loc := i18n.NewLocalizer(b, string(l))
		w.stale[l] = loc.MustLocalize(&i18n.LocalizeConfig{MessageID: "StaleButton"})
		s := strs{whole: map[string]bool{}}
		for _, id := range allMessageIDs() {
			cfg := &i18n.LocalizeConfig{MessageID: string(id)}
			if id == "KeptDays" { // the one plural
				cfg.PluralCount = 5
			}
			text, err := loc.Localize(cfg)
			if err != nil {
				tb.Fatalf("%s %s: %v", l, id, err)
			}
			if !strings.Contains(text, "<no value>") {
				s.whole[text] = true
			}
			for _, part := range strings.Split(text, "<no value>") {
				for _, line := range strings.Split(part, "\n") {
					if line = strings.TrimSpace(line); utf8.RuneCountInString(line) >= 10 {
						s.parts = append(s.parts, line)
					}
				}
			}
		}
		w.tr[l] = s
	}
	// What the two languages share says nothing about which one a reply is in.
	kk, ru := w.tr[content.KK], w.tr[content.RU]
	for text := range kk.whole {
		if ru.whole[text] {
			delete(kk.whole, text)
			delete(ru.whole, text)
		}
	}
	shared := map[string]bool{}
	for _, p := range kk.parts {
		shared[p] = slices.Contains(ru.parts, p)
	}
	kk.parts = slices.DeleteFunc(kk.parts, func(p string) bool { return shared[p] })
	ru.parts = slices.DeleteFunc(ru.parts, func(p string) bool { return shared[p] })
	w.tr[content.KK], w.tr[content.RU] = kk, ru
}

// speaks reports whether the reply uses interface strings of lang (labels or text), and
// which string of the other language it uses, if any, ignoring what the person typed.
func (w *shippedWorld) speaks(r bot.Reply, lang content.Lang, typed string) (own bool, foreign string) {
	other := content.RU
	if lang == content.RU {
		other = content.KK
	}
	for _, row := range r.Buttons {
		for _, b := range row {
			own = own || w.tr[lang].whole[b.Label]
			if w.tr[other].whole[b.Label] && !strings.Contains(typed, b.Label) {
				foreign = b.Label
			}
		}
	}
	for _, p := range w.tr[lang].parts {
		own = own || strings.Contains(r.Text, p)
	}
	for _, p := range w.tr[other].parts {
		if strings.Contains(r.Text, p) && !strings.Contains(typed, p) {
			foreign = p
		}
	}
	return own, foreign
}

// pick returns the session a fuzzed index selects, and whether it is a reachable one.
func (w *shippedWorld) pick(i uint16) (bot.Session, bool) {
	n := int(i) % (len(w.states) + len(w.broken))
	if n < len(w.states) {
		return clone(w.states[n]), true
	}
	return clone(w.broken[n-len(w.states)]), false
}

func clone(s bot.Session) bot.Session {
	s.History, s.Seen, s.Answers = slices.Clone(s.History), slices.Clone(s.Seen), maps.Clone(s.Answers)
	return s
}

// sane checks what every session the engine returns must be: on a screen that exists, with
// bounded history, in an existing screener if any.
func (w *shippedWorld) sane(t *testing.T, s bot.Session) {
	t.Helper()
	if _, ok := w.c.Node(s.Node); s.Node != "" && !ok {
		t.Fatalf("session left on a screen that does not exist: %+v", s)
	}
	if len(s.History) > bot.MaxHistory {
		t.Fatalf("history of %d screens: %+v", len(s.History), s)
	}
	if _, ok := w.c.Screener(s.Screener); s.Screener != "" && !ok {
		t.Fatalf("session in a screener that does not exist: %+v", s)
	}
	if s.Lang != "" && s.Lang != content.KK && s.Lang != content.RU {
		t.Fatalf("session in language %q", s.Lang)
	}
}

// FuzzButtonData presses arbitrary button data in any session: a reply always, never a
// panic, and data that is no button of this content changes nothing and says the button is
// out of date in the person's language.
func FuzzButtonData(f *testing.F) {
	w := newShippedWorld(f)
	var valid []string
	for d := range w.valid {
		valid = append(valid, d)
	}
	slices.Sort(valid)
	for i, d := range valid {
		f.Add(uint16(i*7), d)
	}
	for i, d := range []string{
		"", " ", "g:", "b:", "s:", "a:", "e:", "l:", "l:en", "l:KK", "l:kk ", "g:main\x00", "g:../main",
		"G:main", "m ", "hh", "g:" + strings.Repeat("x", 200), "a:" + strings.Repeat("9", 60), "e:age:age",
		"R:g:disability", "C:y", "F:y", "N:disability", "A", "A:close:1", "U:pub", "B:go", "O:x:y", "P:-1",
		"g:disability\n", "🙂", "\xff\xfe", "g:дисабилити", "a:-1", "a:999999999999999999999", "k:", "rr", "p:",
	} {
		f.Add(uint16(i*131), d)
	}
	f.Fuzz(func(t *testing.T, state uint16, data string) {
		s, reachable := w.pick(state)
		before := clone(s)
		next, replies := w.e.Step(s, bot.Input{Kind: bot.InputButton, Data: data})
		if len(replies) == 0 || replies[0].Text == "" {
			t.Fatalf("no reply to %q in %+v", data, before)
		}
		w.sane(t, next)
		if !reflect.DeepEqual(s, before) {
			t.Fatalf("Step changed the session it was given: %+v, was %+v", s, before)
		}
		if !reachable || w.valid[data] {
			return
		}
		if !reflect.DeepEqual(next, before) {
			t.Fatalf("%q is no button, yet the session changed:\nfrom %+v\nto   %+v", data, before, next)
		}
		if before.Lang == "" {
			return // the greeting, in both languages
		}
		if note := w.stale[before.Lang]; !strings.HasPrefix(replies[0].Text, note) {
			t.Fatalf("%q in %+v: reply does not start with %q:\n%s", data, before, note, replies[0].Text)
		}
	})
}

// FuzzFreeText sends arbitrary text in any session: exactly one reply, in the person's
// language, never a panic; text that is not a command moves nobody (a question keeps the
// place, so Back still works), and outside a screener changes nothing at all.
func FuzzFreeText(f *testing.F) {
	w := newShippedWorld(f)
	for i, text := range []string{
		"", " ", "\n\t", "\x00\x01\x7f", "\u200b\u200e\u202e", "как оформить инвалидность", "жумыссыз тиркелу",
		"мүгедектік бойынша жәрдемақы", "пособие на ребенка", "1", "30", "  45. ", "-3", "999999999999999999999",
		"Да", "иә", "Русский", "қазақша", "🙂🙂🙂", "👨‍👩‍👧‍👦", "\xff\xfe\xfd", "a\xc0b", "مرحبا بالعالم",
		"\u202eинвалидность\u202c", "ИНВАЛИДНОСТЬ", "инвалидность" + strings.Repeat("!", 20),
		strings.Repeat("пособие ", 1500), strings.Repeat("ы", 12000), strings.Repeat("🙂", 5000),
		"<script>alert(1)</script>", "'; DROP TABLE sessions; --", "{{.Query}}", "%s %d %!", "/", "/start",
		"/start disability", "/menu", "/lang", "/help", "/unknown" + strings.Repeat("x", 100), "\x00/lang",
		"Главное меню", "← Назад", "Басты мәзір",
	} {
		f.Add(uint16(i*37), text)
	}
	f.Fuzz(func(t *testing.T, state uint16, text string) {
		s, reachable := w.pick(state)
		before := clone(s)
		next, replies := w.e.Step(s, bot.Input{Kind: bot.InputText, Text: text})
		if len(replies) != 1 || replies[0].Text == "" {
			t.Fatalf("%d replies to %q in %+v: %+v", len(replies), text, before, replies)
		}
		w.sane(t, next)
		command := strings.HasPrefix(visible(text), "/")
		if next.Lang != "" && !greeting(replies[0]) {
			own, foreign := w.speaks(replies[0], next.Lang, text+"\n"+visible(text)) // it may be echoed
			if foreign != "" || (!own && !command) {
				t.Fatalf("%q in %+v: reply not in %s (own strings: %v, foreign: %q):\n%s\n%+v", text, before, next.Lang, own, foreign, replies[0].Text, replies[0].Buttons)
			}
		}
		if !reachable || command {
			return
		}
		if before.Lang == "" {
			before.Lang = next.Lang // typing a language's name chooses it
		}
		if next.Lang != before.Lang || next.Node != before.Node || !slices.Equal(next.History, before.History) || next.Screener != before.Screener {
			t.Fatalf("%q moved the person:\nfrom %+v\nto   %+v", text, before, next)
		}
		if before.Screener == "" && !reflect.DeepEqual(next, before) {
			t.Fatalf("%q changed the session:\nfrom %+v\nto   %+v", text, before, next)
		}
	})
}

// greeting reports whether r offers the choice of language: it is in both languages.
func greeting(r bot.Reply) bool {
	return len(r.Buttons) == 1 && len(r.Buttons[0]) == 2 && r.Buttons[0][0].Data == "l:kk"
}

// visible is text as a person sees it: without control and format characters or invalid
// bytes, line breaks as spaces, trimmed. A command is what starts with "/" then.
func visible(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// errorLog fails nothing itself; it counts error records (a recovered panic is one).
type errorLog struct{ n atomic.Int64 }

func (*errorLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *errorLog) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.n.Add(1)
	}
	return nil
}
func (h *errorLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *errorLog) WithGroup(string) slog.Handler      { return h }

// FuzzDeepLink opens t.me/<bot>?start=<payload> (or types /start <payload>) with any
// payload, in a new chat and in chats with a language, through the Service with referrals
// on and a real Redis: always an answer and never an apology for a defect; a link code
// that works nowhere gets the one neutral sentence and creates and changes nothing.
func FuzzDeepLink(f *testing.F) {
	srv := redistest.Start(f)
	rdb, nodes := srv.Client(), srv.Nodes()
	key, err := secret.ParseKey(secret.GenerateKey())
	if err != nil {
		f.Fatal(err)
	}
	logs := &errorLog{}
	w := newShippedWorld(f)
	svc := bot.NewService(w.e, store.NewSessions(rdb), slog.New(logs))
	if err := svc.Register(referrals.New(store.NewReferrals(rdb, key, 0), func(p string) string { return "https://t.me/QamqorBot?start=" + p }, nil)); err != nil {
		f.Fatal(err)
	}
	b, err := locales.Bundle()
	if err != nil {
		f.Fatal(err)
	}
	neutral := map[content.Lang]string{}
	for _, l := range content.Langs {
		neutral[l] = i18n.NewLocalizer(b, string(l)).MustLocalize(&i18n.LocalizeConfig{MessageID: "LinkNotValid"})
	}
	for i, p := range []string{
		"", "disability", "employment", "family", "helplines", "disability_benefits_child", "main", "nowhere",
		"i_", "r_", "i_AAAAAAAAAAAAAAAA", "r_AAAAAAAAAAAAAAAA", "r_AAAAAAAAAAAAAAA", "i_AAAAAAAAAAAAAAAAA",
		"r_-_-_-_-_-_-_-_-", "i_" + strings.Repeat("A", 64), "r_ AAAAAAAAAAAAAAAA", "r_AAAA AAAA", "I_AAAAAAAAAAAAAAAA",
		"r_{ref:x}", "r_*", "i_\x00", "r_Ω", "r_🙂", "i_AAAA\nAAAA", "  r_AAAAAAAAAAAAAAAA  ", "r__", "i_i_", "r_r_x",
		"g:disability", "disability extra", strings.Repeat("x", 4096), "дисабилити", "\xff\xfe", "\u202er_x",
		"r_AAAAAAAAAAAAAAAA@QamqorBot", "i_' OR 1=1 --",
	} {
		f.Add(uint8(i), p)
	}
	var chat atomic.Int64
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, state uint8, payload string) {
		for _, node := range nodes { // every node: a cluster client flushes one
			if err := node.FlushDB(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		id := chat.Add(1)
		lang := content.Lang("")
		switch state % 4 { // a new chat, or one that chose a language, on a topic or in a screener
		case 1:
			lang = content.RU
			svc.Handle(ctx, id, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
		case 2:
			lang = content.KK
			svc.Handle(ctx, id, bot.Input{Kind: bot.InputButton, Data: "l:kk"})
			svc.Handle(ctx, id, bot.Input{Kind: bot.InputButton, Data: "g:employment"})
		case 3:
			lang = content.RU
			svc.Handle(ctx, id, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
			svc.Handle(ctx, id, bot.Input{Kind: bot.InputButton, Data: "s:" + w.c.Screeners()[0].ID})
		}
		keys, session := snapshot(t, nodes, rdb, id)
		errs := logs.n.Load()
		replies := svc.Handle(ctx, id, bot.Input{Kind: bot.InputText, Text: "/start " + payload}).Replies
		if len(replies) == 0 || replies[0].Text == "" {
			t.Fatalf("no reply to /start %q", payload)
		}
		if logs.n.Load() != errs {
			t.Fatalf("/start %q: an error was logged (a recovered panic?); reply %q", payload, replies[0].Text)
		}
		arg := visible(payload)
		if !strings.HasPrefix(arg, "i_") && !strings.HasPrefix(arg, "r_") {
			return
		}
		want := neutral[content.RU]
		if lang == content.KK {
			want = neutral[content.KK]
		}
		if !strings.Contains(replies[0].Text, want) {
			t.Fatalf("/start %q in a %q chat: not the neutral sentence:\n%s", payload, lang, replies[0].Text)
		}
		afterKeys, afterSession := snapshot(t, nodes, rdb, id)
		if lang != "" && afterSession != session {
			t.Fatalf("/start %q changed the session:\nfrom %s\nto   %s", payload, session, afterSession)
		}
		if !slices.Equal(afterKeys, keys) && !(lang == "" && slices.Equal(afterKeys, []string{store.SessionKey(id)})) {
			t.Fatalf("/start %q created something: keys %v, were %v", payload, afterKeys, keys)
		}
	})
}

// snapshot returns every key in Redis (on every node of a cluster), sorted, and the chat's
// stored session.
func snapshot(t *testing.T, nodes []*redis.Client, rdb redis.UniversalClient, chat int64) ([]string, string) {
	t.Helper()
	var keys []string
	for _, node := range nodes {
		k, err := node.Keys(context.Background(), "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k...)
	}
	slices.Sort(keys)
	session, err := rdb.Get(context.Background(), store.SessionKey(chat)).Result()
	if err != nil && err != redis.Nil {
		t.Fatal(err)
	}
	_, session, _ = strings.Cut(session, ":") // "<version>:<json>": a rewrite bumps the version
	return keys, session
}
