// Package telegram connects the engine to Telegram through github.com/go-telegram/bot: long
// polling or a webhook in, messages and edits out. It supplies what that library leaves to
// its user: per-chat order with bounded workers, an update offset that moves only past
// handled updates, webhook answers only after handling, retries on 429 and 5xx, recovery
// from panics, health and metrics endpoints.
package telegram

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// requestBufferSize is the write buffer of a connection to the Bot API: a message of 4,096
// characters of Cyrillic with a keyboard of long buttons, headers included, fits.
const requestBufferSize = 32 << 10

// DefaultAPIURL is the public Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// allowedUpdates are the kinds of update the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query"}

// Config says how to reach Telegram and how to run.
type Config struct {
	Token           string        // from @BotFather
	APIURL          string        // the Bot API server; DefaultAPIURL when empty
	WebhookURL      string        // webhook mode when set; long polling otherwise
	WebhookSecret   string        // required with WebhookURL
	HTTPAddr        string        // where health, metrics and the webhook are served
	Workers         int           // updates handled at once, across chats
	ShutdownTimeout time.Duration // how long to finish in-flight updates on shutdown
	PollTimeout     time.Duration // long-polling wait per getUpdates
	FileTimeout     time.Duration // how long to try fetching a document a person sent
	// HandleTimeout bounds the Handler's work on one update (not the sending of its
	// replies); past it the update is given up with an apology. Default 30s.
	HandleTimeout time.Duration
	// ChatBacklog is how many updates of one chat may wait behind the one it is on; more
	// are dropped with a notice. Default 20.
	ChatBacklog int
	// Journal, when set, records updates in hand (store.Updates): polling confirms updates
	// as soon as they are journalled, and an update that was in hand when a process died
	// is run alone when it comes back, and skipped the time after.
	Journal        Journal
	RequestTimeout time.Duration // one try of a send, an edit or a callback answer; 30s when 0
	// OnConnected, if set, learns the bot's username once Telegram has confirmed the
	// token, before any update is handled: deep links need it.
	OnConnected func(username string)
	// MenuButton, when set, says which chats holding a role get a Mini App as their menu
	// button (the console, for admins and editors): its label and HTTPS address, or ok
	// false for Telegram's default button. It is set with each chat's own command menu.
	MenuButton func(ctx context.Context, chat int64) (label, url string, ok bool, err error)
	// Mount are more handlers served on HTTPAddr, by ServeMux pattern (the console under
	// /console/).
	Mount map[string]http.Handler
}

// Handler answers inputs: *bot.Service.
type Handler interface {
	Handle(ctx context.Context, chatID int64, in bot.Input) bot.Result
}

// FileAcceptor is a Handler that says whose documents it reads (*bot.Service: editors'
// and admins'), so nobody else can make the bot download files for nothing.
type FileAcceptor interface {
	AcceptsFiles(ctx context.Context, chatID int64) bool
}

// ChatLangs is a Handler that knows the language a chat chose, for its own menu.
type ChatLangs interface {
	ChatLang(ctx context.Context, chat int64) (content.Lang, error)
}

// ChatMenus is a Handler that gives the chats holding a role (admins, editors, partners)
// their own command menu (*bot.Service).
type ChatMenus interface {
	ChatMenu(ctx context.Context, chat int64, lang content.Lang) ([]bot.Command, bool, error)
	MenuHolders(ctx context.Context) ([]int64, error)
}

// acceptsFiles reports whether a document from chat is worth downloading.
func (b *Bot) acceptsFiles(ctx context.Context, chat int64) bool {
	fa, ok := b.handler.(FileAcceptor)
	return !ok || fa.AcceptsFiles(ctx, chat)
}

// Bot runs Qamqor on Telegram.
type Bot struct {
	cfg      Config
	handler  Handler
	commands func(content.Lang) []bot.Command
	ready    func(context.Context) error
	log      *slog.Logger
	metrics  *metrics
	registry *prometheus.Registry
	client   *http.Client
	files    *http.Client // downloads of documents people send
	api      *tg.Bot
	send     *sender
	dispatch *dispatcher
	journal  Journal
	recorder *recorder // nil without a journal
	hand     inHand
	// alone lets an update suspected of taking a process down run with nothing beside it:
	// the Handler's work on every other update holds it shared.
	alone       sync.RWMutex
	floodNotice *oncePer
	asides      chan struct{} // bounds the goroutines answering dropped updates

	shedMu     sync.Mutex // the log of connections shed (see shed)
	shedCount  int
	shedLogged time.Time
}

