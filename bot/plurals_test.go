package bot_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// russianForm is CLDR's plural category of a whole number in Russian, written out here
// rather than taken from go-i18n, so that a wrong rule or a wrong form fails.
func russianForm(n int) int {
	switch {
	case n%10 == 1 && n%100 != 11:
		return 0 // one: 1, 21, 101
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return 1 // few: 2, 22, 104
	}
	return 2 // many: 0, 5, 11, 12, 25, 111
}

// countedMessages are every interface string with a number that a word agrees with: the
// words as they must read after the number in Russian (one, few, many: "%d" is the number)
// and in Kazakh, where the noun after a number does not change.
var countedMessages = []struct {
	id   bot.MessageID
	data map[string]any
	ru   [3]string
	kk   string
}{
	{"KeptDays", nil, [3]string{"%d день", "%d дня", "%d дней"}, "%d күн"},
	{"MyDataPlace", map[string]any{"Screen": "X"}, [3]string{"и %d предыдущий экран для", "и %d предыдущих экрана для", "и %d предыдущих экранов для"}, "алдыңғы %d экран"},
	{"ReferNote", map[string]any{"Target": "X"}, [3]string{"(до %d знака)", "(до %d знаков)", "(до %d знаков)"}, "(%d белгіге дейін)"},
	{"ReferNoteTooLong", nil, [3]string{"длиннее %d знака.", "длиннее %d знаков.", "длиннее %d знаков."}, "%d белгіден ұзын"},
	{"ReferCreated", map[string]any{"Code": "R1", "Target": "X", "Link": "L"}, [3]string{"действует %d день и", "действует %d дня и", "действует %d дней и"}, "%d күн жарамды"},
	{"LabelTooLong", nil, [3]string{"длиннее %d знака.", "длиннее %d знаков.", "длиннее %d знаков."}, "%d белгіден ұзын"},
	{"CommentTooLong", nil, [3]string{"длиннее %d знака.", "длиннее %d знаков.", "длиннее %d знаков."}, "%d белгіден ұзын"},
	{"AskWrite", nil, [3]string{"(до %d знака)", "(до %d знаков)", "(до %d знаков)"}, "(%d белгіге дейін)"},
	{"AskTooLong", nil, [3]string{"длиннее %d знака.", "длиннее %d знаков.", "длиннее %d знаков."}, "%d белгіден ұзын"},
	{"TicketWriteNow", map[string]any{"Number": 3}, [3]string{"(до %d знака)", "(до %d знаков)", "(до %d знаков)"}, "(%d белгіге дейін)"},
	{"StatsTitle", map[string]any{"From": "01.12", "To": "02.12"}, [3]string{"за %d день (", "за %d дня (", "за %d дней ("}, "%d күндік статистика"},
	{"StatsTopMisses", map[string]any{"Kept": "K", "List": "L"}, [3]string{"не меньше %d человека за день", "не меньше %d человек за день", "не меньше %d человек за день"}, "кемінде %d адам"},
	{"BroadcastWriteKK", nil, [3]string{"(до %d знака)", "(до %d знаков)", "(до %d знаков)"}, "(%d таңбаға дейін)"},
	{"BroadcastTooLong", nil, [3]string{"длиннее %d знака:", "длиннее %d знаков:", "длиннее %d знаков:"}, "%d таңбадан ұзын"},
	{"BroadcastQueued", map[string]any{"Number": 7, "Rate": "R"}, [3]string{"очередь: %d получатель,", "очередь: %d получателя,", "очередь: %d получателей,"}, "%d алушы,"},
	{"BroadcastRate", nil, [3]string{"до %d сообщения в секунду", "до %d сообщений в секунду", "до %d сообщений в секунду"}, "секундына %d хабарламаға дейін"},
	{"AuditTitle", nil, [3]string{"последняя %d запись (", "последние %d записи (", "последние %d записей ("}, "соңғы %d жазба ("},
}

// Each counted message reads right for every kind of number, in Russian and Kazakh.
func TestCountedMessagesAgreeWithTheNumber(t *testing.T) {
	e := newEngine(t, nil)
	for _, m := range countedMessages {
		for _, n := range []int{0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 104, 111} {
			data := map[string]any{"Count": n}
			if m.id == "KeptDays" {
				data = map[string]any{"Days": n}
			}
			for k, v := range m.data {
				data[k] = v
			}
			if got, want := e.T(content.RU, m.id, data), fmt.Sprintf(m.ru[russianForm(n)], n); !strings.Contains(got, want) {
				t.Errorf("ru %s for %d: %q lacks %q", m.id, n, got, want)
			}
			if got, want := e.T(content.KK, m.id, data), fmt.Sprintf(m.kk, n); !strings.Contains(got, want) {
				t.Errorf("kk %s for %d: %q lacks %q", m.id, n, got, want)
			}
		}
	}
}

// A rate of messages can be a fraction: then CLDR's "other", «до 0.5 сообщения».
func TestAFractionTakesTheOtherForm(t *testing.T) {
	if got := newEngine(t, nil).T(content.RU, "BroadcastRate", map[string]any{"Count": "0.5"}); got != "до 0.5 сообщения в секунду" {
		t.Errorf("got %q", got)
	}
}

// countedPlaceholder is a number in a message followed by a word that may have to agree
// with it: «{{.Count}} получателей». Prepositions and particles after a number («5 из 7»,
// «от 0 до 120», «150 не подходит») and units in capitals («5 МБ») do not.
var countedPlaceholder = regexp.MustCompile(`\{\{\.(Count|Days|Max|Total|Sent|Blocked|Failed|Unknown|Rate|N|Min|Value|Example|Askers|KeepDays|ValidDays|Back)\}\} (\p{Ll}+)`)

var notAgreeing = map[string]bool{"из": true, "до": true, "не": true, "и": true, "по": true}

// Every Russian message where a word follows a number has plural forms, and is in the
// table above, so a counted string added without them fails here.
func TestEveryCountedRussianMessageHasPluralForms(t *testing.T) {
	file := messageFile(t, "active.ru.toml")
	tested := map[string]bool{}
	for _, m := range countedMessages {
		tested[string(m.id)] = true
	}
	for id, v := range file {
		texts := []string{}
		plural := false
		switch v := v.(type) {
		case string:
			texts = append(texts, v)
		case map[string]any:
			for form, s := range v {
				texts = append(texts, fmt.Sprint(s))
				plural = plural || form == "few"
			}
		}
		if plural && !tested[id] {
			t.Errorf("%s has plural forms but no test of them in countedMessages", id)
		}
		for _, text := range texts {
			for _, m := range countedPlaceholder.FindAllStringSubmatch(text, -1) {
				if !notAgreeing[m[2]] && !plural {
					t.Errorf("%s: %q follows a number and may have to agree with it, but the message has no plural forms", id, m[0])
				}
			}
		}
	}
}
