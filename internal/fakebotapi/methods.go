package fakebotapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// The Bot API methods the fake answers, as the bot calls them.

func (s *Server) botUser() models.User {
	id, _ := strconv.ParseInt(strings.SplitN(s.Token, ":", 2)[0], 10, 64)
	return models.User{ID: id, IsBot: true, FirstName: BotFirstName, Username: BotUsername}
}

func (s *Server) getMe(context.Context, params) reply {
	u := s.botUser()
	u.CanJoinGroups = true
	return ok(&u)
}

func (s *Server) getUpdates(ctx context.Context, p params) reply {
	offset, offsetOK := p.integer("offset")
	limit, limitOK := p.integer("limit")
	timeout, timeoutOK := p.integer("timeout")
	if !offsetOK || !limitOK || !timeoutOK {
		return badRequest("Bad Request: wrong parameter in getUpdates request")
	}
	if limit <= 0 || limit > maxGetUpdatesLimit {
		limit = maxGetUpdatesLimit
	}
	allowed, hasAllowed := p.strings("allowed_updates")

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhookURL != "" {
		return failure(http.StatusConflict, DescWebhookConflict)
	}
	if hasAllowed {
		s.allowedUpdates = allowed
	}
	s.pollGeneration++
	generation := s.pollGeneration
	s.notifyLocked() // an older long poll, if any, ends now
	s.confirmBeforeLocked(offset)
	if offset < 0 {
		offset = 0
	}

	var expired <-chan time.Time
	if timeout > 0 {
		timer := time.NewTimer(time.Duration(timeout) * time.Second)
		defer timer.Stop()
		expired = timer.C
	}
	waiting := false
	defer func() {
		if waiting {
			s.polling--
			s.notifyLocked()
		}
	}()
	for {
		switch {
		case generation != s.pollGeneration:
			return failure(http.StatusConflict, DescPollingConflict)
		case s.webhookURL != "":
			return failure(http.StatusConflict, DescWebhookConflict)
		}
		batch := s.batchLocked(offset, int(limit))
		if len(batch) > 0 || expired == nil {
			return ok(batch)
		}
		if !waiting {
			waiting = true
			s.polling++
			s.notifyLocked()
		}
		wake := s.changed
		s.mu.Unlock()
		select {
		case <-wake:
		case <-expired:
			expired = nil // one more look, then answer
		case <-ctx.Done():
			expired = nil
		case <-s.closed:
			expired = nil
		}
		s.mu.Lock()
	}
}

// confirmBeforeLocked applies getUpdates' offset: updates below a positive offset are
// confirmed and forgotten; a negative offset keeps only the last -offset updates.
func (s *Server) confirmBeforeLocked(offset int64) {
	switch {
	case offset > 0:
		kept := s.pending[:0]
		for _, u := range s.pending {
			if u.id >= offset {
				kept = append(kept, u)
			} else if s.unrecorded {
				delete(s.updates, u.id)
			}
		}
		s.pending = kept
		s.confirmed = max(s.confirmed, offset-1)
	case offset < 0:
		if keep := int(-offset); len(s.pending) > keep {
			s.confirmed = max(s.confirmed, s.pending[len(s.pending)-keep-1].id)
			s.pending = slices.Clone(s.pending[len(s.pending)-keep:])
		}
	}
}

// defaultExcludedUpdates are the update types Telegram leaves out when allowed_updates is empty.
var defaultExcludedUpdates = []string{"chat_member", "message_reaction", "message_reaction_count"}

func (s *Server) batchLocked(offset int64, limit int) []json.RawMessage {
	batch := []json.RawMessage{}
	for _, u := range s.pending {
		if len(batch) == limit {
			break
		}
		if u.id < offset {
			continue
		}
		if len(s.allowedUpdates) > 0 && !slices.Contains(s.allowedUpdates, u.kind) ||
			len(s.allowedUpdates) == 0 && slices.Contains(defaultExcludedUpdates, u.kind) {
			continue
		}
		batch = append(batch, s.updates[u.id])
	}
	return batch
}

