package search_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/search"
)

// benchQuestions are typical questions: short and long, with typos, Kazakh typed without
// Kazakh letters, and one nothing answers.
var benchQuestions = []struct {
	lang content.Lang
	q    string
}{
	{content.RU, "как оформить инвалидность"},
	{content.RU, "пособие маме ребенка с инвалидностью 2026 сколько платят"},
	{content.RU, "инвалидноть оформление"},
	{content.KK, "мугедектик тобы"},
	{content.KK, "мүгедектігі бар баланы күтетін анаға жәрдемақы"},
	{content.RU, "где купить билет на поезд"},
}

func BenchmarkQuery(b *testing.B) {
	for _, times := range []int{1, 10} {
		x := search.New(replicated(b, times))
		b.Run(fmt.Sprintf("content×%d", times), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				q := benchQuestions[i%len(benchQuestions)]
				x.Search(q.q, q.lang, 3)
			}
		})
	}
}

// BenchmarkQueryWorst is the costliest question: the most terms read, each long, unknown
// (so every one is compared with every word of similar length for typos), in both languages.
// peopleQuestions are questions as people type them: Kazakh and Russian in Latin letters,
// the wrong keyboard layout, and several words of which some the content does not use.
var peopleQuestions = []struct {
	lang content.Lang
	q    string
}{
	{content.KK, "zhumys izdeimin"},
	{content.KK, "mügedektik tobın qalay alwğa boladı"},
	{content.RU, "kak poluchit' posobie na rebenka"},
	{content.RU, "gjcj,bt gj bydfkblyjcnb"},
	{content.RU, "коляска для ребенка"},
	{content.RU, "мущ бёт миня что делать"},
	{content.RU, "как получить пособие на ребенка если я безработная"},
	{content.RU, "kak pochinit telefon"},
}

// BenchmarkQueryPeople is the cost of the questions above: a Latin one is read several
// ways (Kazakh, Russian, the other keyboard layout).
func BenchmarkQueryPeople(b *testing.B) {
	x := search.New(replicated(b, 1))
	for _, q := range peopleQuestions {
		b.Run(q.q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x.Search(q.q, q.lang, 3)
			}
		})
	}
}

func BenchmarkQueryWorst(b *testing.B) {
	var words []string
	for i := range 20 { // more than a question's terms are read
		var w []rune
		for j := range 10 {
			w = append(w, 'а'+rune((i*7+j*3)%32))
		}
		words = append(words, string(w))
	}
	q := strings.Join(words, " ")
	// The same in Latin letters is read four ways (as it is, Kazakh, Russian, layout).
	var latin []string
	for i := range 20 {
		var w []rune
		for j := range 10 {
			w = append(w, 'a'+rune((i*7+j*3)%26))
		}
		latin = append(latin, string(w))
	}
	for _, times := range []int{1, 10} {
		x := search.New(replicated(b, times))
		b.Run(fmt.Sprintf("content×%d", times), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x.Search(q, content.RU, 3)
			}
		})
		b.Run(fmt.Sprintf("latin/content×%d", times), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x.Search(strings.Join(latin, " "), content.RU, 3)
			}
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	for _, times := range []int{1, 10} {
		c := replicated(b, times)
		b.Run(fmt.Sprintf("content×%d", times), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				search.New(c)
			}
		})
	}
}

// replicated loads the shipped content with every node copied times-1 more times under new
// ids (all reachable: each copy of a topic hangs under main), the way content grows when
// regions and programmes are added.
func replicated(tb testing.TB, times int) *content.Content {
	tb.Helper()
	src := content.Embedded()
	files := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		files[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	c, _, err := content.Load(files, "content/data")
	if err != nil {
		tb.Fatal(err)
	}
	if times == 1 {
		return c
	}
	// Copies: each node's id gets a suffix, its buttons point at the copies, and the copies
	// of main's children hang under a copy of main reachable from main.
	var yaml strings.Builder
	yaml.WriteString("nodes:\n")
	main := c.Main()
	for k := 2; k <= times; k++ {
		for _, id := range c.IDs() {
			if id == content.MainID {
				continue
			}
			n, _ := c.Node(id)
			fmt.Fprintf(&yaml, "  - id: %s_x%d\n    title: {kk: %q, ru: %q}\n    text: {kk: %q, ru: %q}\n",
				id, k, n.Title.KK, n.Title.RU, n.Text.KK, n.Text.RU)
			if !n.Label.IsZero() {
				fmt.Fprintf(&yaml, "    label: {kk: %q, ru: %q}\n", n.Label.KK, n.Label.RU)
			}
			if !n.Keywords.IsZero() {
				fmt.Fprintf(&yaml, "    keywords: {kk: %q, ru: %q}\n", n.Keywords.KK, n.Keywords.RU)
			}
			if len(n.Buttons) > 0 {
				yaml.WriteString("    buttons:\n")
				for _, b := range n.Buttons {
					fmt.Fprintf(&yaml, "      - %s_x%d\n", b, k)
				}
			}
		}
	}
	files["copies.yaml"] = &fstest.MapFile{Data: []byte(yaml.String())}
	// main gains a button per copy of its children.
	mainFile := main.File[strings.LastIndex(main.File, "/")+1:]
	data := string(files[mainFile].Data)
	var extra strings.Builder
	for k := 2; k <= times; k++ {
		for _, b := range main.Buttons {
			fmt.Fprintf(&extra, "      - %s_x%d\n", b, k)
		}
	}
	files[mainFile] = &fstest.MapFile{Data: []byte(strings.Replace(data, "    buttons:\n", "    buttons:\n"+extra.String(), 1))}
	c, _, err = content.Load(files, "content/data")
	if err != nil {
		tb.Fatalf("replicated content: %v", err)
	}
	if got := len(c.IDs()); got < times*(len(c.IDs())/times) {
		tb.Fatalf("replicated content has %d nodes", got)
	}
	return c
}
