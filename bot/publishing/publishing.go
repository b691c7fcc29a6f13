// Package publishing is content versions and uploads: editors and admins see the versions
// published (/content), go back to one (/rollback), and send the bot a content archive or
// file, which is checked and tested as `qamqor content check` and `content test` do and
// published on their word.
package publishing

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Version is one published version of the content.
type Version struct {
	Number  int64
	Author  string
	At      time.Time
	Summary string // what changed, in a line
	Archive []byte // a zip of the content's YAML files; nil in History
}

// History is what /content shows: the latest versions, the one in use, and which versions
// are kept (older ones were deleted).
type History struct {
	Versions       []Version // newest first, at most the limit asked for
	Current        int64
	Oldest, Newest int64 // the versions kept: Oldest to Newest; 0 when none was published
}

// Store keeps the latest published content versions, and uploads waiting to be published
// (store.Content).
type Store interface {
	History(ctx context.Context, limit int) (History, error)
	// Rollback makes version n current again: ErrNoVersion when there never was one,
	// ErrVersionGone when it is no longer kept.
	Rollback(ctx context.Context, n int64) error
	// Current is the version in use; false when none was ever published.
	Current(ctx context.Context) (Version, bool, error)
	SetPending(ctx context.Context, user int64, archive []byte) error
	// Pending is the user's waiting upload, or the version it became once published.
	Pending(ctx context.Context, user int64) (archive []byte, published int64, ok bool, err error)
	// PublishPending publishes the waiting upload and marks it published, together: a
	// second run finds it published rather than publishing it again.
	PublishPending(ctx context.Context, user int64, archive []byte, author, summary string) (int64, error)
	DropPending(ctx context.Context, user int64) error
}

// ErrNoVersion means no published content version has the number asked for.
var ErrNoVersion = errors.New("no such content version")

// ErrVersionGone means the version asked for was published but is no longer kept.
var ErrVersionGone = errors.New("content version no longer kept")

// Button data of an upload waiting to be published: a prefix of its own, and what
// follows it.
const (
	dataUpload  = "U:"
	dataPublish = "U:pub"
	dataDrop    = "U:no"
)

// shown is how many versions /content lists.
const shown = 10

// Feature is content versions and uploads.
type Feature struct{ store Store }

// New returns publishing over store.
func New(store Store) *Feature { return &Feature{store: store} }

// Name implements bot.Feature.
func (f *Feature) Name() string { return "publishing" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	r.Command("content", bot.RoleEditor, f.history, bot.InMenu(msgCommandContent))
	r.Command("rollback", bot.RoleEditor, f.rollback, bot.InMenu(msgCommandRollback))
	r.Files(bot.RoleEditor, f.upload)
	r.Button(dataUpload, bot.RoleEditor, f.press)
}

// history answers /content: the version in use and the latest ones.
func (f *Feature) history(t *bot.Turn) bool {
	h, err := f.store.History(t.Ctx, shown)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if len(h.Versions) == 0 {
		t.Say(bot.Reply{Text: t.T(msgContentBuiltIn, nil)})
		return true
	}
	lines := []string{t.T(msgContentCurrent, map[string]any{"Version": h.Current})}
	for _, v := range h.Versions {
		mark := "  "
		if v.Number == h.Current {
			mark = "▶ "
		}
		lines = append(lines, fmt.Sprintf("%s%d · %s · %s · %s", mark, v.Number, v.At.UTC().Format("02.01.2006 15:04"), v.Author, v.Summary))
	}
	if h.Oldest > 1 {
		lines = append(lines, t.T(msgContentKept, map[string]any{"Oldest": h.Oldest, "Newest": h.Newest}))
	}
	lines = append(lines, t.T(msgContentRollbackHint, nil))
	t.Say(bot.Reply{Text: strings.Join(lines, "\n")})
	return true
}

// rollback answers /rollback <version>. Going back to a version twice is going back once.
func (f *Feature) rollback(t *bot.Turn) bool {
	n, err := strconv.ParseInt(strings.TrimSpace(t.Arg), 10, 64)
	if err != nil || n <= 0 {
		t.Say(bot.Reply{Text: t.T(msgContentRollbackHint, nil)})
		return true
	}
	switch err := f.store.Rollback(t.Ctx, n); {
	case errors.Is(err, ErrNoVersion):
		t.Say(bot.Reply{Text: t.T(msgContentNoVersion, map[string]any{"Version": n})})
	case errors.Is(err, ErrVersionGone):
		h, err := f.store.History(t.Ctx, 0)
		if err != nil {
			t.Unavailable(err)
			return true
		}
		t.Say(bot.Reply{Text: t.T(msgContentGone, map[string]any{"Version": n, "Oldest": h.Oldest, "Newest": h.Newest})})
	case err != nil:
		t.Unavailable(err)
	default:
		t.Audit("content.rollback", strconv.FormatInt(n, 10))
		t.Say(bot.Reply{Text: t.T(msgContentRolledBack, map[string]any{"Version": n})})
	}
	return true
}

// press answers the buttons under a checked upload: publish it, or drop it.
func (f *Feature) press(t *bot.Turn) bool {
	switch t.Data {
	case dataPublish:
		f.publish(t, true)
	case dataDrop:
		f.publish(t, false)
	default:
		t.Stale()
	}
	return true
}

// publish publishes, or drops, the upload waiting for the chat. Run again — pressed twice,
// or after a crash between publishing and the mark that the press was handled — it finds
// the upload published and says which version it became.
func (f *Feature) publish(t *bot.Turn, publish bool) {
	archive, published, ok, err := f.store.Pending(t.Ctx, t.Chat)
	switch {
	case err != nil:
		t.Unavailable(err)
		return
	case !ok:
		t.Say(bot.Reply{Text: t.T(msgStaleButton, nil)})
		return
	case published != 0:
		t.Say(bot.Reply{Text: t.T(msgUploadAlreadyPublished, map[string]any{"Version": published})})
		return
	case !publish:
		if err := f.store.DropPending(t.Ctx, t.Chat); err != nil {
			t.Unavailable(err)
			return
		}
		t.Say(bot.Reply{Text: t.T(msgUploadDropped, nil)})
		return
	}
	fsys, err := content.FromArchive(archive)
	if err != nil {
		t.Unavailable(err)
		return
	}
	next, _, err := content.Load(fsys, "upload")
	if err != nil {
		t.Unavailable(err)
		return
	}
	change := content.Diff(t.Engine.Content(), next)
	n, err := f.store.PublishPending(t.Ctx, t.Chat, archive, fmt.Sprintf("id %d", t.Chat), change.String())
	if err != nil {
		t.Unavailable(err)
		return
	}
	t.Audit("content.publish", fmt.Sprintf("%d: %s", n, change))
	t.Say(bot.Reply{Text: t.T(msgUploadPublished, map[string]any{"Version": n, "Summary": describe(t, change)})})
}

// describe says a content change in the chat's language.
func describe(t *bot.Turn, c content.Change) string {
	if c.None() {
		return t.T(msgChangeNone, nil)
	}
	return t.T(msgChange, map[string]any{
		"NA": c.NodesAdded, "NR": c.NodesRemoved, "NC": c.NodesChanged,
		"SA": c.ServicesAdded, "SR": c.ServicesRemoved, "SC": c.ServicesChanged,
		"KK": c.TextsKK, "RU": c.TextsRU,
	})
}