// New prepares a bot. commands describes the bot's commands per language for Telegram's
// menu; ready reports whether the bot can serve (its store answers). Metrics are registered
// in reg and served with it.
func New(cfg Config, h Handler, commands func(content.Lang) []bot.Command, ready func(context.Context) error, log *slog.Logger, reg *prometheus.Registry) (*Bot, error) {
	if cfg.Token == "" {
		return nil, errors.New("no bot token")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.WebhookURL != "" && cfg.WebhookSecret == "" {
		return nil, errors.New("a webhook needs a secret")
	}
	cfg.Workers = max(cfg.Workers, 1)
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 25 * time.Second
	}
	if cfg.FileTimeout <= 0 {
		cfg.FileTimeout = time.Minute
	}
	if cfg.HandleTimeout <= 0 {
		cfg.HandleTimeout = 30 * time.Second
	}
	if cfg.ChatBacklog <= 0 {
		cfg.ChatBacklog = 20
	}
	b := &Bot{cfg: cfg, handler: h, commands: commands, ready: ready, log: log, registry: reg, metrics: newMetrics(reg),
		journal: cfg.Journal, floodNotice: newOncePer(time.Minute, 10_000), asides: make(chan struct{}, 16)}
	// One client for every call: its transport counts calls by method and status. It keeps
	// a connection per worker (and the poll) open: the default keeps two per host, so busy
	// workers would open, and with Telegram TLS-handshake, a new connection for most calls.
	// It has no Timeout: every call has a deadline of its own in its context (a try of a
	// send, a poll's wait and a margin), and a client timeout would add a timer and a
	// goroutine to each request besides.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = cfg.Workers + 2
	// A request goes out in one write when it fits the connection's write buffer, headers
	// and body together; the default 4 KB is less than a long message with its buttons.
	transport.WriteBufferSize = requestBufferSize
	// A request on a kept-alive connection the server has just closed fails after it went
	// out; a new message is then not sent again (it may have arrived). Letting connections
	// go after 30 idle seconds, before servers usually do, makes that race rare.
	transport.IdleConnTimeout = 30 * time.Second
	b.client = &http.Client{Transport: &countingTransport{base: transport, calls: b.metrics.apiCalls}}
	// A download's URL ends in a file path, not a method: it is counted as "download".
	b.files = &http.Client{
		Timeout:   30 * time.Second,
		Transport: &countingTransport{base: http.DefaultTransport, calls: b.metrics.apiCalls, method: "download"},
	}
	api, err := tg.New(cfg.Token,
		tg.WithServerURL(cfg.APIURL),
		tg.WithSkipGetMe(),
		tg.WithHTTPClient(cfg.PollTimeout, b.client),
		tg.WithErrorsHandler(func(err error) { log.Warn("telegram client", "err", err) }),
	)
	if err != nil {
		return nil, err
	}
	b.api = api
	b.send = &sender{api: api, direct: newBotAPI(b.client, cfg.APIURL, cfg.Token), log: log, maxBackoff: 5 * time.Second, requestTimeout: cfg.RequestTimeout, renders: make(chan struct{}, 2)}
	return b, nil
}

