package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ContentVersion is one published version of the content.
type ContentVersion struct {
	Number  int64
	Author  string
	At      time.Time
	Summary string // what changed, in a line
	Archive []byte // a zip of the content's YAML files; nil in History
}

// ContentHistory is what /content shows: the latest versions, the one in use, and which
// versions are kept (older ones were deleted).
type ContentHistory struct {
	Versions       []ContentVersion // newest first, at most the limit asked for
	Current        int64
	Oldest, Newest int64 // the versions kept: Oldest to Newest; 0 when none was published
}

// ContentStore keeps the latest published content versions, and uploads waiting to be
// published.
type ContentStore interface {
	History(ctx context.Context, limit int) (ContentHistory, error)
	Rollback(ctx context.Context, n int64) error
	Current(ctx context.Context) (ContentVersion, bool, error)
	Publish(ctx context.Context, archive []byte, author, summary string) (int64, error)
	SetPending(ctx context.Context, user int64, archive []byte) error
	// Pending is the user's waiting upload, or the version it became once published.
	Pending(ctx context.Context, user int64) (archive []byte, published int64, ok bool, err error)
	// PublishPending publishes the waiting upload and marks it published, together.
	PublishPending(ctx context.Context, user int64, archive []byte, author, summary string) (int64, error)
	DropPending(ctx context.Context, user int64) error
}

// contentShown is how many versions /content lists.
const contentShown = 10

// EnableContentCommands turns on /content and /rollback for editors and admins.
func (s *Service) EnableContentCommands(store ContentStore) { s.contentStore = store }

// contentHistory handles /content: the version in use and the latest ones.
func (s *Service) contentHistory(ctx context.Context, chat int64, in Input) []Reply {
	lang := s.lang(ctx, chat, in)
	h, err := s.contentStore.History(ctx, contentShown)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if len(h.Versions) == 0 {
		return []Reply{{Text: s.t(lang, msgContentBuiltIn, nil)}}
	}
	lines := []string{s.t(lang, msgContentCurrent, map[string]any{"Version": h.Current})}
	for _, v := range h.Versions {
		mark := "  "
		if v.Number == h.Current {
			mark = "▶ "
		}
		lines = append(lines, fmt.Sprintf("%s%d · %s · %s · %s", mark, v.Number, v.At.UTC().Format("02.01.2006 15:04"), v.Author, v.Summary))
	}
	if h.Oldest > 1 {
		lines = append(lines, s.t(lang, msgContentKept, map[string]any{"Oldest": h.Oldest, "Newest": h.Newest}))
	}
	lines = append(lines, s.t(lang, msgContentRollbackHint, nil))
	return []Reply{{Text: strings.Join(lines, "\n")}}
}

// rollback handles /rollback <version>.
func (s *Service) rollback(ctx context.Context, chat int64, in Input, arg string) []Reply {
	lang := s.lang(ctx, chat, in)
	n, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || n <= 0 {
		return []Reply{{Text: s.t(lang, msgContentRollbackHint, nil)}}
	}
	if err := s.contentStore.Rollback(ctx, n); err != nil {
		if errors.Is(err, ErrNoContentVersion) {
			return []Reply{{Text: s.t(lang, msgContentNoVersion, map[string]any{"Version": n})}}
		}
		if errors.Is(err, ErrContentVersionGone) {
			h, herr := s.contentStore.History(ctx, 0)
			if herr != nil {
				return s.unavailable(chat, in, herr)
			}
			return []Reply{{Text: s.t(lang, msgContentGone, map[string]any{"Version": n, "Oldest": h.Oldest, "Newest": h.Newest})}}
		}
		return s.unavailable(chat, in, err)
	}
	s.audit(ctx, chat, "content.rollback", strconv.FormatInt(n, 10))
	return []Reply{{Text: s.t(lang, msgContentRolledBack, map[string]any{"Version": n})}}
}

// ErrNoContentVersion means no published content version has the number asked for.
var ErrNoContentVersion = errors.New("no such content version")

// ErrContentVersionGone means the version asked for was published but is no longer kept.
var ErrContentVersionGone = errors.New("content version no longer kept")
