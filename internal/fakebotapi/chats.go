package fakebotapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

type chat struct {
	id           int64
	lastID       int // last message_id given out in this chat
	messages     []*storedMessage
	languageCode string    // the person's language_code, from their last SendText
	awaiting     []awaited // updates pushed here not answered yet, oldest first (WithReplyHook)
	blocked      bool
	// started: the person wrote to the bot (or pressed its button) at some time, so the bot
	// may write to them; Telegram refuses a bot's first word.
	started  bool
	username string // the person's @username (without "@"), "" for none
}

type storedMessage struct {
	id        int
	fromBot   bool
	date      time.Time
	text      string // shown text
	source    string // text as sent
	parseMode string
	entities  any // entities as sent, decoded
	keyboard  *models.InlineKeyboardMarkup
	edits     int
	editDate  time.Time
	deleted   bool
	document  *storedMedia          // set for a message sent with sendDocument
	photo     *storedMedia          // set for a message sent with sendPhoto
	forward   *models.MessageOrigin // set for a message the person forwarded
	replyTo   *storedMessage        // the message the person's message replies to
}

func (s *Server) chatLocked(id int64) *chat {
	c := s.chats[id]
	if c == nil {
		c = &chat{id: id}
		s.chats[id] = c
	}
	return c
}

func (s *Server) isBlocked(chatID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	return c != nil && c.blocked
}

// refusal is Telegram's 403 for a message to chatID the bot may not send, nil when it may:
// the person blocked the bot, or never wrote to it (a bot cannot start a conversation, nor
// write to a group it is not in).
func (s *Server) refusal(chatID int64) *reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	var r reply
	switch {
	case c != nil && c.blocked:
		r = failure(http.StatusForbidden, DescBlocked)
	case c != nil && c.started:
		return nil
	case chatType(chatID) == models.ChatTypePrivate:
		r = failure(http.StatusForbidden, DescCantInitiate)
	case chatType(chatID) == models.ChatTypeSupergroup:
		r = failure(http.StatusForbidden, DescNotSupergroupMember)
	default:
		r = failure(http.StatusForbidden, DescNotGroupMember)
	}
	return &r
}

// Started makes the people in chatIDs people who wrote to the bot before (in an earlier
// run, say), so the bot may write to them, without pushing an update. SendText and Press
// do this for their chat; a message to a chat that never wrote gets Telegram's 403.
func (s *Server) Started(chatIDs ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range chatIDs {
		s.chatLocked(id).started = true
	}
	s.notifyLocked()
}

// find returns the chat's message with that id, nil when there is none or it was deleted.
func (c *chat) find(id int) *storedMessage {
	for _, m := range c.messages {
		if m.id == id && !m.deleted {
			return m
		}
	}
	return nil
}

// chatType is the type of chat id: positive ids are people, -100… supergroups, other
// negative ids groups.
func chatType(id int64) models.ChatType {
	switch {
	case id > 0:
		return models.ChatTypePrivate
	case id < -1_000_000_000_000:
		return models.ChatTypeSupergroup
	default:
		return models.ChatTypeGroup
	}
}

func (c *chat) model() models.Chat {
	switch chatType(c.id) {
	case models.ChatTypePrivate:
		return models.Chat{ID: c.id, Type: models.ChatTypePrivate, FirstName: UserFirstName, Username: c.username}
	case models.ChatTypeSupergroup:
		return models.Chat{ID: c.id, Type: models.ChatTypeSupergroup, Title: "Test supergroup"}
	default:
		return models.Chat{ID: c.id, Type: models.ChatTypeGroup, Title: "Test group"}
	}
}

func (c *chat) person() models.User {
	return models.User{ID: c.id, FirstName: UserFirstName, LanguageCode: c.languageCode, Username: c.username}
}

