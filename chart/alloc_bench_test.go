package chart

import "testing"

// BenchmarkDaily draws the week chart of the tests at the /stats size; run with -benchmem
// for the bytes and allocations a chart costs.
func BenchmarkDaily(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Daily(kazakhTitle, week, weekSeries, 900, 500); err != nil {
			b.Fatal(err)
		}
	}
}
