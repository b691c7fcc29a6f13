package telegram

import "github.com/go-telegram/bot/models"

// update is a Telegram update as the adapter reads it: only the fields toInput uses, so
// decoding one (once, from getUpdates' answer, the webhook's body or the journal) builds
// nothing else. models.Update has every field of the Bot API, and a pressed button's update
// carries the whole message it was under, text and keyboard, which models decodes twice
// (MaybeInaccessibleMessage reads the date first) and the adapter never reads.
type update struct {
	ID            int64              `json:"update_id"`
	Message       *wireMessage       `json:"message,omitempty"`
	CallbackQuery *wireCallbackQuery `json:"callback_query,omitempty"`
}

type wireMessage struct {
	ID             int                   `json:"message_id"`
	Chat           wireChat              `json:"chat"`
	From           *wireUser             `json:"from,omitempty"`
	Text           string                `json:"text,omitempty"`
	Document       *models.Document      `json:"document,omitempty"`
	ForwardOrigin  *models.MessageOrigin `json:"forward_origin,omitempty"`
	ReplyToMessage *wireRepliedMessage   `json:"reply_to_message,omitempty"`
}

// wireRepliedMessage is the message a message replies to, with what the adapter reads of it.
type wireRepliedMessage struct {
	From          *wireUser             `json:"from,omitempty"`
	Text          string                `json:"text,omitempty"`
	ForwardOrigin *models.MessageOrigin `json:"forward_origin,omitempty"`
}

type wireChat struct {
	ID   int64           `json:"id"`
	Type models.ChatType `json:"type"`
}

type wireUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

type wireCallbackQuery struct {
	ID      string   `json:"id"`
	From    wireUser `json:"from"`
	Data    string   `json:"data,omitempty"`
	Message *struct {
		ID   int      `json:"message_id"`
		Chat wireChat `json:"chat"`
		// Date is 0 for a message too old for the bot to see (InaccessibleMessage): it may
		// not be edited, but its chat is the chat to answer.
		Date int64 `json:"date"`
	} `json:"message,omitempty"`
}
