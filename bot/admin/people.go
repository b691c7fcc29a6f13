package admin

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// UsernameTTL is how long the bot remembers whose a @username is, after that person's
// last message: long enough for an admin to name a colleague who wrote recently, no
// longer than a conversation is kept.
const UsernameTTL = 30 * 24 * time.Hour

// Usernames remembers, for people who wrote to the bot, whose a @username is
// (store.Usernames: a hash of the name, never the name, for UsernameTTL), so an admin can
// grant a role by it. Telegram tells a bot nobody's id by their username.
type Usernames interface {
	// Note remembers that username is chat's (and forgets chat's previous one).
	Note(ctx context.Context, username string, chat int64) error
	// Lookup is the chat whose username it is; false when nobody with it wrote lately.
	Lookup(ctx context.Context, username string) (int64, bool, error)
	// Noted says whether a username of chat's is remembered, for /mydata.
	Noted(ctx context.Context, chat int64) (bool, error)
	// Forget forgets chat's username, for /forget; safe to run twice.
	Forget(ctx context.Context, chat int64) error
}

// WithUsernames lets admins name people by @username: the feature notes the username of
// everyone who writes, and lists and deletes it for /mydata and /forget.
func (f *Feature) WithUsernames(u Usernames) *Feature {
	f.usernames = u
	f.noted = map[int64]notedName{}
	return f
}

// notedName is the username last noted for a chat by this replica, and when.
type notedName struct {
	name string
	at   time.Time
}

// How often a replica notes a person's unchanged username again (renewing its TTL), and
// how many it remembers noting before it starts afresh.
const (
	renoteAfter = 24 * time.Hour
	notedMax    = 50_000
)

// note remembers who has the turn's sender's username: written when it is new to this
// replica, changed, or was written more than a day ago. A store away is logged and
// tried again at the next message.
func (f *Feature) note(t *bot.Turn) {
	name := normalUsername(t.In.Username)
	if f.usernames == nil || name == "" || t.In.Group {
		return
	}
	f.mu.Lock()
	prev, ok := f.noted[t.Chat]
	fresh := ok && prev.name == name && t.Now.Sub(prev.at) < renoteAfter
	f.mu.Unlock()
	if fresh {
		return
	}
	if err := f.usernames.Note(t.Ctx, name, t.Chat); err != nil {
		f.log.Warn("noting a username; tried again at the next message", "err", err)
		return
	}
	f.mu.Lock()
	if len(f.noted) >= notedMax {
		f.noted = map[int64]notedName{}
	}
	f.noted[t.Chat] = notedName{name: name, at: t.Now}
	f.mu.Unlock()
}

// normalUsername is a username as Telegram compares them: without "@", in lower case;
// "" when it cannot be one (5–32 letters, digits and underscores).
func normalUsername(s string) string {
	s = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@"))
	if len(s) < 4 || len(s) > 32 {
		return ""
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return ""
		}
	}
	return s
}

// Kept implements bot.Keeper: that a username of the chat's is remembered (never the name).
func (f *Feature) Kept(ctx context.Context, chat int64, lang content.Lang, e *bot.Engine) ([]string, error) {
	ok, err := f.usernames.Noted(ctx, chat)
	if err != nil || !ok {
		return nil, err
	}
	return []string{e.T(lang, msgMyDataUsername, map[string]any{"Kept": e.T(lang, msgKeptDays, map[string]any{"Days": days(UsernameTTL)})})}, nil
}

// Forget implements bot.Keeper.
func (f *Feature) Forget(ctx context.Context, chat int64) error {
	f.mu.Lock()
	delete(f.noted, chat)
	f.mu.Unlock()
	return f.usernames.Forget(ctx, chat)
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

// target is whom a /role names: a number, an @username, or the sender of the forwarded
// message the command replies to (or of the message forwarded in the role flow).
// It answers and returns false when it cannot tell.
func (f *Feature) target(t *bot.Turn, word string, forwarded *bot.Origin) (user int64, label string, ok bool) {
	if forwarded != nil {
		switch {
		case forwarded.User != 0:
			return forwarded.User, strconv.FormatInt(forwarded.User, 10), true
		case forwarded.Hidden:
			t.Say(bot.Reply{Text: t.T(msgRoleHiddenForward, nil)})
		default:
			t.Say(bot.Reply{Text: t.T(msgRoleNotAPerson, nil)})
		}
		return 0, "", false
	}
	if id, err := strconv.ParseInt(word, 10, 64); err == nil && id > 0 {
		return id, word, true
	}
	name := normalUsername(word)
	if !strings.HasPrefix(word, "@") || name == "" || f.usernames == nil {
		t.Say(bot.Reply{Text: t.T(msgRoleUsage, nil)})
		return 0, "", false
	}
	id, found, err := f.usernames.Lookup(t.Ctx, name)
	if err != nil {
		t.Unavailable(err)
		return 0, "", false
	}
	if !found {
		t.Say(bot.Reply{Text: t.T(msgRoleUnknownUsername, map[string]any{"Username": "@" + name,
			"Kept": t.T(msgKeptDays, map[string]any{"Days": days(UsernameTTL)})})})
		return 0, "", false
	}
	return id, "@" + name + " (" + strconv.FormatInt(id, 10) + ")", true
}
