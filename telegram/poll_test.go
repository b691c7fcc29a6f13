package telegram

import "testing"

// TestUpdateIDIsReadWithoutDecoding checks the id of an update as Telegram writes it (id
// first) and as it may be written otherwise (further in, spaced, wrapped), and that what is
// not an update has none.
func TestUpdateIDIsReadWithoutDecoding(t *testing.T) {
	cases := []struct {
		raw  string
		id   int64
		read bool
	}{
		{`{"update_id":815,"message":{"message_id":1,"text":"Сәлем"}}`, 815, true},
		{`{"update_id":9007199254740993}`, 9007199254740993, true},
		{`{"message":{"text":"Привет"},"update_id":42}`, 42, true},
		{`{"update_id": 7, "callback_query":{"id":"1"}}`, 7, true},
		{` {"update_id":8}`, 8, true},
		{`{"update_id":"9"}`, 0, false},
		{`not json`, 0, false},
	}
	for _, c := range cases {
		id, read := updateID([]byte(c.raw))
		if id != c.id || read != c.read {
			t.Errorf("updateID(%s) = %d, %v; want %d, %v", c.raw, id, read, c.id, c.read)
		}
	}
}
