package telegram

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// TestUpdatesAreReadAsTelegramWritesThem decodes updates as Telegram sends them (trimmed
// of nothing: a pressed button's update carries the whole message it was under) and checks
// what the engine is given of each, in Kazakh and in Russian.
func TestUpdatesAreReadAsTelegramWritesThem(t *testing.T) {
	const keyboard = `"reply_markup":{"inline_keyboard":[[{"text":"Жәрдемақылар","callback_data":"screen:benefits"},{"text":"Пособия","callback_data":"screen:b"}]]}`
	cases := []struct {
		name  string
		raw   string
		ok    bool
		want  input
		check func(t *testing.T, in input)
	}{
		{"a Kazakh text in a private chat",
			`{"update_id":10,"message":{"message_id":5,"from":{"id":77,"is_bot":false,"first_name":"Айгүл","username":"aigul","language_code":"kk"},"chat":{"id":77,"first_name":"Айгүл","type":"private"},"date":1764650000,"text":"Жәрдемақы қалай алуға болады?"}}`,
			true, input{chat: 77, kind: "message", Input: bot.Input{Kind: bot.InputText, Text: "Жәрдемақы қалай алуға болады?", UpdateID: 10, LangHint: content.KK, Username: "aigul"}}, nil},
		{"a pressed button under a Russian message",
			`{"update_id":11,"callback_query":{"id":"4700","from":{"id":78,"is_bot":false,"first_name":"Иван","language_code":"ru"},"message":{"message_id":9,"from":{"id":1,"is_bot":true,"first_name":"Qamqor","username":"QamqorBot"},"chat":{"id":78,"type":"private"},"date":1764650001,"text":"Выберите, что вас интересует:",` + keyboard + `},"chat_instance":"-1","data":"screen:b"}}`,
			true, input{chat: 78, kind: "callback_query", callbackID: "4700", editID: 9, Input: bot.Input{Kind: bot.InputButton, Data: "screen:b", UpdateID: 11, LangHint: content.RU}}, nil},
		{"a button under a message too old to see",
			`{"update_id":12,"callback_query":{"id":"4701","from":{"id":79,"is_bot":false,"first_name":"A"},"message":{"message_id":3,"chat":{"id":79,"type":"private"},"date":0},"chat_instance":"-1","data":"lang:kk"}}`,
			true, input{chat: 79, kind: "callback_query", callbackID: "4701", Input: bot.Input{Kind: bot.InputButton, Data: "lang:kk", UpdateID: 12}}, nil},
		{"a button in a group",
			`{"update_id":13,"callback_query":{"id":"4702","from":{"id":80,"is_bot":false,"first_name":"A"},"message":{"message_id":3,"chat":{"id":-100,"type":"supergroup","title":"Операторы"},"date":1764650002,"text":"x"},"chat_instance":"-1","data":"x"}}`,
			false, input{}, nil},
		{"a document",
			`{"update_id":14,"message":{"message_id":6,"from":{"id":81,"is_bot":false,"first_name":"A","language_code":"ru"},"chat":{"id":81,"type":"private"},"date":1764650003,"document":{"file_name":"content.zip","mime_type":"application/zip","file_id":"F1","file_unique_id":"U1","file_size":1200}}}`,
			true, input{}, func(t *testing.T, in input) {
				if in.Kind != bot.InputFile || in.File == nil || in.File.Name != "content.zip" || in.document == nil || in.document.FileID != "F1" || in.document.FileSize != 1200 {
					t.Errorf("document read as %+v (file %+v, document %+v)", in.Input, in.File, in.document)
				}
			}},
		{"a forwarded message",
			`{"update_id":15,"message":{"message_id":7,"from":{"id":82,"is_bot":false,"first_name":"A"},"chat":{"id":82,"type":"private"},"date":1764650004,"forward_origin":{"type":"user","date":1764640000,"sender_user":{"id":555,"is_bot":false,"first_name":"Б"}},"text":"Көмек керек"}}`,
			true, input{}, func(t *testing.T, in input) {
				if in.Forwarded == nil || in.Forwarded.User != 555 || in.Text != "Көмек керек" {
					t.Errorf("forwarded read as %+v, origin %+v", in.Input, in.Forwarded)
				}
			}},
		{"an operator's answer in the group",
			`{"update_id":16,"message":{"message_id":8,"from":{"id":83,"is_bot":false,"first_name":"Оператор"},"chat":{"id":-200,"type":"supergroup","title":"Операторы"},"date":1764650005,"reply_to_message":{"message_id":2,"from":{"id":1,"is_bot":true,"first_name":"Qamqor"},"chat":{"id":-200,"type":"supergroup"},"date":1764650000,"text":"Вопрос №12"},"text":"Ответ: обратитесь в ЦОН"}}`,
			true, input{chat: -200, kind: "group_message", Input: bot.Input{Kind: bot.InputText, Text: "Ответ: обратитесь в ЦОН", UpdateID: 16, Group: true, From: 83, ReplyToText: "Вопрос №12"}}, nil},
		{"a channel post", `{"update_id":17,"channel_post":{"message_id":1,"chat":{"id":-300,"type":"channel"},"date":1,"text":"x"}}`, false, input{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var u update
			if err := json.Unmarshal([]byte(c.raw), &u); err != nil {
				t.Fatal(err)
			}
			in, ok := toInput(&u)
			if ok != c.ok {
				t.Fatalf("read: %v, want %v (%+v)", ok, c.ok, in)
			}
			// What the journal keeps of it is read back the same, without the names.
			kept := journalForm([]update{u})[u.ID]
			var back update
			if err := json.Unmarshal(kept, &back); err != nil {
				t.Fatalf("the journal's form %s does not decode: %v", kept, err)
			}
			if again, okAgain := toInput(&back); okAgain != ok || !reflect.DeepEqual(again, in) {
				t.Errorf("read back from the journal as\n%+v\nwant\n%+v", again, in)
			}
			// (A forwarded message's origin is kept as Telegram's model, names and all.)
			named := bytes.Contains(kept, []byte("first_name")) && !strings.Contains(c.raw, "forward_origin")
			if named || bytes.Contains(kept, []byte("inline_keyboard")) {
				t.Errorf("the journal keeps what the bot never reads: %s", kept)
			}
			if c.check != nil {
				c.check(t, in)
				return
			}
			if in.Input.Forwarded != nil || in.Input.ReplyForwarded != nil {
				t.Errorf("not forwarded, read as forwarded: %+v", in.Input)
			}
			in.Input.Forwarded, in.Input.ReplyForwarded = nil, nil
			if in.chat != c.want.chat || in.kind != c.want.kind || in.callbackID != c.want.callbackID || in.editID != c.want.editID ||
				in.Input.Kind != c.want.Input.Kind || in.Text != c.want.Text || in.Data != c.want.Data || in.UpdateID != c.want.UpdateID ||
				in.LangHint != c.want.LangHint || in.Username != c.want.Username || in.Group != c.want.Group || in.From != c.want.From ||
				in.ReplyToText != c.want.ReplyToText {
				t.Errorf("read as\n%+v\nwant\n%+v", in, c.want)
			}
		})
	}
}

