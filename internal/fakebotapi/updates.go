package fakebotapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/go-telegram/bot/models"
)

// SendText pushes a message update: the person in private chat chatID (user id = chatID,
// first_name "Test") writes text. /commands get bot_command entities. Returns its update_id.
func (s *Server) SendText(chatID int64, text string, languageCode string) int64 {
	id, _ := s.writes(chatID, text, languageCode, nil)
	return id
}

// writes pushes a message update of text the person in private chat chatID writes, after
// shape (if any) sets what else the message carries. Returns the update_id and the
// message's id.
func (s *Server) writes(chatID int64, text, languageCode string, shape func(*chat, *storedMessage)) (int64, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.languageCode = languageCode
	c.started = true
	c.lastID++
	m := &storedMessage{id: c.lastID, date: s.now(), text: text, source: text}
	if shape != nil {
		shape(c, m)
	}
	s.addMessageLocked(c, m)
	id := s.pushLocked(&models.Update{Message: s.modelLocked(c, m)})
	s.awaitLocked(c, id)
	return id, m.id
}

// SetUsername gives the person of private chat chatID the @username name (without "@";
// "" for none), as their messages and presses from now on carry it.
func (s *Server) SetUsername(chatID int64, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).username = name
}

// Forward pushes a message the person in chatID forwards to the bot: text someone else
// wrote, with its forward_origin as Telegram gives it (a "user" with sender_user, a
// "hidden_user" when the author hides their account, a "chat" or a "channel"). Entities
// are not marked: a forwarded "/command" is not the sender's. Returns the update_id and
// the message's id.
func (s *Server) Forward(chatID int64, text string, origin models.MessageOrigin, languageCode string) (updateID int64, messageID int) {
	return s.writes(chatID, text, languageCode, func(_ *chat, m *storedMessage) { m.forward = &origin })
}

// Reply pushes a message the person in chatID writes in reply to message replyTo of that
// chat (theirs or the bot's), which the update carries as reply_to_message. Returns the
// update_id.
func (s *Server) Reply(chatID int64, replyTo int, text string, languageCode string) int64 {
	id, _ := s.writes(chatID, text, languageCode, func(c *chat, m *storedMessage) { m.replyTo = c.find(replyTo) })
	return id
}

// Press pushes a callback_query update: the person presses a button with data under the
// bot's message messageID in chatID. The update carries the message as it is now; an
// unknown or deleted message goes as an inaccessible message (date 0), as Telegram sends
// old ones. Returns the update_id and the callback query id.
func (s *Server) Press(chatID int64, messageID int, data string) (updateID int64, callbackID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.started = true
	s.nextCallback++
	callbackID = strconv.FormatInt(4_700_000_000_000_000_000+s.nextCallback, 10)
	message := models.MaybeInaccessibleMessage{
		Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
		InaccessibleMessage: &models.InaccessibleMessage{Chat: c.model(), MessageID: messageID},
	}
	if m := c.find(messageID); m != nil {
		message = models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage, Message: s.modelLocked(c, m),
		}
	}
	updateID = s.pushLocked(&models.Update{CallbackQuery: &models.CallbackQuery{
		ID:           callbackID,
		From:         c.person(),
		Message:      message,
		ChatInstance: strconv.FormatInt(-c.id*7919, 10),
		Data:         data,
	}})
	s.awaitLocked(c, updateID)
	return updateID, callbackID
}

// Push pushes any update, giving it the next update_id when its ID is 0, and returns its
// update_id. It does not change the chats that Messages and History show; the chat of a
// message or of a pressed button's message becomes one the bot may write to.
func (s *Server) Push(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var from int64
	switch {
	case u.Message != nil:
		from = u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		from = u.CallbackQuery.Message.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.InaccessibleMessage != nil:
		from = u.CallbackQuery.Message.InaccessibleMessage.Chat.ID
	}
	if from != 0 {
		s.chatLocked(from).started = true
	}
	return s.pushLocked(&u)
}

func (s *Server) pushLocked(u *models.Update) int64 {
	if u.ID == 0 {
		u.ID = s.nextUpdateID
	}
	if _, dup := s.updates[u.ID]; dup {
		s.misuse("fakebotapi: update_id %d pushed twice", u.ID)
		return u.ID
	}
	s.nextUpdateID = max(s.nextUpdateID, u.ID+1)
	data, err := json.Marshal(u)
	if err != nil {
		s.misuse("fakebotapi: encoding update %d: %v", u.ID, err)
		return u.ID
	}
	s.updates[u.ID] = data
	at, _ := slices.BinarySearchFunc(s.pending, u.ID, func(p pendingUpdate, id int64) int {
		return cmp.Compare(p.id, id)
	})
	s.pending = slices.Insert(s.pending, at, pendingUpdate{id: u.ID, kind: updateKind(data)})
	if u.CallbackQuery != nil {
		if _, known := s.callbacks[u.CallbackQuery.ID]; !known {
			s.callbacks[u.CallbackQuery.ID] = false
		}
	}
	s.notifyLocked()
	return u.ID
}

// updateKind is an update's type, the name of its one field besides update_id.
func updateKind(data []byte) string {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(data, &fields)
	for k := range fields {
		if k != "update_id" {
			return k
		}
	}
	return ""
}

// UpdateJSON returns a pushed update as the JSON Telegram would send (nil if unknown).
func (s *Server) UpdateJSON(id int64) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.updates[id])
}

// Confirmed returns the highest update_id confirmed: by a getUpdates offset above it, or by
// a webhook delivery answered with 2xx.
func (s *Server) Confirmed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// Pending returns how many pushed updates are not confirmed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Polling returns how many getUpdates requests are waiting for an update right now.
func (s *Server) Polling() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling
}

// ---------------------------------------------------------------------------------------
// Webhooks.

// Webhook returns the webhook URL and secret token set with setWebhook ("" when none).
func (s *Server) Webhook() (webhookURL, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}

// Deliver POSTs pushed update updateID to the registered webhook, as Telegram does (JSON
// body, X-Telegram-Bot-Api-Secret-Token header), and returns the HTTP status. A 2xx
// answer confirms the update. The webhook must be on loopback.
func (s *Server) Deliver(ctx context.Context, updateID int64) (status int, err error) {
	s.mu.Lock()
	body, known := s.updates[updateID]
	hook, secret := s.webhookURL, s.webhookSecret
	s.mu.Unlock()
	if !known {
		return 0, fmt.Errorf("fakebotapi: no update %d was pushed", updateID)
	}
	if hook == "" {
		return 0, errors.New("fakebotapi: no webhook is set")
	}
	status, err = s.DeliverRaw(ctx, hook, secret, body)
	if err == nil && status >= 200 && status < 300 {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.pending = slices.DeleteFunc(s.pending, func(p pendingUpdate) bool { return p.id == updateID })
		s.confirmed = max(s.confirmed, updateID)
		if s.unrecorded {
			delete(s.updates, updateID)
		}
		s.notifyLocked()
	}
	return status, err
}

// DeliverRaw POSTs body to a loopback webhookURL as a webhook delivery, with the secret
// header when secret is not "", and returns the HTTP status.
func (s *Server) DeliverRaw(ctx context.Context, webhookURL, secret string, body []byte) (status int, err error) {
	if err := requireLoopback(webhookURL); err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := s.deliverer.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func requireLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("fakebotapi: bad webhook URL %q: %w", rawURL, err)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("fakebotapi: webhook URL %q is not on loopback", rawURL)
	}
	return nil
}
