package handoff

import "github.com/qamqor/qamqor/bot"

// Message ids of the handoff's interface strings in locales/active.*.toml.
const (
	msgAskSpecialist            bot.MessageID = "AskSpecialist"
	msgAskWrite                 bot.MessageID = "AskWrite"
	msgAskCancel                bot.MessageID = "AskCancel"
	msgAskCancelled             bot.MessageID = "AskCancelled"
	msgAskTooLong               bot.MessageID = "AskTooLong"
	msgAskConsent               bot.MessageID = "AskConsent"
	msgAskSend                  bot.MessageID = "AskSend"
	msgAskSent                  bot.MessageID = "AskSent"
	msgTicketForOperators       bot.MessageID = "TicketForOperators"
	msgTicketGone               bot.MessageID = "TicketGone"
	msgTicketAnswer             bot.MessageID = "TicketAnswer"
	msgTicketClose              bot.MessageID = "TicketClose"
	msgTicketDelivered          bot.MessageID = "TicketDelivered"
	msgTicketClosed             bot.MessageID = "TicketClosed"
	msgTicketClosedForOperators bot.MessageID = "TicketClosedForOperators"
	msgTicketsNone              bot.MessageID = "TicketsNone"
	msgTicketsTitle             bot.MessageID = "TicketsTitle"
	msgMyDataTicket             bot.MessageID = "MyDataTicket"
	msgTooManyTickets           bot.MessageID = "TooManyTickets"

	// Issue 16: the question carried from a search, and the ticket as a conversation.
	msgAskCarried              bot.MessageID = "AskCarried"
	msgMoreConfirm             bot.MessageID = "MoreConfirm"
	msgMoreDont                bot.MessageID = "MoreDont"
	msgMoreNotSent             bot.MessageID = "MoreNotSent"
	msgMoreSent                bot.MessageID = "MoreSent"
	msgMoreTooFast             bot.MessageID = "MoreTooFast"
	msgMoreForOperators        bot.MessageID = "MoreForOperators"
	msgTicketNotOpen           bot.MessageID = "TicketNotOpen"
	msgTicketWrite             bot.MessageID = "TicketWrite"
	msgTicketWriteNow          bot.MessageID = "TicketWriteNow"
	msgTicketClosedByOperators bot.MessageID = "TicketClosedByOperators"
	msgTicketClosedInGroup     bot.MessageID = "TicketClosedInGroup"
	msgCloseHow                bot.MessageID = "CloseHow"
	msgNoOpenTicket            bot.MessageID = "NoOpenTicket"
	msgMyDataTicketOpen        bot.MessageID = "MyDataTicketOpen"
	msgMyDataAsked             bot.MessageID = "MyDataAsked"

	// The core's, used here too.
	msgButtonMainMenu bot.MessageID = "ButtonMainMenu"
	msgUnavailable    bot.MessageID = "Unavailable"
	msgKeptDays       bot.MessageID = "KeptDays"
)

// MessageIDs lists the interface strings the handoff uses, for the test that checks each is
// in both languages' files.
var MessageIDs = []bot.MessageID{
	msgAskSpecialist, msgAskWrite, msgAskCancel, msgAskCancelled, msgAskTooLong, msgAskConsent, msgAskSend,
	msgAskSent, msgTicketForOperators, msgTicketGone, msgTicketAnswer, msgTicketClose, msgTicketDelivered,
	msgTicketClosed, msgTicketClosedForOperators, msgTicketsNone, msgTicketsTitle, msgMyDataTicket,
	msgTooManyTickets, msgButtonMainMenu, msgUnavailable, msgKeptDays,
	msgAskCarried, msgMoreConfirm, msgMoreDont, msgMoreNotSent, msgMoreSent, msgMoreTooFast, msgMoreForOperators,
	msgTicketNotOpen, msgTicketWrite, msgTicketWriteNow, msgTicketClosedByOperators, msgTicketClosedInGroup,
	msgCloseHow, msgNoOpenTicket, msgMyDataTicketOpen, msgMyDataAsked,
	msgCommandTickets, msgPrivacyTicket,
}

// issue 16: the command menu of admins', editors' and partners' chats.
const (
	msgCommandTickets bot.MessageID = "CommandTickets"
)

// issue 16: one story about privacy.
const (
	msgPrivacyTicket bot.MessageID = "PrivacyTicket"
)
