package safety_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/safety"
	"github.com/qamqor/qamqor/content"
)

// Cries for help as people type them — with typos, without capitals or punctuation, in
// Kazakh typed on a Russian keyboard — are recognised, each as its kind of danger.
func TestDangerIsRecognisedAsPeopleTypeIt(t *testing.T) {
	r := safety.NewRecogniser(nil)
	for text, want := range map[string]safety.Kind{
		// Russian
		"муж бьет помогите":       safety.Violence,
		"мущ бёт миня":            safety.Violence,
		"Муж бьёт!!!":             safety.Violence,
		"меня избивают":           safety.Violence,
		"меня избевают":           safety.Violence,
		"отчим избил маму":        safety.Violence,
		"сожитель поднимает руку": safety.Violence,
		"хочу покончить с собой":  safety.Suicide,
		"хочу покончить собой":    safety.Suicide,
		"не хочу жить":            safety.Suicide,
		"мысли о суициде":         safety.Suicide,
		"хочу умереть":            safety.Suicide,
		"отчим пристает к дочери": safety.Child,
		"SOS":             safety.Cry,
		"хочу убить себя": safety.Suicide,
		"ребенка бьют":    safety.Child,
		"над ребенком издеваются":                    safety.Child,
		"продали в рабство":                          safety.Trafficking,
		"паспорт отобрали, не отпускают":             safety.Trafficking,
		"держат силой на работе":                     safety.Trafficking,
		"он угрожает меня убить":                     safety.Threat,
		"муж грозится зарезать, угрожает мне":        safety.Threat,
		"мой мужь меня бъет":                         safety.Violence,
		"думаю о самоубийсве":                        safety.Suicide,
		"бывший преследует и угрожает мне расправой": safety.Threat,
		// In Latin letters and on the wrong keyboard layout (read through textfold)
		"muzh bet pomogite":       safety.Violence,
		"menya izbivayut":         safety.Violence,
		"hochu pokonchit s soboi": safety.Suicide,
		"ve; ,mtn":                safety.Violence,
		"kuieuim urady":           safety.Violence,
		"küieuım ūrady":           safety.Violence,
		"ozimdi oltirgim keledi":  safety.Suicide,
		// Kazakh
		"ұрып жатыр":              safety.Violence,
		"күйеуім ұрады":           safety.Violence,
		"куйеуим урады":           safety.Violence, // Kazakh on a Russian keyboard
		"өзімді өлтіргім келеді":  safety.Suicide,
		"озимди олтиргим келеди":  safety.Suicide,
		"өлгім келеді":            safety.Suicide,
		"өмір сүргім келмейді":    safety.Suicide,
		"баламды ұрады":           safety.Child,
		"паспортымды тартып алды": safety.Trafficking,
		"құлдыққа сатып жіберді":  safety.Trafficking,
		"өлтіремін деп қорқытады": safety.Threat,
		"күйеуім ұрып-соғады":     safety.Violence,
	} {
		got, ok := r.Recognise(text)
		if !ok {
			t.Errorf("%q is not recognised as danger", text)
			continue
		}
		if got != want {
			t.Errorf("%q is recognised as %s, want %s", text, got, want)
		}
	}
}

// Ordinary questions never get the emergency numbers in place of their answer: the
// development sets' questions (but those that are about violence), hand-picked look-alikes,
// and every button label a person might type at a questionnaire's choice question.
func TestOrdinaryQuestionsAreNotDanger(t *testing.T) {
	r := safety.NewRecogniser(nil)
	benign := []string{
		"пособие по инвалидности", "бьюти салон", "бьюти-мастер ищу работу", "избирательный участок",
		"куда бить заявление", "часы бьют полночь", "бетон", "бірінші бет", "кітаптың беті",
		"баланың туу туралы куәлігі", "бала күтіміне жәрдемақы", "ұрпақ", "урок", "отбасы жәрдемақысы",
		"жүрегім соғады", "паспорт потерял как восстановить", "документы для пособия", "продать квартиру",
		"как продлить пособие", "меня не отпускают в отпуск?", "жить негде, нужна помощь с жильем",
		"хочу получить жилье", "мне нужна помощь", "помогите оформить пособие", "убежище для женщин",
		"телефон доверия", "ребенок инвалид пособие", "детский сад очередь", "опасное производство льготы",
		"көмек керек", "жұмыс іздеймін", "мүгедектігі бар адам", "шешім қабылдау", "әкелді",
		"ата-ана", "ағаш", "бала бақша кезегі", "күйеуім жұмыссыз", "әйелім жүкті",
		"алимент не платит", "развод с мужем", "муж не платит алименты", "моя мама пенсионерка",
	}
	for _, text := range benign {
		if kind, ok := r.Recognise(text); ok {
			t.Errorf("%q is taken for danger (%s)", text, kind)
		}
	}
	for _, file := range []string{"../../search/testdata/dev.tsv", "../../../shared/search-eval/dev.tsv"} {
		for _, q := range devQuestions(t, file) {
			// The development sets' answers name what each question is about: a question
			// whose answer is the safety route is a genuine cry.
			if aboutDanger(q.expect) {
				continue
			}
			if kind, ok := r.Recognise(q.query); ok {
				t.Errorf("%s: %q is taken for danger (%s)", file, q.query, kind)
			}
		}
	}
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range c.Screeners() {
		if strings.HasPrefix(sc.ID, "violence") {
			continue // its answers name violence
		}
		for _, q := range sc.Questions {
			for _, o := range q.Options {
				for _, lang := range content.Langs {
					if kind, ok := r.Recognise(o.Label.In(lang)); ok {
						t.Errorf("screener %s: the answer %q is taken for danger (%s)", sc.ID, o.Label.In(lang), kind)
					}
				}
			}
		}
	}
	_ = bottest.Quiet
}

type devQuestion struct{ query, expect string }

func devQuestions(t *testing.T, path string) []devQuestion {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) && strings.Contains(path, "shared") {
		t.Logf("%s is not here (it lives beside the repository); skipped", path)
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []devQuestion
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 || cols[0] == "lang" {
			continue
		}
		out = append(out, devQuestion{query: cols[1], expect: cols[2]})
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no questions", path)
	}
	return out
}

func aboutDanger(expect string) bool {
	e := strings.ToLower(expect)
	for _, w := range []string{"насили", "зорлық", "суицид", "150", "102", "112", "торговл", "саудас"} {
		if strings.Contains(e, w) {
			return true
		}
	}
	return false
}

// The fold is the one given: a fold that reads a code of digits makes a cry for help
// written in it recognised, which the default does not.
func TestTheFoldIsReplaceable(t *testing.T) {
	code := strings.NewReplacer("11", "муж", "22", "бьет")
	if _, ok := safety.NewRecogniser(nil).Recognise("11 22"); ok {
		t.Fatal("the default fold reads the code: the test proves nothing")
	}
	r := safety.NewRecogniser(func(s string) string { return code.Replace(strings.ToLower(s)) })
	if _, ok := r.Recognise("11 22!!!"); !ok {
		t.Error("a fold given to the recogniser is not used, or what it leaves of punctuation is not dropped")
	}
}

// BenchmarkRecognise reads a long ordinary question, the costliest kind (no rule fires, so
// every rule is tried): it runs on every typed text.
func BenchmarkRecognise(b *testing.B) {
	r := safety.NewRecogniser(nil)
	text := strings.Repeat("какие документы нужны для пособия по инвалидности второй группы ", 16)[:1000]
	for b.Loop() {
		r.Recognise(text)
	}
}