// TestAnUpdateThatCannotBeReadLeavesTheOthers: Telegram's answer is read in one pass; one
// update with a field of another type sends it back to reading them one by one, so the
// others are still handled and the offset can pass all three.
func TestAnUpdateThatCannotBeReadLeavesTheOthers(t *testing.T) {
	const answer = `{"ok":true,"result":[` +
		`{"update_id":21,"message":{"message_id":1,"chat":{"id":77,"type":"private"},"date":1,"text":"Сәлем"}},` +
		`{"update_id":22,"message":{"message_id":2,"chat":{"id":77,"type":"private"},"date":1,"text":5}},` +
		`{"update_id":23,"message":{"message_id":3,"chat":{"id":78,"type":"private"},"date":1,"text":"Привет"}}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	defer srv.Close()
	b := &Bot{cfg: Config{APIURL: srv.URL, Token: "1:x"}, client: srv.Client(), log: slog.New(slog.DiscardHandler)}
	fresh, newest, total, err := b.getUpdates(t.Context(), 0, 0, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, u := range fresh {
		texts = append(texts, u.Message.Text)
	}
	if !reflect.DeepEqual(texts, []string{"Сәлем", "Привет"}) || newest != 23 || total != 3 {
		t.Errorf("got %q, newest %d of %d; want the two readable ones, newest 23 of 3", texts, newest, total)
	}
	// Updates already in hand are not given again.
	if fresh, _, _, _ := b.getUpdates(t.Context(), 0, 0, 100, 21); len(fresh) != 1 || fresh[0].ID != 23 {
		t.Errorf("after 21: %+v, want only 23", fresh)
	}
}
