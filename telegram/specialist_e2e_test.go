package telegram_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/qamqor/qamqor/bot/handoff"
	"github.com/qamqor/qamqor/content"
)

// operatorMessages counts the operators' chat messages that contain text.
func (w *world) operatorMessages(text string) int {
	n := 0
	for _, m := range w.api.Messages(operators) {
		if strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

// A question asked of search goes to the specialist without typing it again; what the
// person writes next goes to the same ticket (after they agree once), the operator's reply
// comes back, and when the person closes it the operators see so.
func TestASpecialistStaysInTheConversation(t *testing.T) {
	w := newWorld(t)
	w.startHandoff()
	w.text(polling, client, "/start")
	w.press(polling, client, "Русский")
	w.text(polling, client, "как стать опекуном")
	w.press(polling, client, "Спросить специалиста")
	if got := w.api.Last(client).Text; !strings.Contains(got, "«как стать опекуном»") || !strings.Contains(got, "вы только что задали") {
		t.Fatalf("the question was not carried:\n%s", got)
	}
	w.press(polling, client, "Да, отправить")
	w.waitFor(func() bool { return w.operatorMessages("как стать опекуном") == 1 }, "the question in the operators' chat")

	// The second message: asked once, then sent to ticket №1.
	w.text(polling, client, "У нас двое детей, 5 и 9 лет")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Отправить и это специалисту по обращению №1") {
		t.Fatalf("no confirmation for the second message:\n%s", got)
	}
	if n := w.operatorMessages("двое детей"); n != 0 {
		t.Fatalf("the second message reached the operators before the person agreed")
	}
	w.press(polling, client, "Да, отправить")
	w.waitFor(func() bool { return w.operatorMessages("двое детей") == 1 }, "the second message in the operators' chat")
	if got := w.api.Last(operators).Text; !strings.Contains(got, "Обращение №1: ещё сообщение от человека") {
		t.Errorf("the operators see:\n%s", got)
	}
	w.text(polling, client, "Мы живём в Караганде")
	w.waitFor(func() bool { return w.operatorMessages("Мы живём в Караганде") == 1 }, "the third message, sent directly")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Передано специалисту по обращению №1") {
		t.Errorf("the person was told: %s", got)
	}

	// The operator answers the latest message; the person gets it.
	w.operatorReplies("Мы живём в Караганде", "Обратитесь в отдел опеки вашего района")
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(client).Text, "Обратитесь в отдел опеки вашего района")
	}, "the operator's answer")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Ответ специалиста по обращению №1") {
		t.Errorf("the person got:\n%s", got)
	}

	// The person closes it; the operators see it; what they type next is a search.
	w.press(polling, client, "Вопрос решён, закрыть обращение")
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(operators).Text, "Обращение №1 закрыто человеком")
	}, "the group to learn it was closed")
	before := len(w.api.Messages(operators))
	w.text(polling, client, "как стать опекуном")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Вот что нашлось по вашему вопросу") {
		t.Errorf("after closing, a question:\n%s", got)
	}
	if n := len(w.api.Messages(operators)); n != before {
		t.Errorf("after closing, the operators got %d more messages", n-before)
	}
}

// Operators close a ticket by replying /close in their group, which speaks Kazakh here;
// the person, in Russian, is told in Russian.
func TestOperatorsCloseATicketInTheirLanguage(t *testing.T) {
	w := newWorld(t)
	w.startHandoff(handoff.OperatorsLang(content.KK))
	w.text(polling, client, "/start")
	w.press(polling, client, "Русский")
	w.text(polling, client, "/start helplines_150")
	w.press(polling, client, "Спросить специалиста")
	w.text(polling, client, "Нужна консультация")
	w.press(polling, client, "Да, отправить")
	w.waitFor(func() bool { return w.operatorMessages("Нужна консультация") == 1 }, "the question in the operators' chat")
	if got := w.api.Last(operators).Text; !strings.Contains(got, "№1 өтініш, тілі: Русский") || strings.Contains(got, "Обращение") {
		t.Errorf("the Kazakh group sees:\n%s", got)
	}
	w.operatorReplies("№1", "/close")
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(client).Text, "Специалисты закрыли обращение №1")
	}, "the person to learn it was closed")
	if got := w.api.Last(operators).Text; !strings.Contains(got, "№1 өтініш жабылды, адамға хабарланды") {
		t.Errorf("the group was told: %s", got)
	}
}

