package news

import (
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Message is b as its subscribers in lang receive it, buttons and all: the console's
// "send to myself first" shows the admin exactly that.
func Message(e *bot.Engine, b Broadcast, lang content.Lang) bot.Reply { return newsMessage(e, b, lang) }

// MaxUnits bounds a broadcast's text in UTF-16 code units, as /broadcast does.
const MaxUnits = maxBroadcastUnits
