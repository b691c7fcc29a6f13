package bot_test

import (
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// BenchmarkStep measures one button press on the shipped content: the engine's share of
// handling an update.
func BenchmarkStep(b *testing.B) {
	e := newEngine(b, nil)
	s := bot.Session{Lang: content.RU, Node: "disability_benefits", History: []string{"main", "disability"}}
	in := bot.Input{Kind: bot.InputButton, Data: "g:disability_benefits_child"}
	b.ReportAllocs()
	for b.Loop() {
		e.Step(s, in)
	}
}

// BenchmarkStepFreeText measures the answer to a typed question: a search and its reply.
func BenchmarkStepFreeText(b *testing.B) {
	e := newEngine(b, nil)
	s := bot.Session{Lang: content.KK, Node: "family"}
	in := bot.Input{Kind: bot.InputText, Text: "баланы асырап алу үшін қандай құжаттар керек"}
	b.ReportAllocs()
	for b.Loop() {
		e.Step(s, in)
	}
}
