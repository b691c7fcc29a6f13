package console

import (
	"context"

	"github.com/qamqor/qamqor/bot"
)

// Messages of the bot's /console command and the console's pages (locales/*.toml).
const (
	msgCommandConsole bot.MessageID = "CommandConsole"
	msgConsoleLink    bot.MessageID = "ConsoleLink"
	msgConsoleOpen    bot.MessageID = "ConsoleOpen"
)

// Feature is the bot's /console command: an editor, admin or partner gets a one-time
// link that opens the console in a browser.
type Feature struct {
	newLogin func(ctx context.Context, user int64) (string, error)
	roles    Roles
}

// Command returns the /console feature, which makes links with h.NewLogin.
func Command(h *Handler) *Feature { return &Feature{newLogin: h.NewLogin, roles: h.opts.Roles} }

// Name implements bot.Feature.
func (f *Feature) Name() string { return "console" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	// Anyone with a role, partners too (their referrals and report), which the router's
	// one role per command cannot check: the link checks, and anyone else gets what any
	// unknown command gets. The menu lists it for editors, partners (and admins).
	r.Command("console", "", f.link, bot.InMenu(msgCommandConsole), bot.ListedFor(bot.RoleEditor, bot.RolePartner))
}

// link sends the link as a button: a button's address gets no link preview, and the
// link's page asks for a press before the token is used, so nothing opens it by itself.
func (f *Feature) link(t *bot.Turn) bool {
	roles, err := f.roles(t.Ctx, t.Chat)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if len(roles) == 0 {
		return false
	}
	url, err := f.newLogin(t.Ctx, t.Chat)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	t.Audit("console.link", "")
	t.Say(bot.Reply{
		Text:    t.T(msgConsoleLink, map[string]any{"Minutes": int(DefaultLoginTTL.Minutes())}),
		Buttons: [][]bot.Button{{{Label: t.T(msgConsoleOpen, nil), URL: url}}},
	})
	return true
}

// MessageIDs are the console's strings, for the test that every one exists in both
// languages and none is unused.
var MessageIDs = []bot.MessageID{
	msgCommandConsole, msgConsoleLink, msgConsoleOpen,
	"ConsoleTitle", "ConsoleSkip", "ConsoleNav", "ConsoleHome", "ConsoleHomeIntro", "ConsoleTopics",
	"ConsoleServices", "ConsoleOffices", "ConsoleReference", "ConsoleSearch", "ConsoleSearchButton", "ConsoleNothingFound",
	"ConsoleReferrals", "ConsoleReferralsSoon", "ConsoleLogout",
	"ConsoleScreenText", "ConsoleServiceCard", "ConsoleButtons", "ConsoleLinks", "ConsoleSources",
	"ConsoleSourcePublished", "ConsoleSourceRead", "ConsolePreview",
	"ConsoleFor", "ConsoleAmount", "ConsoleAmountYear", "ConsoleAmountVaries", "ConsoleAmountUnverified",
	"ConsoleDocuments", "ConsoleChannels", "ConsoleProcessing", "ConsoleApply", "ConsoleServiceOffices",
	"ConsoleScreensOfService", "ConsoleCheckedOn", "ConsolePhones", "ConsoleHours", "ConsoleUnconfirmed",
	"ConsoleAllRegions", "ConsoleYear", "ConsoleMRP", "ConsolePM", "ConsoleMZP",
	"ConsoleLoginTitle", "ConsoleLoginIntro", "ConsoleLoginButton", "ConsoleRefusedTitle", "ConsoleRefused",
	"ConsoleLoggedOut", "ConsoleAppOpening", "ConsoleAppOutside",
	"ConsoleChannel_egov", "ConsoleChannel_con", "ConsoleChannel_office", "ConsoleChannel_court",
	"ConsoleChannel_polyclinic", "ConsoleChannel_phone", "ConsoleChannel_online", "ConsoleChannel_post",
}
