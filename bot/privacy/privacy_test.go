package privacy_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/content"
)

const person, partner = 7, 8

// keeper is a feature that keeps one line about each chat it was told of and, when it is
// a farewell, tells partner on /forget.
type keeper struct {
	name     string
	kept     map[int64]bool
	farewell bool
	broken   error // what Forget fails with, while set
	forgets  int
}

func (k *keeper) Name() string           { return k.name }
func (k *keeper) Register(r *bot.Router) { r.Keep(k) }
func (k *keeper) Forget(_ context.Context, chat int64) error {
	k.forgets++
	if k.broken != nil {
		return k.broken
	}
	delete(k.kept, chat)
	return nil
}

func (k *keeper) Kept(_ context.Context, chat int64, _ content.Lang, _ *bot.Engine) ([]string, error) {
	if !k.kept[chat] {
		return nil, nil
	}
	return []string{"• " + k.name}, nil
}

// farewellKeeper tells the partner when the person it kept something about is forgotten.
type farewellKeeper struct{ *keeper }

func (k farewellKeeper) Register(r *bot.Router) { r.Keep(k) }

func (k farewellKeeper) Farewells(_ context.Context, chat int64, _ *bot.Engine) ([]bot.Notice, error) {
	if !k.kept[chat] {
		return nil, nil
	}
	return []bot.Notice{{To: partner, Text: "your client left"}}, nil
}

func newKeeper(name string, chats ...int64) *keeper {
	k := &keeper{name: name, kept: map[int64]bool{}}
	for _, c := range chats {
		k.kept[c] = true
	}
	return k
}

func joined(r bot.Result) string { return strings.Join(bottest.Texts(r), "\n---\n") }

// /mydata lists the session's part, then each keeper's lines in the order they registered.
func TestMyDataListsTheSessionThenEachKeeperInOrder(t *testing.T) {
	tickets, news := newKeeper("tickets", person), newKeeper("news", person)
	svc, sessions := bottest.Service(t, tickets, news)
	bottest.Russian(sessions, person)
	got := joined(bottest.NewChat(t, svc, person).Text("/mydata"))
	lang, tk, nw := strings.Index(got, "язык: Русский"), strings.Index(got, "• tickets"), strings.Index(got, "• news")
	if lang < 0 || tk < lang || nw < tk || !strings.Contains(got, "/forget") {
		t.Errorf("/mydata should list the language, then tickets, then news, and offer /forget:\n%s", got)
	}
	if strings.Contains(got, "ничего") {
		t.Errorf("/mydata says nothing is kept beside what is:\n%s", got)
	}
}

func TestMyDataOfSomeoneUnknownSaysNothingIsKept(t *testing.T) {
	svc, _ := bottest.Service(t, newKeeper("tickets"))
	got := joined(bottest.NewChat(t, svc, person).Send(bot.Input{Kind: bot.InputText, Text: "/mydata", LangHint: content.KK}))
	if !strings.Contains(got, "ештеңе") && !strings.Contains(got, "ничего") {
		t.Errorf("/mydata of an unknown chat should say nothing is kept:\n%s", got)
	}
}

// Confirmed /forget empties every keeper and the session, and tells the partner.
func TestForgetDeletesEverythingAndSaysGoodbyeToPartners(t *testing.T) {
	tickets, refs := newKeeper("tickets", person), farewellKeeper{newKeeper("referrals", person)}
	svc, sessions := bottest.Service(t, tickets, refs)
	bottest.Russian(sessions, person)
	chat := bottest.NewChat(t, svc, person)
	ask := chat.Text("/forget")
	yes := bottest.Button(ask, "Да, удалить всё")
	if yes == "" {
		t.Fatalf("/forget asks no confirmation:\n%s", joined(ask))
	}
	r := chat.Press(yes)
	if len(tickets.kept)+len(refs.kept) != 0 {
		t.Error("a keeper still keeps something after /forget")
	}
	if _, ok := sessions.Get(person); ok {
		t.Error("the session is kept after /forget")
	}
	told := false
	for _, rep := range r.Replies {
		told = told || (rep.To == partner && rep.Text == "your client left")
	}
	if !told || !strings.Contains(r.Replies[0].Text, "удалено") {
		t.Errorf("want the person told it is done and the partner told; got %+v", r.Replies)
	}
}

