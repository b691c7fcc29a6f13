// Package terminal lets a person talk to Qamqor in a terminal: each reply is printed with its
// buttons numbered, a typed number presses that button, anything else is sent as text.
package terminal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/qamqor/qamqor/bot"
)

// Handler answers one input; *bot.Service is one.
type Handler interface {
	Handle(ctx context.Context, chatID int64, in bot.Input) []bot.Reply
}

// Chat runs a conversation for chatID, reading lines from in and printing replies to out,
// until in ends (a nil error) or ctx is done. It starts by showing where the chat is, so a
// second run continues the same conversation. With prompt set it prints "> " before each
// line it waits for, for people typing; scripts leave it off.
func Chat(ctx context.Context, h Handler, chatID int64, in io.Reader, out io.Writer, prompt bool) error {
	w := bufio.NewWriter(out)
	var buttons []bot.Button
	show := func(replies []bot.Reply) error {
		for _, r := range replies {
			if len(r.Buttons) > 0 {
				buttons = buttons[:0]
			}
			printReply(w, r, &buttons)
		}
		if prompt {
			fmt.Fprint(w, "> ")
		}
		return w.Flush()
	}
	if err := show(h.Handle(ctx, chatID, bot.Input{Kind: bot.InputResume})); err != nil {
		return err
	}
	r := bufio.NewReader(in)
	for ctx.Err() == nil {
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		line = strings.TrimRight(line, "\r\n")
		if err := show(h.Handle(ctx, chatID, input(line, buttons))); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// input turns a typed line into what the person meant: a number presses a button.
func input(line string, buttons []bot.Button) bot.Input {
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return bot.Input{Kind: bot.InputText, Text: line}
	}
	if n < 1 || n > len(buttons) {
		return bot.Input{Kind: bot.InputMissingButton}
	}
	b := buttons[n-1]
	if b.URL != "" {
		// A terminal cannot open a page; the address is printed with the button, so this
		// press just shows the current screen again.
		return bot.Input{Kind: bot.InputResume}
	}
	return bot.Input{Kind: bot.InputButton, Data: b.Data}
}

// printReply writes one reply and numbers its buttons after those already numbered.
func printReply(w io.Writer, r bot.Reply, buttons *[]bot.Button) {
	fmt.Fprintln(w, r.Text)
	for _, row := range r.Buttons {
		for _, b := range row {
			*buttons = append(*buttons, b)
			if b.URL != "" {
				fmt.Fprintf(w, "  [%d] %s: %s\n", len(*buttons), b.Label, b.URL)
			} else {
				fmt.Fprintf(w, "  [%d] %s\n", len(*buttons), b.Label)
			}
		}
	}
	fmt.Fprintln(w)
}
