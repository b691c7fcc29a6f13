package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/store"
)

// runPublish checks and tests a content directory exactly as `content check` and `content
// test` do, then publishes it: every running replica switches to it within seconds.
func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("content publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	author := fs.String("author", "", "who publishes, for the history (default: the system user)")
	var dirs []string
	for {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		dirs = append(dirs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(dirs) != 1 {
		fmt.Fprint(stderr, "usage: qamqor content publish DIR [--author NAME]\n")
		return 2
	}
	dir := dirs[0]
	if *author == "" {
		*author = "cli"
		if u, err := user.Current(); err == nil {
			*author = u.Username
		}
	}
	cfg, _, err := setup(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 2
	}
	if !cfg.redisConfigured() {
		fmt.Fprintln(stderr, "qamqor: publishing needs REDIS_URL or REDIS_ADDRS: the Redis the bot's replicas share")
		return 2
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "qamqor: %s is not a directory\n", dir)
		return 2
	}
	fsys := os.DirFS(dir)
	next, problems, err := content.Load(fsys, dir)
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	if err != nil {
		fmt.Fprintln(stderr, "qamqor: not published: the content has errors")
		return 1
	}
	bundle, err := locales.Bundle()
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	if _, failed, failures := bot.NewEngine(next, bundle).RunContentTests(); failed > 0 {
		for _, f := range failures {
			fmt.Fprintln(stderr, f)
		}
		fmt.Fprintf(stderr, "qamqor: not published: %d content test(s) failed\n", failed)
		return 1
	}
	archive, err := content.Archive(fsys)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	rdb, err := store.Open(cfg.redis())
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 2
	}
	defer rdb.Close()
	published := store.NewContent(rdb)
	// The change is summarised against what the bot serves now: the published version,
	// or the content built in.
	prev, _, _ := content.Load(content.Embedded(), "content/data")
	if v, ok, err := published.Current(ctx); err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	} else if ok {
		if pc, err := loadVersion(v); err == nil {
			prev = pc
		}
	}
	summary := content.Diff(prev, next).String()
	n, err := published.Publish(ctx, archive, *author, summary)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	if err := store.NewAdmin(rdb).Audit(ctx, admin.Entry{At: nowUTC(), Who: 0, Action: "content.publish", Detail: fmt.Sprintf("%d by %s (command line): %s", n, *author, summary)}); err != nil {
		fmt.Fprintln(stderr, "qamqor: published, but the audit log could not be written:", err)
	}
	fmt.Fprintf(stdout, "published content version %d: %s\n", n, summary)
	return 0
}

func nowUTC() time.Time { return time.Now().UTC() }
