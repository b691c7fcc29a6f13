package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/content"
)

// exampleForm is a content test case of the screener as the tester's form sends it.
func exampleForm(t *testing.T, c *content.Content, screener string) (url.Values, content.TestCase) {
	t.Helper()
	tc, ok := c.ExampleCase(screener)
	if !ok {
		t.Fatalf("no example case for %s", screener)
	}
	v := url.Values{"run": {"1"}}
	for id, a := range tc.Answers {
		switch a := a.(type) {
		case bool:
			v.Set("a_"+id, map[bool]string{true: "y", false: "n"}[a])
		case int:
			v.Set("a_"+id, strconv.Itoa(a))
		default:
			v.Set("a_"+id, fmt.Sprint(a))
		}
	}
	return v, tc
}

// An editor enters a content test case's answers and sees the services it must match in
// the result, in both languages, and each other service with the reason the bot gives.
func TestTheScreenerTesterShowsTheResultAndWhyNot(t *testing.T) {
	f := newFixture(t, "")
	c := f.engine.Content()
	form, tc := exampleForm(t, c, "disability_check")
	sc, _ := c.Screener("disability_check")
	for _, lang := range content.Langs {
		cookie := f.signIn(t, editorID, string(lang))
		w := f.do("GET", "/console/tester/disability_check?"+form.Encode(), nil, cookie)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", lang, w.Code)
		}
		for _, id := range tc.Match {
			sv, _ := c.Service(id)
			for _, l := range content.Langs {
				if !strings.Contains(body, "<p>1. "+htmlText(sv.Name.In(l))+"</p>") && !strings.Contains(body, ". "+htmlText(sv.Name.In(l))+"</p>") {
					t.Errorf("%s: the %s result lacks %s", lang, l, id)
				}
			}
		}
		for _, id := range tc.Match { // a matched service has no "why not"
			sv, _ := c.Service(id)
			if strings.Contains(body, `<tr><th scope="row">`+htmlText(sv.Name.In(lang))+`</th><td>`) {
				t.Errorf("%s: %s matched and is in the why-not table", lang, id)
			}
		}
		for _, id := range tc.NoMatch {
			sv, _ := c.Service(id)
			if !strings.Contains(body, `<tr><th scope="row">`+htmlText(sv.Name.In(lang))+`</th><td>`+htmlText(sv.For.In(lang))) {
				t.Errorf("%s: %s is not said to be for %q", lang, id, sv.For.In(lang))
			}
		}
		if m := missingString.FindString(body); m != "" {
			t.Errorf("%s: missing string %s", lang, m)
		}
	}
	cookie := f.signIn(t, editorID, "ru")
	// Answers that stop short: the tester says which question the bot asks next.
	first := sc.Questions[0]
	short := url.Values{"run": {"1"}}
	body := f.do("GET", "/console/tester/disability_check?"+short.Encode(), nil, cookie).Body.String()
	if !strings.Contains(body, "дальше бот спросит «"+htmlText(first.Text.RU)+"»") || strings.Contains(body, `id="result"`) {
		t.Errorf("with no answers, the tester does not say the first question comes next")
	}
	// A number out of range is refused next to its field.
	for _, q := range sc.Questions {
		if q.Type != content.Number {
			continue
		}
		bad := url.Values{"run": {"1"}, "a_" + q.ID: {strconv.Itoa(q.Max + 1)}}
		body := f.do("GET", "/console/tester/disability_check?"+bad.Encode(), nil, cookie).Body.String()
		if !strings.Contains(body, `id="e-`+q.ID+`" class="error" role="alert">Нужно целое число от `+strconv.Itoa(q.Min)) {
			t.Errorf("a number over %d for %s is not refused next to it", q.Max, q.ID)
		}
		break
	}
	if w := f.do("GET", "/console/tester/no_such", nil, cookie); w.Code != http.StatusNotFound {
		t.Errorf("an unknown screener: %d", w.Code)
	}
	partner := f.signIn(t, partnerID, "ru")
	for _, page := range []string{"/console/tester", "/console/tester/disability_check"} {
		if w := f.do("GET", page, nil, partner); w.Code != http.StatusNotFound {
			t.Errorf("a partner opens %s: %d", page, w.Code)
		}
		if w := f.do("GET", page, nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("a stranger opens %s: %d", page, w.Code)
		}
	}
}
