package content_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/content"
)

// The rules of issue 12's finding 1: each passed content check before rules had a budget.
// The first allocates a terabyte when age is 77 (expr counts repeat's memory only after
// allocating it); the second runs 10^12 steps on any answers; the others build text or
// lists without bound, or call something that is not a pure function of the answers.
func TestRulesThatCouldExhaustAReplicaAreRefusedWithFileAndLine(t *testing.T) {
	cases := []struct{ name, rule, want string }{
		{"repeat, allocating a terabyte", `student && (age != 77 || len(repeat(repeat("x",999999),999999)) > 0)`, "repeat is not allowed in a rule"},
		{"nested loops over a range", `let r = 1..999999; all(r, all(r, true))`, "all is not allowed in a rule"},
		{"a long range", `len(1..999999) > age`, "the range 1..999999 has more than 1000 numbers"},
		{"a loop over a small list", `all([1, 2, 3], # > 0) && student`, "all is not allowed in a rule"},
		{"map", `len(map([1, 2], # * 2)) > 1`, "map is not allowed in a rule"},
		{"reduce", `reduce([1, 2], #acc + #, 0) > age`, "reduce is not allowed in a rule"},
		{"a range with an end that is an answer", `len(1..age) > 3`, "a range (..) in a rule needs both ends written as numbers"},
		{"text joined with +", `let a = string(age) + string(age); let b = a + a; len(b + b) > 0`, "+ joins text here"},
		{"lists of lists through let", `let a = [age, age]; let b = [a, a]; let c = [b, b]; len(string(c)) > 0`, "let is not allowed in a rule"},
		{"text joined with + to a literal", `"x" + string(age) == "x20"`, "+ joins text here"},
		{"replace, which can square a text's length", `len(replace(string(age), "", string(age))) > 0`, "replace is not allowed in a rule"},
		{"join", `join(["a", "b"], string(age)) != ""`, "join is not allowed in a rule"},
		{"the clock", `now().Year() > 2000`, "now is not allowed in a rule"},
		{"JSON", `len(toJSON([age])) > 0`, "toJSON is not allowed in a rule"},
		{"too long", "student && " + strings.Repeat("age > 1 && ", 100) + "true", "the rule is 1115 bytes long; a rule may be at most 1000 bytes"},
		{"too many nodes", "student && " + strings.Repeat("age>1&&", 120) + "true", "the rule has more than 200 parts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := loadScreener(strings.Replace(screener, "eligible: 'student && age <= 35'", "eligible: '"+strings.ReplaceAll(tc.rule, "'", "''")+"'", 1))
			want := `dir/s.yaml:29: eligible of "youth": ` + tc.want
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("errors:\n%v\nwant one containing %q", err, want)
			}
		})
	}
	// The same check holds for amounts and whens.
	if _, _, err := loadScreener(strings.Replace(screener, "amount: '30 * mrp'", `amount: 'len(repeat("x", 1000000)) * mrp'`, 1)); err == nil ||
		!strings.Contains(err.Error(), `dir/s.yaml:30: amount of "youth": repeat is not allowed in a rule`) {
		t.Errorf("an amount with repeat: %v", err)
	}
	if _, _, err := loadScreener(strings.Replace(screener, "when: age < 35", `when: 'any(1..age, # == 35)'`, 1)); err == nil ||
		!strings.Contains(err.Error(), `dir/s.yaml:20: when of question "student": any is not allowed in a rule`) {
		t.Errorf("a when with a loop: %v", err)
	}
}

// Rules as editors write them stay allowed: comparisons, arithmetic, ?:, lists with in,
// ranges written out, the functions that cannot grow.
func TestOrdinaryRulesAreAllowed(t *testing.T) {
	for _, rule := range []string{
		`student && age <= 35`,
		`age in 18..65 && student`,
		`age in [18, 19, 20] || (student and not (age > 60))`,
		`max(age, 18) == age && abs(age - 30) < 10 && len(string(age)) <= 3`,
		`student ? age < 35 : age < 30`,
		`len(1..999) > 0 && student`,
		`lower(string(age)) startsWith "2" || upper("x") == "X"`,
	} {
		if _, _, err := loadScreener(strings.Replace(screener, "eligible: 'student && age <= 35'", "eligible: '"+rule+"'", 1)); err != nil {
			t.Errorf("%s: %v", rule, err)
		}
	}
}

// A rule that passes the checks can still fail on some answers: it fails with an error,
// within its memory budget, and Match drops the service it decides, saying which rule.
func TestARuleThatFailsAtRunTimeIsAnErrorNotACrash(t *testing.T) {
	for _, tc := range []struct{ name, rule string }{
		{"division by zero when age is 77", `student && age % (age - 77) >= 0`},
		{"the memory budget", `student && ` + strings.TrimSuffix(strings.Repeat("len(1..999) + ", 11), " + ") + ` > 0`},
		{"a number that is not one", `student && int(lower("1x")) > 0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := loadScreener(strings.Replace(screener, "eligible: 'student && age <= 35'", "eligible: '"+tc.rule+"'", 1))
			if err != nil {
				t.Fatalf("the rule is refused: %v", err)
			}
			sc, _ := c.Screener("check")
			matched, failed := c.Match(sc, content.Answers{"age": 77, "student": true}, 2026)
			if len(matched) != 0 || len(failed) != 1 {
				t.Fatalf("matched %d, failed %v", len(matched), failed)
			}
			f := failed[0]
			if got := fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule()); got != "dir/s.yaml:29 youth.eligible" || f.Err == nil {
				t.Errorf("failure: %s (%v)", got, f.Err)
			}
		})
	}
}
