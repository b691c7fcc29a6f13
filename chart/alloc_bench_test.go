package chart

import (
	"os"
	"testing"
)

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

// TestWriteSampleChart writes the week chart to the file QAMQOR_SAMPLE_PNG names, to look at.
func TestWriteSampleChart(t *testing.T) {
	path := os.Getenv("QAMQOR_SAMPLE_PNG")
	if path == "" {
		t.Skip("QAMQOR_SAMPLE_PNG is not set")
	}
	b, err := Daily(kazakhTitle, week, weekSeries, 900, 500)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
