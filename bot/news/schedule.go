package news

import (
	"context"
	"time"

	"github.com/qamqor/qamqor/content"
)

// Scheduled is a broadcast an admin set to go at a time (in the console). Its audience is
// counted when it goes, so whoever subscribed or left meanwhile is taken into account.
type Scheduled struct {
	Draft      string // names it: it becomes one broadcast, however many replicas release it
	Author     int64
	AuthorLang content.Lang
	Texts      map[content.Lang]string
	Audience   Audience
	Due        time.Time
	Created    time.Time
}

// ScheduleStore keeps scheduled broadcasts (store.News).
type ScheduleStore interface {
	// Schedule keeps s until it is released or taken back; the same Draft again replaces it.
	Schedule(ctx context.Context, s Scheduled) error
	// Scheduled lists those not yet released, soonest first.
	Scheduled(ctx context.Context) ([]Scheduled, error)
	// Due lists those due at now, soonest first.
	Due(ctx context.Context, now time.Time) ([]Scheduled, error)
	// Unschedule takes back the one of draft; false when there is none (released already).
	Unschedule(ctx context.Context, draft string) (bool, error)
}

// releaseDue queues every scheduled broadcast that is due, for the subscribers of its
// audience now; the broadcaster's poll runs it on every replica. Queueing is by the
// draft's name, so two replicas releasing the same one make one broadcast, and a replica
// that stops between queueing and taking it off the schedule leaves nothing to send
// twice: the next release finds the broadcast made and only takes it off.
func (b *Broadcaster) releaseDue(ctx context.Context) {
	due, err := b.f.schedule.Due(ctx, b.f.now())
	if err != nil {
		if ctx.Err() == nil {
			b.log.Warn("reading scheduled broadcasts; trying again at the next poll", "err", err)
		}
		return
	}
	for _, s := range due {
		to, err := b.f.store.Audience(ctx, s.Audience)
		if err != nil {
			b.log.Warn("counting a scheduled broadcast's audience; trying again at the next poll", "err", err)
			return
		}
		if len(to) > 0 {
			made, err := b.f.store.CreateBroadcast(ctx, Broadcast{Author: s.Author, AuthorLang: s.AuthorLang, Texts: s.Texts,
				Audience: s.Audience, Created: b.f.now(), Draft: s.Draft}, to)
			if err != nil {
				b.log.Warn("queueing a scheduled broadcast; trying again at the next poll", "err", err)
				return
			}
			if !made.Again {
				b.log.Info("scheduled broadcast queued", "broadcast", made.Number, "total", made.Total)
			}
		} else {
			b.log.Info("a scheduled broadcast found no subscribers; not sent", "due", s.Due)
		}
		if _, err := b.f.schedule.Unschedule(ctx, s.Draft); err != nil {
			b.log.Warn("taking a released broadcast off the schedule; the next poll does", "err", err)
		}
	}
}