// Run serves until ctx ends, then stops taking updates, finishes those in hand within the
// shutdown timeout, and returns nil — when the timeout passes, whatever still runs is told
// to stop, and Run returns a moment later whether or not it has. It returns an error when it
// cannot start: Telegram rejects the token, or the address is taken.
func (b *Bot) Run(ctx context.Context) error {
	me, err := b.getMe(ctx)
	if ctx.Err() != nil {
		return nil // stopped while starting
	}
	if err != nil {
		return err
	}
	b.log.Info("connected to Telegram", "bot", "@"+me.Username, "mode", b.mode())
	if b.cfg.OnConnected != nil {
		b.cfg.OnConnected(me.Username)
	}

	listener, err := b.listen()
	if err != nil {
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	b.dispatch = newDispatcher(b.cfg.Workers, 8*b.cfg.Workers, b.cfg.ChatBacklog)
	stopRecorder := make(chan struct{})
	if b.journal != nil {
		b.recorder = newRecorder(b.journal, func(err error) { b.log.Warn("journal of updates in hand", "err", err) })
		go b.recorder.run(stopRecorder)
	}
	// Work in hand outlives ctx by the shutdown timeout, so no update Telegram handed over is
	// dropped halfway; then it is cut off, so the process still exits in time.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()

	srv := b.server(work)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(listener) }()

	if err := b.setCommands(ctx); err != nil {
		b.log.Warn("could not set the commands menu", "err", err)
	}
	if err := b.setHoldersCommands(ctx); err != nil {
		b.log.Warn("could not set the command menus of admins and partners", "err", err)
	}
	polled := make(chan struct{})
	var p *poller
	if b.cfg.WebhookURL != "" {
		close(polled)
		if err := b.setWebhook(ctx); err != nil {
			_ = srv.Close()
			b.dispatch.close(0, stopWork)
			close(stopRecorder)
			if ctx.Err() != nil {
				return nil // stopped while starting
			}
			return err
		}
	} else {
		dctx, cancel := context.WithTimeout(ctx, cmp.Or(b.cfg.RequestTimeout, defaultRequestTimeout))
		_, err := b.api.DeleteWebhook(dctx, &tg.DeleteWebhookParams{})
		cancel()
		if err != nil && ctx.Err() == nil {
			b.log.Warn("could not remove a webhook before polling", "err", err)
		}
		p = &poller{bot: b}
		go func() { defer close(polled); p.run(ctx, work) }()
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		stopWork()
		close(stopRecorder)
		return fmt.Errorf("HTTP server: %w", err)
	}
	b.shutdown(srv, polled, p, stopWork, stopRecorder)
	return nil
}

// shutdown stops taking updates and gives those in hand until the shutdown timeout; then
// it cuts off what still runs, waits a moment for it to notice, says which updates are
// left for redelivery, and returns.
func (b *Bot) shutdown(srv *http.Server, polled chan struct{}, p *poller, stopWork func(), stopRecorder chan struct{}) {
	b.log.Info("shutting down: finishing updates in hand", "timeout", b.cfg.ShutdownTimeout)
	deadline := time.Now().Add(b.cfg.ShutdownTimeout)
	<-polled
	// Webhook requests wait for their updates; Shutdown stops new ones meanwhile.
	httpDone := make(chan struct{})
	go func() {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		_ = srv.Shutdown(ctx)
		close(httpDone)
	}()
	// Past the timeout, what still runs is told to stop: handlers that listen to their
	// context stop at once, and those that do not are left behind.
	b.dispatch.close(time.Until(deadline), stopWork)
	<-b.waitOrTimeout(httpDone, shutdownGrace)
	_ = srv.Close()
	running, waiting, cut := b.hand.split()
	if b.recorder != nil && len(waiting) > 0 {
		// Never begun: the next start takes them as new, not as suspects.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := b.journal.Release(ctx, waiting); err != nil {
			b.log.Warn("could not release updates never begun", "err", err)
		}
		cancel()
	}
	close(stopRecorder)
	if b.recorder != nil {
		<-b.waitOrTimeout(b.recorder.done, 3*time.Second)
	}
	if p != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		p.confirm(ctx)
		cancel()
	}
	if len(running)+len(waiting)+len(cut) > 0 {
		b.log.Warn("stopped with updates left for redelivery", "still_running", running, "cut_off", cut, "never_begun", waiting)
	}
	b.log.Info("stopped")
}

// shutdownGrace is how long shutdown waits, past its timeout, for cut-off work to stop.
const shutdownGrace = 2 * time.Second

// waitOrTimeout is closed when done is, or after d.
func (b *Bot) waitOrTimeout(done <-chan struct{}, d time.Duration) <-chan struct{} {
	out := make(chan struct{})
	go func() {
		defer close(out)
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
		}
	}()
	return out
}

func (b *Bot) mode() string {
	if b.cfg.WebhookURL != "" {
		return "webhook"
	}
	return "polling"
}

