package fakebotapi

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

type chat struct {
	id           int64
	lastID       int // last message_id given out in this chat
	messages     []*storedMessage
	languageCode string // the person's language_code, from their last SendText
	blocked      bool
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
	document  *storedDocument // set for a message sent with sendDocument
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

// find returns the chat's message with that id, nil when there is none or it was deleted.
func (c *chat) find(id int) *storedMessage {
	for _, m := range c.messages {
		if m.id == id && !m.deleted {
			return m
		}
	}
	return nil
}

func (c *chat) model() models.Chat {
	switch {
	case c.id > 0:
		return models.Chat{ID: c.id, Type: models.ChatTypePrivate, FirstName: UserFirstName}
	case c.id < -1_000_000_000_000:
		return models.Chat{ID: c.id, Type: models.ChatTypeSupergroup, Title: "Test supergroup"}
	default:
		return models.Chat{ID: c.id, Type: models.ChatTypeGroup, Title: "Test group"}
	}
}

func (c *chat) person() models.User {
	return models.User{ID: c.id, FirstName: UserFirstName, LanguageCode: c.languageCode}
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
	if !m.fromBot {
		msg.Entities = commandEntities(m.text)
	}
	if d := m.document; d != nil {
		msg.Document = &models.Document{
			FileID: d.file.id, FileUniqueID: d.file.uniqueID, FileName: d.file.name,
			MimeType: d.file.mimeType, FileSize: int64(len(d.file.data)),
		}
		msg.Caption = d.caption
		if d.captionEntities != nil {
			if data, err := json.Marshal(d.captionEntities); err == nil {
				_ = json.Unmarshal(data, &msg.CaptionEntities)
			}
		}
	}
	return msg
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
	all := s.Messages(chatID)
	if len(all) == 0 {
		return Message{}
	}
	return all[len(all)-1]
}
