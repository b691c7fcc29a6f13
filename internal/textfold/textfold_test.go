package textfold_test

import (
	"slices"
	"testing"

	"github.com/qamqor/qamqor/internal/textfold"
)

func TestKazakh(t *testing.T) {
	cases := []struct{ in, want string }{
		// The 2021 alphabet, letter by letter (ı is і, y is ы, a vowel's i is й).
		{"bır danyşpan kısı", "бір данышпан кісі"},
		{"üiıne kelıp qonypty", "үйіне келіп қоныпты"},
		{"söilesıp, qalaiyn", "сөйлесіп, қалайын"},
		{"mügedektık toby qalai belgılenedı", "мүгедектік тобы қалай белгіленеді"},
		{"bala kütimi järdemaqy", "бала күтімі жәрдемақы"},
		{"qorğanşy bolu üşın", "қорғаншы болу үшін"},
		{"atauly äleumettık kömek", "атаулы әлеуметтік көмек"},
		{"jūmys", "жұмыс"},
		{"tañerteñ", "таңертең"},
		// Everyday spellings: zh/j, sh, gh, q/k, i/y after a vowel, w.
		{"zhumys izdeimin", "жумыс іздеймін"},
		{"jumys izdeymin", "жумыс іздеймін"},
		{"mugedektik zhardemaqy", "мугедектік жардемақы"},
		{"kopbalaly otbasy", "копбалалы отбасы"},
		{"bala kutimi", "бала кутімі"},
		{"oqushy", "оқушы"},
		{"aghash", "ағаш"},
		{"aiel", "айел"},
		{"alwga", "алуга"},
		{"ayaq", "аяқ"},
		{"xalyq", "халық"},
		// The 2017 alphabet's apostrophes.
		{"a'ke", "әке"},
		{"balalar u'ii", "балалар үйі"},
		// Capitals and what is not Latin stay.
		{"Qazaqstanda", "Қазақстанда"},
		{"ZHUMYS", "ЖУМЫС"},
		{"бала kutimi 1,5 жас", "бала кутімі 1,5 жас"},
		{"жұмыс іздеймін", "жұмыс іздеймін"},
	}
	for _, tc := range cases {
		if got := textfold.Kazakh(tc.in); got != tc.want {
			t.Errorf("Kazakh(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRussian(t *testing.T) {
	cases := []struct{ in, want string }{
		{"posobie po invalidnosti", "пособие по инвалидности"},
		{"rabota", "работа"},
		{"kak poluchit' posobie", "как получить пособие"},
		{"chto delat esli muzh b'et", "что делат если муж бьет"},
		{"zashchitnoe predpisanie", "защитное предписание"},
		{"obshchestvennye raboty", "общественные работы"},
		{"rabota dlya invalidov", "работа для инвалидов"},
		{"sotsialnaya pomoshch", "социалная помощ"},
		{"uhod za rebenkom", "уход за ребенком"},
		{"khochu", "хочу"},
		{"kakoy", "какой"},
		{"invalidnyy", "инвалидный"},
		{"yurist", "юрист"},
		{"vstat' na uchet po bezrabotice", "встать на учет по безработице"},
		{"invataxi", "инватакси"},
		{"4to delat", "что делат"},
		{"polu4it' 4 goda", "получить 4 года"},
		{"sms 1414", "смс 1414"},
		{"Posobie", "Пособие"},
		{"пособие", "пособие"},
		// Latin look-alikes inside a Cyrillic word (o and c here are Latin).
		{"пocобие", "пособие"},
	}
	for _, tc := range cases {
		if got := textfold.Russian(tc.in); got != tc.want {
			t.Errorf("Russian(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLayout(t *testing.T) {
	cases := []struct{ in, want string }{
		{"gjcj,bt", "пособие"},
		{"gjcj,bt gj bydfkblyjcnb", "пособие по инвалидности"},
		{"rfr cnfnm jgtreyjv", "как стать опекуном"},
		{"ecsyjdktybt ht,tyrf", "усыновление ребенка"},
		{"ve; ,mtn", "муж бьет"},
		{"Gjvjubnt", "Помогите"},
		// A sentence's full stop or question mark stays one.
		{"gjcj,bt?", "пособие?"},
		{"ht,tyrf.", "ребенка."},
		// Words without Latin letters are not touched, nor digits.
		{"пособие 2026", "пособие 2026"},
		{"gjcj,bt 1,5", "пособие 1,5"},
	}
	for _, tc := range cases {
		if got := textfold.Layout(tc.in); got != tc.want {
			t.Errorf("Layout(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCandidates(t *testing.T) {
	if got := textfold.Candidates("муж бьет"); got != nil {
		t.Errorf("Cyrillic text has readings %q, want none", got)
	}
	got := textfold.Candidates("rabota")
	want := []string{"работа", "кфищеф"}
	if !slices.Equal(got, want) {
		t.Errorf("Candidates(rabota) = %q, want %q (the Kazakh and Russian readings are one)", got, want)
	}
	got = textfold.Candidates("zhumys izdeimin")
	if len(got) != 3 || got[0] != "жумыс іздеймін" || got[1] != "жумыс издеимин" {
		t.Errorf("Candidates(zhumys izdeimin) = %q, want the Kazakh, Russian and layout readings", got)
	}
	if !textfold.HasLatin("ı") || !textfold.HasLatin("ş") || textfold.HasLatin("әйел 111") {
		t.Error("HasLatin: ı and ş are Latin letters, әйел and 111 are not")
	}
}

func TestPlain(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Мүгедектігі бар адамға ЖӘРДЕМАҚЫ", "мугедектиги бар адамга жардемакы"},
		{"Қорғаншылық, өтініш, ұл, һәм", "корганшылык, отиниш, ул, хам"},
		{"Всё ещё", "все еще"},
		{"ı", "и"}, // the Latin ı some phones give for і
	}
	for _, tc := range cases {
		if got := textfold.Plain(tc.in); got != tc.want {
			t.Errorf("Plain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
