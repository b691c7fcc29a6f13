// Package terminal lets a person talk to Qamqor in a terminal: each reply is printed with its
// buttons numbered, a typed number presses that button, anything else is sent as text.
package terminal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/checklist"
)

// Handler answers one input; *bot.Service is one.
type Handler interface {
	Handle(ctx context.Context, chatID int64, in bot.Input) []bot.Reply
}

// Options tune a terminal chat.
type Options struct {
	// Prompt prints "> " before each line it waits for, for people typing; scripts leave
	// it off.
	Prompt bool
	// SaveDir is where documents the bot gives (a checklist) are written; the current
	// directory when empty.
	SaveDir string
}

// Chat runs a conversation for chatID, reading lines from in and printing replies to out,
// until in ends (a nil error) or ctx is done. It starts by showing where the chat is, so a
// second run continues the same conversation.
func Chat(ctx context.Context, h Handler, chatID int64, in io.Reader, out io.Writer, opts Options) error {
	w := bufio.NewWriter(out)
	var buttons []bot.Button
	typed := false // the last screen asks for a typed number: buttons are b1, b2, ...
	show := func(replies []bot.Reply) error {
		for _, r := range replies {
			if len(r.Buttons) > 0 {
				buttons = buttons[:0]
				typed = r.TypedAnswer
			}
			printReply(w, r, &buttons, typed)
			if r.Checklist != nil {
				path, err := save(*r.Checklist, opts.SaveDir)
				if err != nil {
					fmt.Fprintf(w, "(the checklist could not be saved: %v)\n\n", err)
				} else {
					fmt.Fprintf(w, "[PDF] %s\n\n", path)
				}
			}
		}
		if opts.Prompt {
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
		if err := show(h.Handle(ctx, chatID, input(line, buttons, typed))); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// input turns a typed line into what the person meant: a number presses a button, unless
// the screen asks for a typed number; then buttons are pressed as b1, b2, ...
func input(line string, buttons []bot.Button, typed bool) bot.Input {
	number := strings.TrimSpace(line)
	if typed {
		var ok bool
		if number, ok = strings.CutPrefix(number, "b"); !ok {
			return bot.Input{Kind: bot.InputText, Text: line}
		}
	}
	n, err := strconv.Atoi(number)
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
func printReply(w io.Writer, r bot.Reply, buttons *[]bot.Button, typed bool) {
	fmt.Fprintln(w, r.Text)
	prefix := ""
	if typed {
		prefix = "b"
	}
	for _, row := range r.Buttons {
		for _, b := range row {
			*buttons = append(*buttons, b)
			if b.URL != "" {
				fmt.Fprintf(w, "  [%s%d] %s: %s\n", prefix, len(*buttons), b.Label, b.URL)
			} else {
				fmt.Fprintf(w, "  [%s%d] %s\n", prefix, len(*buttons), b.Label)
			}
		}
	}
	fmt.Fprintln(w)
}

// save writes a checklist as a PDF file and returns its path.
func save(c bot.Checklist, dir string) (string, error) {
	pdf, err := checklist.PDF(c)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "qamqor-checklist-"+c.Made.Format("2006-01-02-150405")+".pdf")
	return path, os.WriteFile(path, pdf, 0o600) // it holds a person's answers
}