// getMe checks the token, retrying while Telegram cannot be reached.
func (b *Bot) getMe(ctx context.Context) (*models.User, error) {
	var me *models.User
	err := b.send.patiently(ctx, "getMe", func(ctx context.Context) error {
		var err error
		me, err = b.api.GetMe(ctx)
		return err
	})
	if errors.Is(err, tg.ErrorUnauthorized) || errors.Is(err, tg.ErrorNotFound) {
		return nil, errors.New("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather (/token)")
	}
	if err != nil {
		return nil, fmt.Errorf("reaching Telegram: %w", err)
	}
	return me, nil
}

// setCommands fills Telegram's command menu: in Kazakh and Russian for apps in those
// languages, in both for everyone else.
func (b *Bot) setCommands(ctx context.Context) error {
	for _, s := range menuSets(b.commands) {
		err := b.send.patiently(ctx, "setMyCommands", func(ctx context.Context) error {
			_, err := b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: s.commands, LanguageCode: s.lang})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// menuSets are a menu's three lists: both languages side by side for apps in other
// languages, then Kazakh and Russian for apps in those.
func menuSets(of func(content.Lang) []bot.Command) []struct {
	lang     string
	commands []models.BotCommand
} {
	commands := func(lang content.Lang) []models.BotCommand {
		var out []models.BotCommand
		for _, c := range of(lang) {
			out = append(out, models.BotCommand{Command: c.Name, Description: c.Description})
		}
		return out
	}
	both := commands(content.KK)
	for i, c := range commands(content.RU) {
		both[i].Description += " / " + c.Description
	}
	return []struct {
		lang     string
		commands []models.BotCommand
	}{{"", both}, {string(content.KK), commands(content.KK)}, {string(content.RU), commands(content.RU)}}
}

// setHoldersCommands gives every chat that holds a role its own menu, at start-up: roles
// granted while another version ran, or while Telegram was away, are in it then.
func (b *Bot) setHoldersCommands(ctx context.Context) error {
	cm, ok := b.handler.(ChatMenus)
	if !ok {
		return nil
	}
	holders, err := cm.MenuHolders(ctx)
	if err != nil {
		return err
	}
	b.setMenus(ctx, holders) // one that fails (an admin who never wrote to the bot) is logged, the others set
	return nil
}

// setChatCommands sets chat's own command menu (scope "chat", per language) when it holds
// a role, or deletes it, so the chat falls back to everyone's, when it holds none.
func (b *Bot) setChatCommands(ctx context.Context, chat int64) error {
	cm, ok := b.handler.(ChatMenus)
	if !ok {
		return nil
	}
	lists := map[content.Lang][]bot.Command{}
	own := false
	for _, l := range content.Langs {
		cmds, has, err := cm.ChatMenu(ctx, chat, l)
		if err != nil {
			return err
		}
		lists[l], own = cmds, has
	}
	scope := &models.BotCommandScopeChat{ChatID: chat}
	sets := menuSets(func(l content.Lang) []bot.Command { return lists[l] })
	if cl, ok := b.handler.(ChatLangs); ok && own {
		// The chat's own menu is in the language it chose in the bot, for every app language.
		lang, err := cl.ChatLang(ctx, chat)
		if err != nil {
			return err
		}
		if len(lists[lang]) > 0 {
			sets = menuSets(func(content.Lang) []bot.Command { return lists[lang] })
			for i := range sets {
				sets[i].commands = sets[len(sets)-1].commands // not "X / X" in the default set
			}
		}
	}
	for _, s := range sets {
		err := b.send.patiently(ctx, "setMyCommands", func(ctx context.Context) error {
			var err error
			if own {
				_, err = b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: s.commands, Scope: scope, LanguageCode: s.lang})
			} else {
				_, err = b.api.DeleteMyCommands(ctx, &tg.DeleteMyCommandsParams{Scope: scope, LanguageCode: s.lang})
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return b.setMenuButton(ctx, chat)
}

// setMenuButton gives chat the Mini App's button when MenuButton says so, and Telegram's
// default otherwise (a role taken away takes the button with it).
func (b *Bot) setMenuButton(ctx context.Context, chat int64) error {
	if b.cfg.MenuButton == nil {
		return nil
	}
	label, url, ok, err := b.cfg.MenuButton(ctx, chat)
	if err != nil {
		return err
	}
	var button models.InputMenuButton = &models.MenuButtonDefault{Type: models.MenuButtonTypeDefault}
	if ok {
		button = &models.MenuButtonWebApp{Type: models.MenuButtonTypeWebApp, Text: label, WebApp: models.WebAppInfo{URL: url}}
	}
	return b.send.patiently(ctx, "setChatMenuButton", func(ctx context.Context) error {
		_, err := b.api.SetChatMenuButton(ctx, &tg.SetChatMenuButtonParams{ChatID: chat, MenuButton: button})
		return err
	})
}

func (b *Bot) setWebhook(ctx context.Context) error {
	err := b.send.patiently(ctx, "setWebhook", func(ctx context.Context) error {
		_, err := b.api.SetWebhook(ctx, &tg.SetWebhookParams{URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret, AllowedUpdates: allowedUpdates})
		return err
	})
	if err != nil {
		return fmt.Errorf("registering the webhook: %w", err)
	}
	b.log.Info("webhook registered", "url", redactedURL(b.cfg.WebhookURL))
	return nil
}

// redactedURL drops the query and user info, which may hold secrets, from a URL for logs.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid url)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

// input is an update as the engine sees it, with what the adapter needs to answer it.
type input struct {
	bot.Input
	chat       int64
	kind       string // for metrics
	callbackID string // answer this callback query
	editID     int    // edit this message rather than send a new one
	// document is the file of an InputFile, to fetch before the Service sees it: toInput
	// stays pure (chatOf uses it for ordering), so it downloads nothing.
	document *models.Document
}

// toInput reads an update from a private chat, or a text message in a group (the
// operators' chat: the Service decides which group that is); other updates are not for
// the bot. A document in a private chat is an InputFile whose bytes handle fetches.
func toInput(u *update) (input, bool) {
	switch {
	case u.Message != nil:
		m := u.Message
		if m.Chat.Type != models.ChatTypePrivate {
			if m.Text == "" || (m.Chat.Type != models.ChatTypeGroup && m.Chat.Type != models.ChatTypeSupergroup) {
				return input{}, false
			}
			in := input{chat: m.Chat.ID, kind: "group_message", Input: bot.Input{Kind: bot.InputText, Text: m.Text, UpdateID: u.ID, Group: true}}
			if m.From != nil {
				in.From = m.From.ID
			}
			if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.IsBot {
				in.ReplyToText = r.Text
			}
			return in, true
		}
		in := input{chat: m.Chat.ID, kind: "message", Input: bot.Input{Kind: bot.InputText, Text: m.Text, UpdateID: u.ID}}
		switch {
		case m.Text == "" && m.Document != nil:
			in.Kind, in.kind = bot.InputFile, "document"
			in.File, in.document = &bot.File{Name: m.Document.FileName}, m.Document
		case m.Text == "":
			in.Kind = bot.InputUnsupported
		}
		if m.From != nil {
			in.LangHint, _ = content.ParseLang(m.From.LanguageCode)
			in.Username = m.From.Username
		}
		in.Forwarded = originOf(m.ForwardOrigin)
		if r := m.ReplyToMessage; r != nil {
			in.ReplyForwarded = originOf(r.ForwardOrigin)
		}
		return in, true
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		in := input{kind: "callback_query", callbackID: q.ID, Input: bot.Input{Kind: bot.InputButton, Data: q.Data, UpdateID: u.ID}}
		in.LangHint, _ = content.ParseLang(q.From.LanguageCode)
		in.Username = q.From.Username
		switch m := q.Message; {
		case m == nil:
			return input{}, false
		case m.Date != 0:
			if m.Chat.Type != models.ChatTypePrivate {
				return input{}, false
			}
			in.chat, in.editID = m.Chat.ID, m.ID
		default: // too old to see or edit: the chat is still the one to answer
			in.chat = m.Chat.ID
		}
		return in, true
	}
	return input{}, false
}

// originOf is who wrote a forwarded message (nil: not forwarded).
func originOf(o *models.MessageOrigin) *bot.Origin {
	switch {
	case o == nil:
		return nil
	case o.MessageOriginUser != nil:
		return &bot.Origin{User: o.MessageOriginUser.SenderUser.ID}
	case o.MessageOriginHiddenUser != nil:
		return &bot.Origin{Hidden: true}
	}
	return &bot.Origin{} // a group's or a channel's
}

// chatOf returns the chat an update belongs to, for ordering; 0 when it has none.
func chatOf(u *update) int64 {
	in, ok := toInput(u)
	if !ok {
		return 0
	}
	return in.chat
}
