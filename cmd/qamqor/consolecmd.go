package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/console"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
)

// consoleUser is who signs in to `qamqor console`: the person at this computer, an admin
// of a console nobody else can reach.
const consoleUser = 1

// runConsole serves the console alone on loopback over a content directory (the content
// built in by default), with no Telegram and no Redis, and prints a one-time link to it.
// Publishing writes the files back to DIR (over the content built in, it changes what this
// console serves only), with a history in memory to roll back while it runs.
func runConsole(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("console", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:0", "where to listen (loopback; port 0: any free one)")
	flags.Usage = func() {
		fmt.Fprint(stderr, `Usage: qamqor console [DIR] [--addr 127.0.0.1:PORT]

Runs the console alone on this computer over the content in DIR (default: the content
built in), with no Telegram and no Redis, and prints a one-time link to open it.
Browse the content as people meet it, edit it in a draft with a live preview, and
publish: publishing writes the changed files back to DIR (see them with git diff), and
the console's history rolls back while it runs. Over the content built in, publishing
changes only what this console shows; download the archive from the draft's page.
`)
		flags.PrintDefaults()
	}
	var dir string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		dir, args = args[0], args[1:]
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 && dir == "" {
		dir = flags.Arg(0)
	}
	if host, _, err := net.SplitHostPort(*addr); err != nil || !net.ParseIP(host).IsLoopback() {
		fmt.Fprintln(stderr, "qamqor console: --addr must be a loopback address such as 127.0.0.1:8090: the console here has no other protection than its link")
		return 2
	}
	var fsys fs.FS = content.Embedded()
	prefix := "content/data"
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "qamqor console: %s is not a directory\n", dir)
			return 2
		}
		fsys, prefix = os.DirFS(dir), dir
	}
	c, _, err := content.Load(fsys, prefix)
	if err != nil {
		fmt.Fprintf(stderr, "qamqor console: content in %s is not valid:\n%v\n", prefix, err)
		return 1
	}
	bundle, err := locales.Bundle()
	if err != nil {
		fmt.Fprintln(stderr, "qamqor console:", err)
		return 1
	}
	var engine atomic.Pointer[bot.Engine]
	engine.Store(bot.NewEngine(c, bundle))
	base, err := content.Archive(fsys)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor console:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor console:", err)
		return 1
	}
	store := console.NewMemoryStore()
	h := console.New(console.Options{
		Engine: engine.Load,
		Roles: func(context.Context, int64) ([]bot.Role, error) {
			return []bot.Role{bot.RoleAdmin}, nil
		},
		Store:  store,
		Drafts: store,
		Publisher: &console.LocalPublisher{Dir: dir, Base: base, Switch: func(archive []byte) error {
			fsys, err := content.FromArchive(archive)
			if err != nil {
				return err
			}
			pc, _, err := content.Load(fsys, "published")
			if err != nil {
				return err
			}
			engine.Store(bot.NewEngine(pc, bundle))
			return nil
		}},
		Log: log,
		URL: "http://" + l.Addr().String() + console.Prefix,
	})
	link, err := h.NewLogin(ctx, consoleUser)
	if err != nil {
		_ = l.Close()
		fmt.Fprintln(stderr, "qamqor console:", err)
		return 1
	}
	where := "publishing writes the files back there"
	if dir == "" {
		where = "the content built in: publishing changes only what this console shows"
	}
	fmt.Fprintf(stdout, "Qamqor console over %s (%s; drafts last while it runs).\nOpen this link once, within %d minutes:\n  %s\nStop with Ctrl+C.\n",
		prefix, where, int(console.DefaultLoginTTL.Minutes()), link)

	mux := http.NewServeMux()
	mux.Handle(console.Prefix, h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "qamqor console:", err)
		return 1
	}
	return 0
}
