package search

import (
	"testing"
)

// levenshtein is the textbook full-table distance, the reference editsWithin must agree with.
func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev = cur
	}
	return prev[len(b)]
}

func TestEditsWithin(t *testing.T) {
	cases := []struct {
		a, b string
		k    int
		want int // -1: more than k
	}{
		{"инвалидность", "инвалидность", 2, 0},
		{"инвалидность", "инвалидноть", 2, 1},
		{"инволидность", "инвалидность", 1, 1},
		{"реобилитацыи", "реабилитации", 2, 2},
		{"реобилитацыи", "реабилитации", 1, -1},
		{"опека", "опекун", 1, -1},
		{"опека", "опекун", 2, 2},
		{"", "аб", 2, 2},
		{"абвгд", "вгдаб", 2, -1},
	}
	for _, tc := range cases {
		d, ok := editsWithin([]rune(tc.a), []rune(tc.b), tc.k)
		if got := map[bool]int{true: d, false: -1}[ok]; got != tc.want {
			t.Errorf("editsWithin(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.k, got, tc.want)
		}
	}
}

// FuzzEditsWithin checks the banded, early-stopping distance against the full table.
func FuzzEditsWithin(f *testing.F) {
	f.Add("инвалидность", "инвалидноть", 2)
	f.Add("kitten", "sitting", 3)
	f.Add("", "", 0)
	f.Fuzz(func(t *testing.T, a, b string, k int) {
		k = ((k % 4) + 4) % 4
		ra, rb := []rune(a), []rune(b)
		if len(ra) > 80 || len(rb) > 80 {
			return
		}
		want := levenshtein(ra, rb)
		d, ok := editsWithin(ra, rb, k)
		if ok != (want <= k) || (ok && d != want) {
			t.Fatalf("editsWithin(%q, %q, %d) = %d, %v; distance is %d", a, b, k, d, ok, want)
		}
	})
}
