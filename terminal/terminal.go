// Package terminal lets a person talk to Qamqor in a terminal: each reply is printed with its
// buttons numbered, a typed number presses that button, anything else is sent as text. A
// reply for another chat (a partner's notice) is printed after "[to chat N]", its buttons
// unnumbered; pictures and checklists are saved as files and their paths printed.
package terminal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/checklist"
)

// Handler answers one input; *bot.Service is one.
type Handler interface {
	Handle(ctx context.Context, chatID int64, in bot.Input) bot.Result
}

// Options tune a terminal chat.
type Options struct {
	// Prompt prints "> " before each line it waits for, for people typing; scripts leave
	// it off.
	Prompt bool
	// SaveDir is where documents and pictures the bot gives (a checklist, a QR code) are
	// written; the current directory when empty.
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
			if r.To != 0 && r.To != chatID {
				printNotice(w, r)
			} else {
				if len(r.Buttons) > 0 {
					buttons = buttons[:0]
					typed = r.TypedAnswer
				}
				printReply(w, r, &buttons, typed)
			}
			if r.Image != nil {
				printImage(w, *r.Image, opts.SaveDir)
			}
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
	if err := show(h.Handle(ctx, chatID, bot.Input{Kind: bot.InputResume}).Replies); err != nil {
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
		if err := show(h.Handle(ctx, chatID, input(line, buttons, typed)).Replies); err != nil {
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

// printNotice writes a reply meant for another chat (a partner's notice) as "[to chat N]"
// and its text. Its buttons are that person's to press, so they are listed unnumbered.
func printNotice(w io.Writer, r bot.Reply) {
	fmt.Fprintf(w, "[to chat %d] %s\n", r.To, r.Text)
	for _, row := range r.Buttons {
		for _, b := range row {
			if b.URL != "" {
				fmt.Fprintf(w, "  [-] %s: %s\n", b.Label, b.URL)
			} else {
				fmt.Fprintf(w, "  [-] %s\n", b.Label)
			}
		}
	}
	fmt.Fprintln(w)
}

// printImage saves a picture and prints where it went.
func printImage(w io.Writer, img bot.Image, dir string) {
	path, err := saveImage(img, dir, time.Now())
	if err != nil {
		fmt.Fprintf(w, "(the picture could not be saved: %v)\n\n", err)
		return
	}
	fmt.Fprintf(w, "[PNG] %s\n\n", path)
}

// saveImage writes a picture as <name>-<time>.png in dir, never over another file, and
// returns its path.
func saveImage(img bot.Image, dir string, now time.Time) (string, error) {
	name := filepath.Base(img.Name)
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	if stem == "" || stem == "." || stem == string(filepath.Separator) {
		stem = "qamqor"
	}
	stem += "-" + now.Format("2006-01-02-150405")
	for n := 1; ; n++ {
		file := stem + ".png"
		if n > 1 {
			file = fmt.Sprintf("%s-%d.png", stem, n)
		}
		path := filepath.Join(dir, file)
		// 0600: a referral's code is as private as a checklist.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && n < 100 {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = f.Write(img.PNG)
		if closeErr := f.Close(); err == nil {
			err = closeErr
		}
		return path, err
	}
}

// save writes a checklist as a PDF file and returns its path.
func save(c bot.Checklist, dir string) (string, error) {
	pdf, err := checklist.PDF(c)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, c.FileName())
	return path, os.WriteFile(path, pdf, 0o600) // it holds a person's answers
}