// A voice message and a sticker are answered, in the person's language, with what the bot
// can take and the offer of a specialist.
func TestVoiceAndStickersGetAFriendlyAnswer(t *testing.T) {
	for _, c := range []struct {
		chat              int64
		lang, button, ask string
		says              string
	}{
		{client, "ru", "Русский", "Спросить специалиста", "голосовые сообщения, фото, видео, стикеры и файлы прочитать не могу"},
		{stranger, "kk", "Қазақша", "Маманнан сұрау", "дауыстық хабарламаны, фотоны, бейнені, стикерді және файлды оқи алмаймын"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			w := newWorld(t)
			w.startHandoff()
			w.text(polling, c.chat, "/start")
			w.press(polling, c.chat, c.button)
			for i, m := range []models.Message{
				{Voice: &models.Voice{FileID: "voice-1", FileUniqueID: "v1", Duration: 4}},
				{Sticker: &models.Sticker{FileID: "sticker-1", FileUniqueID: "s1", Type: "regular", Width: 512, Height: 512}},
			} {
				m.ID, m.Chat = 7000+i, models.Chat{ID: c.chat, Type: models.ChatTypePrivate}
				m.From = &models.User{ID: c.chat, FirstName: "Person", LanguageCode: c.lang}
				before := len(w.api.Messages(c.chat))
				w.api.Push(models.Update{Message: &m})
				w.waitFor(func() bool { return len(w.api.Messages(c.chat)) > before }, "an answer to a voice message or a sticker")
				last := w.api.Last(c.chat)
				if !strings.Contains(last.Text, c.says) {
					t.Errorf("message %d got:\n%s", i, last.Text)
				}
				offered := false
				for _, row := range last.Buttons {
					for _, b := range row {
						offered = offered || b.Text == c.ask
					}
				}
				if !offered {
					t.Errorf("message %d: no %q among %v", i, c.ask, last.Buttons)
				}
			}
			w.press(polling, c.chat, c.ask)
			if got := w.api.Last(c.chat).Text; !strings.Contains(got, "1000") {
				t.Errorf("the offer leads to: %s", got)
			}
		})
	}
}

// The question kept for "Ask a specialist" on a search result is sealed, expires as a
// ticket does, is listed by /mydata and is gone after /forget.
func TestTheCarriedQuestionIsSealedListedAndForgotten(t *testing.T) {
	w := newWorld(t)
	w.startHandoff()
	w.text(polling, client, "/start")
	w.press(polling, client, "Русский")
	w.text(polling, client, "как стать опекуном")
	rdb := w.redis.Client()
	ctx := context.Background()
	key := "{chat:300}:carried"
	raw, err := rdb.Get(ctx, key).Result()
	if err != nil || raw == "" || strings.Contains(raw, "опекун") {
		t.Fatalf("the searched question is kept as %q (%v), want it sealed", raw, err)
	}
	if ttl := rdb.TTL(ctx, key).Val(); ttl <= 0 || ttl > handoff.CarriedTTL {
		t.Errorf("it is kept for %s, want at most %s", ttl, handoff.CarriedTTL)
	}
	w.text(polling, client, "/mydata")
	if got := w.api.Last(client).Text; !strings.Contains(got, "«как стать опекуном»") {
		t.Errorf("/mydata does not list it:\n%s", got)
	}
	w.text(polling, client, "/forget")
	w.press(polling, client, "Да, удалить всё")
	for _, k := range w.redis.Keys("*") {
		if strings.Contains(k, "300") {
			t.Errorf("%s is left after /forget", k)
		}
	}
}