// A /forget cut short by a store that fails is finished by pressing again, and the partner
// is still told, although the first run deleted what the notice was made from.
func TestForgetCutShortIsFinishedByTheNextPressAndStillTellsThePartner(t *testing.T) {
	refs := farewellKeeper{newKeeper("referrals", person)}
	tickets := newKeeper("tickets", person)
	svc, sessions := bottest.Service(t, refs, tickets)
	bottest.Russian(sessions, person)
	chat := bottest.NewChat(t, svc, person)
	yes := bottest.Button(chat.Text("/forget"), "Да, удалить всё")

	tickets.broken = errors.New("redis away")
	r := chat.Press(yes)
	if !strings.Contains(joined(r), "временно недоступен") {
		t.Fatalf("a failing store should be said:\n%s", joined(r))
	}
	if len(refs.kept) != 0 {
		t.Fatal("the referrals keeper was not run first")
	}
	if _, ok := sessions.Get(person); !ok {
		t.Fatal("the session went although /forget did not finish")
	}
	tickets.broken = nil
	r = chat.Press(yes)
	told := false
	for _, rep := range r.Replies {
		told = told || rep.To == partner
	}
	if !told || len(tickets.kept) != 0 {
		t.Errorf("the second press should finish and tell the partner: %+v", r.Replies)
	}
	if _, ok := sessions.Get(person); ok {
		t.Error("the session is kept after the finished /forget")
	}
}

// "Keep it" deletes nothing and shows where the person was; a /forget button of another
// version is answered as stale.
func TestCancelledForgetKeepsEverything(t *testing.T) {
	tickets := newKeeper("tickets", person)
	svc, sessions := bottest.Service(t, tickets)
	bottest.Russian(sessions, person)
	chat := bottest.NewChat(t, svc, person)
	no := bottest.Button(chat.Text("/forget"), "Нет, оставить")
	before := sessions.Writes()
	r := chat.Press(no)
	if got := sessions.Writes() - before; got != 1 {
		t.Errorf("pressing Keep wrote the session %d times, want once (the mark)", got)
	}
	if !strings.Contains(joined(r), "Ничего не удалено") || tickets.forgets != 0 || !tickets.kept[person] {
		t.Errorf("cancelling should delete nothing: forgets=%d\n%s", tickets.forgets, joined(r))
	}
	if len(r.Replies) == 0 || len(r.Replies[0].Buttons) == 0 {
		t.Error("cancelling should show the current screen with its buttons")
	}
	if got := joined(chat.Press("F:zz")); !strings.Contains(got, "устарел") && !strings.Contains(got, "устар") {
		t.Errorf("an unknown /forget button: %s", got)
	}
	if tickets.forgets != 0 {
		t.Error("a stale button deleted something")
	}
}

// The same confirmed update delivered twice (a crash after the effects, before Telegram
// heard back) deletes nothing more, says again that it is done, and leaves no new session.
func TestForgetRedeliveredSaysDoneAgainAndKeepsNothing(t *testing.T) {
	tickets := newKeeper("tickets", person)
	svc, sessions := bottest.Service(t, tickets)
	bottest.Russian(sessions, person)
	chat := bottest.NewChat(t, svc, person)
	yes := bottest.Button(chat.Text("/forget"), "Да, удалить всё")
	chat.Press(yes)
	again := chat.Again(bot.Input{Kind: bot.InputButton, Data: yes})
	if again.Outcome != bot.Answered || !strings.Contains(joined(again), "удалено") {
		t.Errorf("a redelivered /forget: %v\n%s", again.Outcome, joined(again))
	}
	if _, ok := sessions.Get(person); ok {
		t.Error("a redelivered /forget left a session behind")
	}
}

// The region a person chose is listed by /mydata and goes with /forget.
func TestMyDataListsTheRegionChosen(t *testing.T) {
	svc, sessions := bottest.Service(t)
	sessions.Set(person, bot.Session{Lang: content.RU, Region: "astana"})
	chat := bottest.NewChat(t, svc, person)
	if got := joined(chat.Text("/mydata")); !strings.Contains(got, "регион: г. Астана") {
		t.Errorf("/mydata does not list the region:\n%s", got)
	}
	chat.Press(bottest.Button(chat.Text("/forget"), "Да, удалить всё"))
	if _, ok := sessions.Get(person); ok {
		t.Error("the region outlived /forget")
	}
}