func (s *Server) modelLocked(c *chat, m *storedMessage) *models.Message {
	from := c.person()
	if m.fromBot {
		from = s.botUser()
	}
	msg := &models.Message{
		ID: m.id, From: &from, Date: int(m.date.Unix()), Chat: c.model(), Text: m.text, ReplyMarkup: m.keyboard,
	}
	if !m.editDate.IsZero() {
		msg.EditDate = int(m.editDate.Unix())
	}
	if m.entities != nil {
		if data, err := json.Marshal(m.entities); err == nil {
			_ = json.Unmarshal(data, &msg.Entities)
		}
	}
	if !m.fromBot && m.forward == nil {
		msg.Entities = commandEntities(m.text)
	}
	if m.forward != nil {
		origin := *m.forward
		msg.ForwardOrigin = &origin
	}
	if m.replyTo != nil {
		msg.ReplyToMessage = s.modelLocked(c, m.replyTo)
	}
	if d := m.document; d != nil {
		msg.Document = &models.Document{
			FileID: d.file.id, FileUniqueID: d.file.uniqueID, FileName: d.file.name,
			MimeType: d.file.mimeType, FileSize: int64(len(d.file.data)),
		}
		d.captionTo(msg)
	}
	if p := m.photo; p != nil {
		// Telegram answers with the photo in several sizes; the fake has only the original.
		msg.Photo = []models.PhotoSize{{
			FileID: p.file.id, FileUniqueID: p.file.uniqueID,
			Width: p.file.width, Height: p.file.height, FileSize: len(p.file.data),
		}}
		p.captionTo(msg)
	}
	return msg
}

// captionTo sets the caption of msg, which carries the file.
func (d *storedMedia) captionTo(msg *models.Message) {
	msg.Caption = d.caption
	if d.captionEntities != nil {
		if data, err := json.Marshal(d.captionEntities); err == nil {
			_ = json.Unmarshal(data, &msg.CaptionEntities)
		}
	}
}

func viewOf(m *storedMessage) Message {
	out := Message{
		ID: m.id, FromBot: m.fromBot, Text: m.text, Source: m.source, ParseMode: m.parseMode,
		Edits: m.edits, Deleted: m.deleted, Date: m.date,
	}
	if d := m.document; d != nil {
		out.Document = &Document{
			Filename: d.file.name, MimeType: d.file.mimeType, Data: slices.Clone(d.file.data),
			Caption: d.caption, CaptionSource: d.captionSource, FileID: d.file.id, URL: d.file.url,
		}
	}
	if p := m.photo; p != nil {
		out.Photo = &Photo{
			Filename: p.file.name, Data: slices.Clone(p.file.data), Width: p.file.width, Height: p.file.height,
			Caption: p.caption, CaptionSource: p.captionSource, FileID: p.file.id, URL: p.file.url,
		}
	}
	if m.keyboard != nil {
		for _, row := range m.keyboard.InlineKeyboard {
			buttons := make([]Button, 0, len(row))
			for _, b := range row {
				buttons = append(buttons, Button{Text: b.Text, CallbackData: b.CallbackData, URL: b.URL})
			}
			out.Buttons = append(out.Buttons, buttons)
		}
	}
	return out
}

// Messages returns the bot's messages in chatID, oldest first, as they are now (deleted
// ones included, marked Deleted).
func (s *Server) Messages(chatID int64) []Message {
	return s.messages(chatID, true)
}

// History returns every message in chatID, the person's and the bot's, oldest first.
func (s *Server) History(chatID int64) []Message {
	return s.messages(chatID, false)
}

func (s *Server) messages(chatID int64, botOnly bool) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Message
	for _, m := range c.messages {
		if m.fromBot || !botOnly {
			out = append(out, viewOf(m))
		}
	}
	return out
}

// Last returns the bot's latest message in chatID (zero Message when it has sent none).
func (s *Server) Last(chatID int64) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		// From the end: under load a chat's history is long and this is called per press.
		for i := len(c.messages) - 1; i >= 0; i-- {
			if c.messages[i].fromBot {
				return viewOf(c.messages[i])
			}
		}
	}
	return Message{}
}