func (s *Server) sendMessage(_ context.Context, p params) reply {
	chatID, bad := p.chatID()
	if bad != nil {
		return *bad
	}
	if bad := s.refusal(chatID); bad != nil {
		return *bad
	}
	content, bad := parseContent(p)
	if bad != nil {
		return *bad
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.lastID++
	m := &storedMessage{id: c.lastID, fromBot: true, date: s.now()}
	content.applyTo(m)
	s.addMessageLocked(c, m)
	s.notifyLocked()
	return ok(s.modelLocked(c, m))
}

func (s *Server) editMessageText(_ context.Context, p params) reply {
	return s.edit(p, true)
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p params) reply {
	return s.edit(p, false)
}

// edit is editMessageText (withText) and editMessageReplyMarkup.
func (s *Server) edit(p params, withText bool) reply {
	if p.str("inline_message_id") != "" {
		return badRequest("Bad Request: MESSAGE_ID_INVALID")
	}
	chatID, bad := p.chatID()
	if bad != nil {
		return *bad
	}
	if s.isBlocked(chatID) {
		return failure(http.StatusForbidden, DescBlocked)
	}
	messageID, bad := p.messageID()
	if bad != nil {
		return *bad
	}
	var content messageContent
	if withText {
		content, bad = parseContent(p)
	} else {
		content.keyboard, bad = parseKeyboard(p["reply_markup"])
	}
	if bad != nil {
		return *bad
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	m := c.find(messageID)
	switch {
	case m == nil:
		return badRequest(DescMessageToEdit)
	case !m.fromBot:
		return badRequest(DescMessageCantBeEdited)
	case withText && (m.document != nil || m.photo != nil):
		return badRequest(DescNoTextToEdit)
	}
	if !withText {
		content.text, content.source, content.parseMode, content.entities = m.text, m.source, m.parseMode, m.entities
	}
	if content.sameAs(m) {
		return badRequest(DescNotModified)
	}
	content.applyTo(m)
	m.edits++
	m.editDate = s.now()
	s.notifyLocked()
	return ok(s.modelLocked(c, m))
}

func (s *Server) deleteMessage(_ context.Context, p params) reply {
	chatID, bad := p.chatID()
	if bad != nil {
		return *bad
	}
	messageID, bad := p.messageID()
	if bad != nil {
		return *bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.chatLocked(chatID).find(messageID)
	if m == nil {
		return badRequest(DescMessageToDelete)
	}
	m.deleted = true
	s.notifyLocked()
	return ok(true)
}

var chatActions = []string{
	"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
	"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}

func (s *Server) sendChatAction(_ context.Context, p params) reply {
	chatID, bad := p.chatID()
	if bad != nil {
		return *bad
	}
	if bad := s.refusal(chatID); bad != nil {
		return *bad
	}
	if !slices.Contains(chatActions, p.str("action")) {
		return badRequest(DescWrongChatAction)
	}
	return ok(true)
}

func (s *Server) answerCallbackQuery(_ context.Context, p params) reply {
	id := p.str("callback_query_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	answered, known := s.callbacks[id]
	if !known || answered {
		return badRequest(DescQueryInvalid)
	}
	s.callbacks[id] = true
	s.notifyLocked()
	return ok(true)
}

func (s *Server) setWebhook(_ context.Context, p params) reply {
	hook := p.str("url")
	secret := p.str("secret_token")
	if len(secret) > 256 || strings.ContainsFunc(secret, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) {
		return badRequest("Bad Request: secret token contains unallowed characters")
	}
	if hook != "" {
		if u, err := url.Parse(hook); err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
			return badRequest("Bad Request: bad webhook: invalid webhook URL specified")
		}
	}
	allowed, _ := p.strings("allowed_updates")
	maxConn, _ := p.integer("max_connections")
	if maxConn <= 0 {
		maxConn = 40
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if hook == "" {
		s.webhookURL, s.webhookSecret, s.webhookAllowed = "", "", nil
	} else {
		s.webhookURL, s.webhookSecret, s.webhookAllowed, s.webhookMaxConn = hook, secret, allowed, int(maxConn)
	}
	if p.boolean("drop_pending_updates") {
		s.dropPendingLocked()
	}
	s.notifyLocked()
	return ok(true)
}

func (s *Server) deleteWebhook(_ context.Context, p params) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL, s.webhookSecret, s.webhookAllowed = "", "", nil
	if p.boolean("drop_pending_updates") {
		s.dropPendingLocked()
	}
	s.notifyLocked()
	return ok(true)
}

func (s *Server) dropPendingLocked() {
	for _, u := range s.pending {
		s.confirmed = max(s.confirmed, u.id)
	}
	s.pending = nil
}

func (s *Server) getWebhookInfo(context.Context, params) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := &models.WebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.pending)}
	if s.webhookURL != "" {
		info.MaxConnections = s.webhookMaxConn
		info.AllowedUpdates = s.webhookAllowed
		info.IPAddress = "127.0.0.1"
	}
	return ok(info)
}

// commandsKey names a (scope, language) pair that has its own list of commands.
func commandsKey(scope any, languageCode string) string {
	key := "default"
	if obj, isObject := scope.(map[string]any); isObject {
		if t, _ := obj["type"].(string); t != "" {
			key = t
		}
		for _, field := range []string{"chat_id", "user_id"} {
			if v, present := obj[field]; present {
				key += fmt.Sprintf(" %s=%v", field, v)
			}
		}
	}
	return key + " lang=" + languageCode
}

func (s *Server) setMyCommands(_ context.Context, p params) reply {
	list, isList := p["commands"].([]any)
	if !isList {
		return badRequest("Bad Request: can't parse commands JSON object")
	}
	if len(list) > 100 {
		return badRequest("Bad Request: BOT_COMMANDS_TOO_MUCH")
	}
	commands := make([]models.BotCommand, 0, len(list))
	for _, item := range list {
		obj, _ := item.(map[string]any)
		command, _ := obj["command"].(string)
		description, _ := obj["description"].(string)
		if !validCommand(command) {
			return badRequest(DescBotCommandInvalid)
		}
		if n := utf16Len(description); n < 1 || n > 256 {
			return badRequest(DescCommandDescInvalid)
		}
		commands = append(commands, models.BotCommand{Command: command, Description: description})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[commandsKey(p["scope"], p.str("language_code"))] = commands
	s.notifyLocked()
	return ok(true)
}

func validCommand(command string) bool {
	if len(command) < 1 || len(command) > 32 {
		return false
	}
	for _, r := range command {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func (s *Server) getMyCommands(_ context.Context, p params) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	commands := s.commands[commandsKey(p["scope"], p.str("language_code"))]
	if commands == nil {
		commands = []models.BotCommand{}
	}
	return ok(commands)
}

func (s *Server) deleteMyCommands(_ context.Context, p params) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, commandsKey(p["scope"], p.str("language_code")))
	s.notifyLocked()
	return ok(true)
}

// setChatMenuButton keeps a chat's menu button; a Mini App's address must be HTTPS, as
// Telegram requires.
func (s *Server) setChatMenuButton(_ context.Context, p params) reply {
	chat, refused := p.chatID()
	if refused != nil {
		return *refused
	}
	obj, _ := p["menu_button"].(map[string]any)
	b := MenuButton{}
	b.Type, _ = obj["type"].(string)
	switch b.Type {
	case "default", "commands":
	case "web_app":
		b.Text, _ = obj["text"].(string)
		app, _ := obj["web_app"].(map[string]any)
		b.URL, _ = app["url"].(string)
		if b.Text == "" || !strings.HasPrefix(b.URL, "https://") {
			return badRequest("Bad Request: BUTTON_URL_INVALID")
		}
	default:
		return badRequest("Bad Request: can't parse menu button")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.menuButtons[chat] = b
	s.notifyLocked()
	return ok(true)
}

// messageContent is what sendMessage and the edits set: text and keyboard.
type messageContent struct {
	text, source, parseMode string
	entities                any
	keyboard                *models.InlineKeyboardMarkup
}

// parseContent validates text, parse_mode, entities and reply_markup as Telegram does.
func parseContent(p params) (messageContent, *reply) {
	c := messageContent{source: p.str("text"), parseMode: p.str("parse_mode"), entities: p["entities"]}
	fail := func(r reply) (messageContent, *reply) { return messageContent{}, &r }
	if isBlank(c.source) {
		return fail(badRequest(DescTextEmpty))
	}
	shown, problem, known := renderText(c.source, c.parseMode)
	switch {
	case !known:
		return fail(badRequest(DescUnsupportedParse))
	case problem != "":
		return fail(badRequest(DescCantParseEntities + ": " + problem))
	case isBlank(shown):
		return fail(badRequest(DescTextEmpty))
	case utf16Len(shown) > MaxTextLength:
		return fail(badRequest(DescTextTooLong))
	}
	c.text = shown
	keyboard, bad := parseKeyboard(p["reply_markup"])
	if bad != nil {
		return messageContent{}, bad
	}
	c.keyboard = keyboard
	return c, nil
}

func (c messageContent) applyTo(m *storedMessage) {
	m.text, m.source, m.parseMode, m.entities, m.keyboard = c.text, c.source, c.parseMode, c.entities, c.keyboard
}

// sameAs tells whether c would leave m as it is (Telegram's "message is not modified").
func (c messageContent) sameAs(m *storedMessage) bool {
	return c.text == m.text && c.source == m.source && strings.EqualFold(c.parseMode, m.parseMode) &&
		jsonEqual(c.entities, m.entities) && jsonEqual(c.keyboard, m.keyboard)
}

func jsonEqual(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// parseKeyboard validates reply_markup. Only inline keyboards are kept; other markups
// (reply keyboards, force_reply, ...) are accepted and leave the message without buttons.
func parseKeyboard(markup any) (*models.InlineKeyboardMarkup, *reply) {
	fail := func(description string) (*models.InlineKeyboardMarkup, *reply) {
		r := badRequest(description)
		return nil, &r
	}
	if markup == nil {
		return nil, nil
	}
	obj, isObject := markup.(map[string]any)
	if !isObject {
		return fail(DescBadMarkup)
	}
	rowsValue, inline := obj["inline_keyboard"]
	if !inline {
		return nil, nil
	}
	rows, isList := rowsValue.([]any)
	if !isList {
		return fail(`Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array`)
	}
	for _, rowValue := range rows {
		row, isList := rowValue.([]any)
		if !isList {
			return fail(`Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`)
		}
		for _, buttonValue := range row {
			button, isObject := buttonValue.(map[string]any)
			if !isObject {
				return fail("Bad Request: can't parse inline keyboard button: InlineKeyboardButton must be an Object")
			}
			if _, isString := button["text"].(string); !isString {
				return fail(`Bad Request: can't parse inline keyboard button: Field "text" must be of type String`)
			}
			if data, present := button["callback_data"]; present {
				if text, isString := data.(string); !isString || len(text) < 1 || len(text) > 64 {
					return fail(DescButtonDataInvalid)
				}
			}
			if !hasButtonAction(button) {
				return fail("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
		}
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return fail(DescBadMarkup)
	}
	var keyboard models.InlineKeyboardMarkup
	if err := json.Unmarshal(data, &keyboard); err != nil {
		return fail(DescBadMarkup)
	}
	return &keyboard, nil
}

func hasButtonAction(button map[string]any) bool {
	if u, _ := button["url"].(string); u != "" {
		return true
	}
	if pay, _ := button["pay"].(bool); pay {
		return true
	}
	if copyText, isObject := button["copy_text"].(map[string]any); isObject {
		if text, _ := copyText["text"].(string); text != "" {
			return true
		}
	}
	for _, field := range []string{"callback_data", "web_app", "login_url", "switch_inline_query",
		"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game"} {
		if _, present := button[field]; present {
			return true
		}
	}
	return false
}

func isBlank(text string) bool { return strings.TrimSpace(text) == "" }

// utf16Len is the length of text as Telegram counts it, in UTF-16 code units.
func utf16Len(text string) int {
	n := 0
	for _, r := range text {
		n += utf16.RuneLen(r)
	}
	return n
}
