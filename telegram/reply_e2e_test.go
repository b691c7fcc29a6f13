package telegram_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/internal/fakebotapi"
)

// stub answers inputs with replies chosen by the test, instead of the engine: a typed text
// or a pressed button's data picks them from answers.
type stub map[string][]bot.Reply

func (s stub) Handle(_ context.Context, _ int64, in bot.Input) bot.Result {
	key := in.Text
	if in.Kind == bot.InputButton {
		key = in.Data
	}
	if replies, ok := s[key]; ok {
		return bot.Result{Replies: replies}
	}
	return bot.Result{Replies: []bot.Reply{{Text: "Menu", Buttons: [][]bot.Button{{{Label: "Open", Data: "open"}}}}}}
}

// qrPNG is a small black-and-white PNG, w×h.
func qrPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if (x/3+y/3)%2 == 0 {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func buttonData(m fakebotapi.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.CallbackData)
		}
	}
	return out
}

func TestANoticeToAnotherChatIsANewMessageAndTheEditStaysHome(t *testing.T) {
	for _, m := range []mode{polling, webhook} {
		t.Run(m.String(), func(t *testing.T) {
			const person, partner = int64(901), int64(900)
			w := newWorld(t)
			w.api.Started(partner) // the partner wrote to the bot long ago
			w.startWith(m, stub{
				"open": {
					{To: partner, Text: "Your client opened referral R-1", Buttons: [][]bot.Button{{{Label: "Details", Data: "r:R-1"}}}},
					{Text: "Referral R-1 is open", Buttons: [][]bot.Button{{{Label: "← Back", Data: "m"}}}},
					{To: partner, Text: "Second notice"},
				},
			})
			w.text(m, person, "/start")
			w.screen(person, "Menu")
			w.press(m, person, "Open")
			w.screen(person, "Referral R-1 is open")
			w.waitFor(func() bool { return len(w.api.Messages(partner)) == 2 }, "both notices to reach the partner")

			// The pressed message was edited in place by the first reply to the person's chat,
			// though a notice to the partner came before it.
			home := w.api.Messages(person)
			if len(home) != 1 || home[0].Edits != 1 || home[0].Text != "Referral R-1 is open" || buttonData(home[0])[0] != "m" {
				t.Fatalf("the person's chat: %+v", home)
			}
			notices := w.api.Messages(partner)
			if notices[0].Text != "Your client opened referral R-1" || notices[0].Edits != 0 || buttonData(notices[0])[0] != "r:R-1" ||
				notices[1].Text != "Second notice" || notices[1].Buttons != nil {
				t.Fatalf("the partner's chat: %+v", notices)
			}
			if n := w.api.CallCount("editMessageText"); n != 1 {
				t.Fatalf("%d edits, want 1", n)
			}
		})
	}
}

