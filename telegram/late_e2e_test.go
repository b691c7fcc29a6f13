package telegram_test

import (
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/telegram"
)

// Telegram does what a send asks and answers after the bot stopped waiting, or the
// connection breaks after the request went out: the person must see the message once, not
// once per try.

// lateTimeout is how long the bot waits for one answer in these tests; Telegram's late
// answers come after lateDelay.
const (
	lateTimeout = 500 * time.Millisecond
	lateDelay   = 2 * time.Second
)

// sendsTo counts the calls of method for chat that Telegram carried out.
func sendsTo(api *fakebotapi.Server, method string, chat int64) int {
	n := 0
	for _, c := range api.Calls(method) {
		if c.IntParam("chat_id") == chat && c.Code == 200 {
			n++
		}
	}
	return n
}

func TestALateAnswerFromTelegramShowsANewMessageOnce(t *testing.T) {
	w := newWorld(t)
	w.configure = func(c *telegram.Config) { c.RequestTimeout = lateTimeout }
	checklist := &bot.Checklist{Made: time.Now(), Sections: []bot.ChecklistSection{
		{Lang: content.KK, Title: "Маған не тиесілі", Items: []bot.ChecklistItem{{Name: "Жәрдемақы"}}},
		{Lang: content.RU, Title: "Что мне положено", Items: []bot.ChecklistItem{{Name: "Пособие"}}},
	}}
	w.startWith(polling, stub{
		"/text":      {{Text: "Just text"}},
		"/photo":     {{Text: "A picture", Image: &bot.Image{PNG: qrPNG(t, 30, 30)}}},
		"/checklist": {{Text: "Your checklist", Checklist: checklist}},
	})
	for i, tc := range []struct {
		name, command, method string
		fault                 func(method string)
		messages              int // what the person sees: the checklist comes after its text
	}{
		{"text answered late", "/text", "sendMessage", func(m string) { w.api.AnswerLateNext(m, 1, lateDelay) }, 1},
		{"text, connection broken", "/text", "sendMessage", func(m string) { w.api.HangUpNext(m, 1, 0) }, 1},
		{"picture answered late", "/photo", "sendPhoto", func(m string) { w.api.AnswerLateNext(m, 1, lateDelay) }, 1},
		{"checklist answered late", "/checklist", "sendDocument", func(m string) { w.api.AnswerLateNext(m, 1, lateDelay) }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chat := int64(700 + i)
			warned := strings.Count(w.logs.String(), "it is not sent again")
			tc.fault(tc.method)
			w.deliver(polling, w.api.SendText(chat, tc.command, "ru"))
			w.api.WaitFor(t, 20*time.Second, func() bool { return sendsTo(w.api, tc.method, chat) > 0 }, "the "+tc.method)
			// Time for the bot to stop waiting, and for any second try to arrive.
			time.Sleep(lateDelay + 2*lateTimeout)
			if n := sendsTo(w.api, tc.method, chat); n != 1 {
				t.Errorf("%s carried out %d times, want 1", tc.method, n)
			}
			if n := len(w.api.Messages(chat)); n != tc.messages {
				t.Errorf("the person sees %d messages, want %d", n, tc.messages)
			}
			if strings.Count(w.logs.String(), "it is not sent again") == warned {
				t.Error("the bot did not log that it gave up waiting for the answer")
			}
		})
	}
}

func TestALateEditOrCallbackAnswerIsTriedAgain(t *testing.T) {
	w := newWorld(t)
	w.configure = func(c *telegram.Config) { c.RequestTimeout = lateTimeout }
	w.start(polling)
	const chat = 720
	w.russian(chat)
	w.text(polling, chat, "/menu")
	menu := w.screen(chat, "Главное меню")
	// Both calls are the same when repeated: Telegram is asked again rather than left
	// without an answer, and the person still sees one message, edited.
	w.api.AnswerLateNext("editMessageText", 1, lateDelay)
	w.api.AnswerLateNext("answerCallbackQuery", 1, lateDelay)
	_, callback := w.api.Press(chat, menu.ID, "g:disability")
	w.screen(chat, "Поддержка людей с инвалидностью")
	w.waitFor(func() bool {
		return w.api.Answered(callback) && w.api.CallCount("editMessageText") >= 2 && w.api.CallCount("answerCallbackQuery") >= 2
	},
		"the edit and the callback answer to be tried again")
	if n := len(w.api.Messages(chat)); n != 1 {
		t.Errorf("the person sees %d messages, want the menu edited in place", n)
	}
}

func TestARetryAfterBeyondTheCapGivesUpOnThatMessageAlone(t *testing.T) {
	w := newWorld(t)
	w.start(polling)
	w.russian(730, 731)
	// An hour of flood control for one message: the bot does not hold it for an hour.
	w.api.FailNext("sendMessage", 1, fakebotapi.FaultTooManyRequests(3600))
	w.api.SendText(730, "/x1", "ru")
	w.waitFor(func() bool { return strings.Contains(w.logs.String(), "wait would be too long") }, "the bot to give up on the message")
	if line := grep(w.logs.String(), "wait would be too long"); !strings.Contains(line, "chat=730") || !strings.Contains(line, "1h0m0s") {
		t.Errorf("the log does not say which chat and how long: %s", line)
	}
	w.text(polling, 731, "/x2") // and the next person is answered as usual
	w.text(polling, 730, "/x3") // so is the same one, once Telegram lets it
	if got := w.answers(730); len(got) != 1 || got[0] != 3 {
		t.Errorf("chat 730 got answers %v, want [3]", got)
	}
}
