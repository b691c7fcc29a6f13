package bot_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/handoff"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/safety"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/console"
	"github.com/qamqor/qamqor/locales"
)

func messageFile(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := locales.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := toml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// allMessageIDs are the interface strings of the core and of every feature.
func allMessageIDs() []bot.MessageID {
	return slices.Concat(bot.MessageIDs, handoff.MessageIDs, privacy.MessageIDs, referrals.MessageIDs,
		admin.MessageIDs, publishing.MessageIDs, stats.MessageIDs, news.MessageIDs, safety.MessageIDs,
		console.MessageIDs, referrals.ForClientMessageIDs)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestBothLanguagesHaveEveryString fails when a key is in one file and not the other, when
// the engine uses a key no file has, or when a file keeps a key nothing uses.
func TestBothLanguagesHaveEveryString(t *testing.T) {
	kk, ru := messageFile(t, "active.kk.toml"), messageFile(t, "active.ru.toml")
	for _, k := range keys(kk) {
		if _, ok := ru[k]; !ok {
			t.Errorf("%s is in active.kk.toml but not in active.ru.toml", k)
		}
	}
	for _, k := range keys(ru) {
		if _, ok := kk[k]; !ok {
			t.Errorf("%s is in active.ru.toml but not in active.kk.toml", k)
		}
	}
	for _, id := range allMessageIDs() {
		if _, ok := ru[string(id)]; !ok {
			t.Errorf("the engine uses %s, which active.ru.toml lacks", id)
		}
	}
	for _, k := range keys(ru) {
		if !slices.Contains(allMessageIDs(), bot.MessageID(k)) {
			t.Errorf("%s is in the message files but the engine never uses it", k)
		}
	}
}

// TestPluralFormsFollowCLDR checks that plural messages have the forms each language needs:
// Russian one, few, many and other; Kazakh one and other. A table with "other" alone is a
// message without plural forms (written as a table because it follows one).
func TestPluralFormsFollowCLDR(t *testing.T) {
	need := map[string][]string{"active.ru.toml": {"one", "few", "many", "other"}, "active.kk.toml": {"one", "other"}}
	for file, forms := range need {
		for k, v := range messageFile(t, file) {
			table, ok := v.(map[string]any)
			if !ok || len(table) == 1 && table["other"] != nil {
				continue
			}
			for _, f := range forms {
				if _, ok := table[f]; !ok {
					t.Errorf("%s: %s lacks the plural form %q", file, k, f)
				}
			}
		}
	}
}

func TestKazakhStringsAreKazakh(t *testing.T) {
	for k, v := range messageFile(t, "active.kk.toml") {
		s, ok := v.(string)
		if !ok {
			continue
		}
		if len(strings.Fields(s)) > 4 && !strings.ContainsAny(s, "әғқңөұүһіӘҒҚҢӨҰҮҺІ") {
			t.Errorf("active.kk.toml: %s has no Kazakh letters: %q", k, s)
		}
	}
}