func TestAPictureIsSentWithItsCaptionAndButtons(t *testing.T) {
	const person, partner = int64(920), int64(921)
	w := newWorld(t)
	w.api.Started(partner)
	qr := qrPNG(t, 87, 87)
	long := strings.Repeat("Show this code at the centre. ", 40) // 1,200 characters: too long for a caption
	back := [][]bot.Button{{{Label: "← Back", Data: "m"}}}
	w.startWith(polling, stub{
		"qr": {
			{Text: "Referral R-2: show this code", Image: &bot.Image{Name: "qamqor-referral.png", PNG: qr}, Buttons: back},
			{Text: "Anything else?"},
		},
		"/long":  {{Text: long, Image: &bot.Image{Name: "qamqor-referral.png", PNG: qr}, Buttons: back}},
		"/bare":  {{Image: &bot.Image{PNG: qr}, Buttons: back}},
		"/other": {{To: partner, Text: "Your client's code", Image: &bot.Image{Name: "partner.png", PNG: qr}}, {Text: "Sent to your partner"}},
		"/start": {{Text: "Menu", Buttons: [][]bot.Button{{{Label: "QR", Data: "qr"}}}}},
	})

	// A press whose first reply is a picture: a new message (a text cannot become a photo),
	// the pressed menu left as it was, then the text after it.
	w.text(polling, person, "/start")
	menu := w.screen(person, "Menu")
	w.press(polling, person, "QR")
	w.waitFor(func() bool { return len(w.api.Messages(person)) == 3 }, "the picture and the text")
	got := w.api.Messages(person)
	photo := got[1]
	if got[0].ID != menu.ID || got[0].Edits != 0 || got[0].Text != "Menu" {
		t.Fatalf("the pressed menu changed: %+v", got[0])
	}
	if photo.Photo == nil || photo.Text != "" || photo.Photo.Caption != "Referral R-2: show this code" ||
		photo.Photo.Filename != "qamqor-referral.png" || !bytes.Equal(photo.Photo.Data, qr) || buttonData(photo)[0] != "m" {
		t.Fatalf("the picture message: %+v, photo %+v", photo, photo.Photo)
	}
	img, err := png.Decode(bytes.NewReader(photo.Photo.Data))
	if err != nil || img.Bounds().Dx() != 87 {
		t.Fatalf("the picture read back: %v", err)
	}
	if got[2].Text != "Anything else?" || got[2].Photo != nil {
		t.Fatalf("after the picture: %+v", got[2])
	}

	// A text too long for a caption: the bare picture, then the text with the buttons.
	w.text(polling, person, "/long")
	w.waitFor(func() bool { return len(w.api.Messages(person)) == 5 }, "the bare picture and the long text")
	got = w.api.Messages(person)
	if p := got[3]; p.Photo == nil || p.Photo.Caption != "" || p.Buttons != nil {
		t.Fatalf("the picture of a long text: %+v, photo %+v", p, p.Photo)
	}
	if m := got[4]; m.Text != long || buttonData(m)[0] != "m" {
		t.Fatalf("the long text: %q, buttons %v", m.Text, m.Buttons)
	}

	// No text: a picture with buttons, under the default name.
	w.text(polling, person, "/bare")
	if p := w.api.Last(person); p.Photo == nil || p.Photo.Caption != "" || p.Photo.Filename != "qamqor.png" || buttonData(p)[0] != "m" {
		t.Fatalf("a bare picture: %+v, photo %+v", p, p.Photo)
	}

	// A picture for another chat goes there.
	w.text(polling, person, "/other")
	w.screen(person, "Sent to your partner")
	w.waitFor(func() bool { return len(w.api.Messages(partner)) == 1 }, "the partner's picture")
	if p := w.api.Last(partner); p.Photo == nil || p.Photo.Caption != "Your client's code" || p.Photo.Filename != "partner.png" {
		t.Fatalf("the partner's picture: %+v", p)
	}
}

func TestARefusedNoticeIsSkippedAndRetriesStillHappen(t *testing.T) {
	const person, flaky, blocker, stranger = int64(930), int64(931), int64(932), int64(933)
	w := newWorld(t)
	w.api.Started(flaky, blocker)
	w.api.BlockedBy(blocker)
	qr := qrPNG(t, 30, 30)
	w.startWith(polling, stub{
		"/refer": {
			{To: flaky, Text: "A code for you", Image: &bot.Image{Name: "qamqor-referral.png", PNG: qr}},
			{To: blocker, Text: "Your client opened a referral"},
			{To: stranger, Text: "Your client opened a referral", Image: &bot.Image{PNG: qr}}, // never wrote to the bot
			{Text: "Referral opened"},
		},
	})
	// Telegram fails the partner's picture twice (5xx, then flood control): both retried.
	w.api.FailNext("sendPhoto", 1, fakebotapi.FaultInternal())
	w.api.FailNext("sendPhoto", 1, fakebotapi.FaultTooManyRequests(1))

	w.text(polling, person, "/refer")
	w.screen(person, "Referral opened")
	if p := w.api.Last(flaky); p.Photo == nil || p.Photo.Caption != "A code for you" {
		t.Fatalf("the retried picture: %+v", p)
	}
	if len(w.api.Messages(blocker)) != 0 || len(w.api.Messages(stranger)) != 0 {
		t.Fatal("a refused notice left a message")
	}
	var codes []int
	for _, c := range w.api.Calls("sendPhoto") {
		codes = append(codes, c.Code)
	}
	if want := []int{500, 429, 200, 403}; !equalInts(codes, want) {
		t.Fatalf("sendPhoto answers %v, want %v", codes, want)
	}
	w.waitFor(func() bool {
		logs := w.logs.String()
		return strings.Contains(grep(logs, "to=932"), "refused") && strings.Contains(grep(logs, "to=933"), "initiate conversation")
	}, "both refusals to be logged")
	if strings.Contains(w.logs.String(), "reply not delivered") {
		t.Fatalf("a refused notice failed the delivery:\n%s", grep(w.logs.String(), "reply not delivered"))
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
