// Package fakebotapi is a fake Telegram Bot API for tests: a real HTTP server on loopback
// that speaks the Bot API's wire format (multipart/form-data, JSON and url-encoded requests;
// {"ok":...,"result":...} answers with Telegram's error codes and descriptions), keeps the
// chats as a person would see them, queues updates the way Telegram does, and can be told
// to fail calls, or to carry them out and answer late or not at all.
//
// A test starts it, points the bot at URL with Token, plays the person with SendText,
// SendFile and Press, and reads the chat back with Messages and Last:
//
//	srv := fakebotapi.Start(t)
//	b, _ := bot.New(srv.Token, bot.WithServerURL(srv.URL), bot.WithSkipGetMe())
//	srv.SendText(42, "/start", "en")
//	srv.WaitFor(t, 5*time.Second, func() bool { return srv.Last(42).Text != "" }, "a reply to /start")
//
// A file the person sends with SendFile (or one the bot uploaded) is fetched as from
// Telegram: getFile gives its file_path, and GET {URL}/file/bot{Token}/{file_path} (the
// library's FileDownloadLink) its bytes.
package fakebotapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
)

// DefaultToken is the bot token a Server accepts unless WithToken says otherwise.
const DefaultToken = "123456:TEST-token"

// Names the fake gives the bot and the people it talks to.
const (
	BotFirstName  = "Qamqor"        // the bot's first_name, as getMe answers it
	BotUsername   = "QamqorTestBot" // the bot's username, as getMe answers it
	UserFirstName = "Test"          // first_name of every person who writes to the bot
)

// Error descriptions Telegram answers with, as the fake uses them.
const (
	DescUnauthorized        = "Unauthorized"
	DescMethodNotFound      = "Not Found: method not found"
	DescTextEmpty           = "Bad Request: message text is empty"
	DescTextTooLong         = "Bad Request: message is too long"
	DescButtonDataInvalid   = "Bad Request: BUTTON_DATA_INVALID"
	DescCantParseEntities   = "Bad Request: can't parse entities" // followed by ": " and the reason
	DescMessageToEdit       = "Bad Request: message to edit not found"
	DescMessageToDelete     = "Bad Request: message to delete not found"
	DescNotModified         = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	DescQueryInvalid        = "Bad Request: query is too old and response timeout expired or query ID is invalid"
	DescBlocked             = "Forbidden: bot was blocked by the user"
	DescWebhookConflict     = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
	DescPollingConflict     = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	DescInternalError       = "Internal Server Error"
	DescChatNotFound        = "Bad Request: chat not found"
	DescChatIDEmpty         = "Bad Request: chat_id is empty"
	DescMessageIDMissing    = "Bad Request: message identifier is not specified"
	DescMessageCantBeEdited = "Bad Request: message can't be edited"
	DescUnsupportedParse    = "Bad Request: unsupported parse_mode"
	DescBadMarkup           = "Bad Request: can't parse reply keyboard markup JSON object"
	DescWrongChatAction     = "Bad Request: wrong parameter action in request"
	DescBotCommandInvalid   = "Bad Request: BOT_COMMAND_INVALID"
	DescCommandDescInvalid  = "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
	DescNoDocument          = "Bad Request: there is no document in the request"
	DescCaptionTooLong      = "Bad Request: message caption is too long"
	DescWrongFileID         = "Bad Request: wrong file identifier/HTTP URL specified"
	DescFileEmpty           = "Bad Request: file must be non-empty"
	DescNoTextToEdit        = "Bad Request: there is no text in the message to edit"
	DescTooLarge            = "Request Entity Too Large"
	DescNoPhoto             = "Bad Request: there is no photo in the request"
	DescImageProcessFailed  = "Bad Request: IMAGE_PROCESS_FAILED"
	DescPhotoDimensions     = "Bad Request: PHOTO_INVALID_DIMENSIONS"
	DescPhotoTooLarge       = "Bad Request: PHOTO_SAVE_FILE_INVALID"
	DescFileTypeMismatch    = "Bad Request: type of file mismatch"
	DescCantInitiate        = "Forbidden: bot can't initiate conversation with a user"
	DescNotGroupMember      = "Forbidden: bot is not a member of the group chat"
	DescNotSupergroupMember = "Forbidden: bot is not a member of the supergroup chat"
)

// MaxTextLength is the longest message text Telegram accepts, in UTF-16 code units.
const MaxTextLength = 4096

// MaxCaptionLength is the longest caption Telegram accepts, in UTF-16 code units.
const MaxCaptionLength = 1024

// MaxUploadSize is the largest file a bot may upload, in bytes (Telegram's 50 MB).
const MaxUploadSize = 50 << 20

// MaxPhotoSize is the largest photo a bot may upload with sendPhoto, in bytes (10 MB).
const MaxPhotoSize = 10 << 20

// maxGetUpdatesLimit is both getUpdates' default and largest limit.
const maxGetUpdatesLimit = 100

// fallbackPoll is how often WaitFor re-checks a condition when nothing in the server changes
// (the condition may depend on state outside the server).
const fallbackPoll = 10 * time.Millisecond

// Option configures a Server.
type Option func(*Server)

// WithToken makes the server accept token instead of DefaultToken.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithClock makes the server read the time from now (message dates, call times).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is a fake Telegram Bot API. All its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give the bot as its server: requests come to {URL}/bot{Token}/{method}.
	URL string
	// Token is the bot token the server accepts; other tokens get 401 Unauthorized.
	Token string

	tb        TB // nil under New
	http      *http.Server
	now       func() time.Time
	closed    chan struct{} // closed by Close (when the test ends), ending long polls
	closeOnce sync.Once
	transport *http.Transport
	deliverer *http.Client

	replyHook    func(ReplyEvent)
	unrecorded   bool
	webhookConns int

	// Of getUpdates' answers: how many updates they carried, and their bytes.
	downloaded, downloadedBytes atomic.Int64

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever anything happens
	calls   []Call

	nextUpdateID   int64
	updates        map[int64][]byte // every pushed update, as JSON
	pending        []pendingUpdate  // pushed but not confirmed, by update_id
	confirmed      int64
	allowedUpdates []string // getUpdates' allowed_updates, kept between calls as Telegram does
	pollGeneration int      // bumped by every getUpdates; an older long poll then ends in 409
	polling        int      // getUpdates requests waiting for an update

	chats        map[int64]*chat
	callbacks    map[string]bool // callback query id → answered
	nextCallback int64

	files    map[string]*storedFile // uploaded files by file_id, to be sent again by it
	nextFile int64
	paths    map[string]*storedFile // files by the file_path getFile gave them, to download
	nextPath int64

	webhookURL     string
	webhookSecret  string
	listenAddr     string // New's, when set
	webhookAllowed []string
	webhookMaxConn int

	commands    map[string][]models.BotCommand // by commandsKey
	menuButtons map[int64]MenuButton           // by chat, as setChatMenuButton left them

	nextFaults  map[string][]*countedFault // by lower-case method name, or "*"
	ratioFaults map[string]*ratioFault
	lateFaults  map[string][]*lateFault   // by lower-case method name, or "*"
	chatFaults  map[int64][]*countedFault // by the chat_id a call is addressed to
}

// Call is one request the server received.
type Call struct {
	Method string         // the method name, spelled as in the Bot API docs when known ("sendMessage")
	Params map[string]any // parameters: scalars as strings, JSON-carrying fields (reply_markup, ...) decoded, uploads as {"file_name", "size", "data"}
	Time   time.Time      // when the request arrived
	Code   int            // 200 when the call succeeded, otherwise the error_code it got
	Error  string         // the error description it got, "" on success
	// How the request's body came: its media type ("application/json",
	// "multipart/form-data"), its Content-Length (-1 when the request gave none, as with a
	// chunked body), and whether it came chunked.
	ContentType   string
	ContentLength int64
	Chunked       bool
}

// Param returns a scalar parameter as the string it came as ("" when absent or not a scalar).
func (c Call) Param(key string) string {
	v, _ := c.Params[key].(string)
	return v
}

// IntParam returns a numeric parameter (0 when absent or not a number).
func (c Call) IntParam(key string) int64 {
	n, _ := strconv.ParseInt(c.Param(key), 10, 64)
	return n
}

// Message is a message in a chat as the person sees it.
type Message struct {
	ID        int        // message_id
	FromBot   bool       // sent by the bot, not by the person
	Text      string     // the text shown, after parse_mode formatting is applied, as it is now
	Source    string     // the text as the bot sent it (markup included), as it is now
	ParseMode string     // the parse_mode it was sent or last edited with
	Buttons   [][]Button // the inline keyboard under it, as it is now
	Edits     int        // how many times the bot edited it
	Deleted   bool       // deleted by the bot
	Date      time.Time  // when it was sent
	Document  *Document  // the file, for a message sent with sendDocument or SendFile; nil otherwise
	Photo     *Photo     // the picture, for a message sent with sendPhoto; nil otherwise
}

// Document is a file sent as a document: by the bot with sendDocument, as the person
// receives it, or by the person with SendFile.
type Document struct {
	Filename      string // file_name: the upload's name, or the last part of a URL's path
	MimeType      string // mime_type, from the name's extension
	Data          []byte // the bytes uploaded; nil for a file sent by URL
	Caption       string // the caption shown, after parse_mode formatting is applied
	CaptionSource string // the caption as the bot sent it (markup included)
	FileID        string // the file_id the server gave the file, to send it again by
	URL           string // the HTTP URL it was sent by, "" for an upload or a file_id
}

// Photo is a picture the bot sent with sendPhoto, as the person receives it.
type Photo struct {
	Filename      string // the upload's file name (Telegram does not show it), or the last part of a URL's path
	Data          []byte // the bytes uploaded; nil for a photo sent by URL
	Width, Height int    // in pixels, read from the upload; 0 for a photo sent by URL
	Caption       string // the caption shown, after parse_mode formatting is applied
	CaptionSource string // the caption as the bot sent it (markup included)
	FileID        string // the file_id the server gave the photo, to send it again by
	URL           string // the HTTP URL it was sent by, "" for an upload or a file_id
}

// Button is an inline keyboard button.
type Button struct {
	Text         string
	CallbackData string
	URL          string
}

// Fault is an error the server answers with instead of doing what was asked.
type Fault struct {
	Code        int    // error_code and HTTP status, e.g. 429 (0 means 500)
	Description string // description; "" gives Telegram's usual one for Code
	RetryAfter  int    // parameters.retry_after, for 429
}

// FaultTooManyRequests is Telegram's flood-control answer: 429 with retry_after seconds.
func FaultTooManyRequests(retryAfter int) Fault {
	return Fault{Code: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// FaultInternal is a 500 Internal Server Error.
func FaultInternal() Fault { return Fault{Code: http.StatusInternalServerError} }

// FaultBlocked is the 403 Telegram answers when the person has blocked the bot.
func FaultBlocked() Fault { return Fault{Code: http.StatusForbidden} }

func (f Fault) reply() reply {
	desc := f.Description
	if desc == "" {
		switch f.Code {
		case 0:
			desc = DescInternalError
		case http.StatusTooManyRequests:
			desc = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
		case http.StatusInternalServerError:
			desc = DescInternalError
		case http.StatusForbidden:
			desc = DescBlocked
		default:
			desc = http.StatusText(f.Code)
		}
	}
	code := f.Code
	if code == 0 {
		code = http.StatusInternalServerError
	}
	r := failure(code, desc)
	if code == http.StatusTooManyRequests || f.RetryAfter > 0 {
		r.retryAfter = &f.RetryAfter
	}
	return r
}

type countedFault struct {
	fault Fault
	left  int
}

// lateFault is a call that does what was asked and then answers late, or never.
type lateFault struct {
	delay  time.Duration
	hangUp bool // close the connection instead of answering
	left   int
}

type ratioFault struct {
	fault Fault
	ratio float64
	rng   *rand.Rand
}

type pendingUpdate struct {
	id   int64
	kind string // the update's type: "message", "callback_query", ...
}

// TB is the part of testing.TB the server uses. It is its own interface so that the
// package does not import testing: qamqor bench runs the server inside the bot's binary.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// Start starts a fake Bot API server on loopback; it is closed when the test ends.
func Start(tb TB, opts ...Option) *Server {
	tb.Helper()
	s, err := New(append(opts, func(s *Server) { s.tb = tb })...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// ---------------------------------------------------------------------------------------
// The wire: routing, decoding, answering.

type reply struct {
	result      any
	code        int // 0 = ok
	description string
	retryAfter  *int
}

func ok(result any) reply { return reply{result: result} }

func failure(code int, description string) reply {
	return reply{code: code, description: description}
}

func badRequest(description string) reply { return failure(http.StatusBadRequest, description) }

type apiResponse struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

type responseParameters struct {
	RetryAfter int `json:"retry_after"`
}

type methodFunc func(s *Server, ctx context.Context, p params) reply

// lookupMethod finds a Bot API method by name; like Telegram, names are case-insensitive.
func lookupMethod(name string) (canonical string, fn methodFunc) {
	switch strings.ToLower(name) {
	case "getme":
		return "getMe", (*Server).getMe
	case "getupdates":
		return "getUpdates", (*Server).getUpdates
	case "sendmessage":
		return "sendMessage", (*Server).sendMessage
	case "senddocument":
		return "sendDocument", (*Server).sendDocument
	case "sendphoto":
		return "sendPhoto", (*Server).sendPhoto
	case "getfile":
		return "getFile", (*Server).getFile
	case "editmessagetext":
		return "editMessageText", (*Server).editMessageText
	case "editmessagereplymarkup":
		return "editMessageReplyMarkup", (*Server).editMessageReplyMarkup
	case "deletemessage":
		return "deleteMessage", (*Server).deleteMessage
	case "sendchataction":
		return "sendChatAction", (*Server).sendChatAction
	case "answercallbackquery":
		return "answerCallbackQuery", (*Server).answerCallbackQuery
	case "setwebhook":
		return "setWebhook", (*Server).setWebhook
	case "deletewebhook":
		return "deleteWebhook", (*Server).deleteWebhook
	case "getwebhookinfo":
		return "getWebhookInfo", (*Server).getWebhookInfo
	case "setmycommands":
		return "setMyCommands", (*Server).setMyCommands
	case "getmycommands":
		return "getMyCommands", (*Server).getMyCommands
	case "deletemycommands":
		return "deleteMyCommands", (*Server).deleteMyCommands
	case "setchatmenubutton":
		return "setChatMenuButton", (*Server).setChatMenuButton
	}
	return name, nil
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/file/bot") {
		s.serveFile(w, r)
		return
	}
	arrived := s.now()
	token, name, routed := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	routed = routed && strings.HasPrefix(r.URL.Path, "/bot")
	method, fn := lookupMethod(name)

	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<20))
	p, decodeErr := decodeParams(r, body)

	var rep reply
	var late *lateFault
	switch {
	case !routed:
		rep = failure(http.StatusNotFound, "Not Found")
	case token != s.Token:
		rep = failure(http.StatusUnauthorized, DescUnauthorized)
	case fn == nil:
		rep = failure(http.StatusNotFound, DescMethodNotFound)
	case readErr != nil:
		rep = badRequest("Bad Request: can't read the request body")
	case decodeErr != nil:
		rep = badRequest("Bad Request: " + decodeErr.Error())
	default:
		if f, faulty := s.takeChatFault(p); faulty {
			rep = f.reply()
		} else if f, faulty := s.takeFault(method); faulty {
			rep = f.reply()
		} else {
			rep = fn(s, r.Context(), p)
			late = s.takeLate(method)
		}
	}

	call := Call{Method: method, Params: p, Time: arrived, Code: rep.statusCode(), Error: rep.description,
		ContentLength: r.ContentLength, Chunked: slices.Contains(r.TransferEncoding, "chunked")}
	call.ContentType, _, _ = mime.ParseMediaType(r.Header.Get("Content-Type"))
	s.record(call)
	s.replied(call, p)
	if late != nil {
		// Done and recorded; only the answer is held back, or lost with the connection.
		timer := time.NewTimer(late.delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
		case <-s.closed:
		}
		timer.Stop()
		if late.hangUp {
			panic(http.ErrAbortHandler) // net/http closes the connection without an answer
		}
	}
	n := writeReply(w, rep)
	if method == "getUpdates" && rep.code == 0 {
		if batch, isBatch := rep.result.([]json.RawMessage); isBatch {
			s.downloaded.Add(int64(len(batch)))
		}
		s.downloadedBytes.Add(int64(n))
	}
}

// Downloaded says how many updates getUpdates' answers have carried, an update asked for
// again counted again, and how many bytes those answers took.
func (s *Server) Downloaded() (updates, bytes int64) {
	return s.downloaded.Load(), s.downloadedBytes.Load()
}

func (r reply) statusCode() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

// writeReply writes r and returns the length of its body.
func writeReply(w http.ResponseWriter, r reply) int {
	resp := apiResponse{OK: r.code == 0, Result: r.result}
	if r.code != 0 {
		resp = apiResponse{ErrorCode: r.code, Description: r.description}
		if r.retryAfter != nil {
			resp.Parameters = &responseParameters{RetryAfter: *r.retryAfter}
		}
	}
	data, err := json.Marshal(resp)
	if err != nil {
		data = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error: fakebotapi: ` + err.Error() + `"}`)
		r.code = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.statusCode())
	_, _ = w.Write(data)
	return len(data)
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.unrecorded {
		s.calls = append(s.calls, c)
	}
	s.notifyLocked()
}

// notifyLocked wakes everything waiting for the server's state to change.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// params are a request's parameters after normalisation: scalars are strings (as form
// encoding carries them; JSON numbers and booleans keep their literal text) and fields that
// carry JSON are decoded, whether they came as JSON strings in a form or as JSON values.
type params map[string]any

// jsonFields are the parameters whose values are JSON-serialised objects or arrays.
var jsonFields = map[string]bool{
	"reply_markup": true, "entities": true, "caption_entities": true, "allowed_updates": true,
	"commands": true, "scope": true, "link_preview_options": true, "reply_parameters": true,
	"media": true, "results": true, "result": true, "permissions": true, "reaction": true,
	"message_ids": true, "suggested_post_parameters": true, "input_message_content": true,
	"options": true, "explanation_entities": true, "question_entities": true, "prices": true,
	"shipping_options": true, "errors": true, "stickers": true, "mask_position": true,
	"keywords": true, "emoji_list": true, "rights": true, "menu_button": true,
	"button": true, "text_entities": true,
}

func decodeParams(r *http.Request, body []byte) (params, error) {
	p := params{}
	for k, vs := range r.URL.Query() {
		p[k] = vs[0]
	}
	if len(bytes.TrimSpace(body)) > 0 {
		mediaType, mediaParams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			return p, fmt.Errorf("unsupported Content-Type %q", r.Header.Get("Content-Type"))
		}
		switch mediaType {
		case "multipart/form-data":
			err = decodeMultipart(p, body, mediaParams["boundary"])
		case "application/x-www-form-urlencoded":
			var values url.Values
			values, err = url.ParseQuery(string(body))
			for k, vs := range values {
				p[k] = vs[0]
			}
		case "application/json":
			err = decodeJSONBody(p, body)
		default:
			err = fmt.Errorf("unsupported Content-Type %q", mediaType)
		}
		if err != nil {
			return p, err
		}
	}
	for k, v := range p {
		text, isString := v.(string)
		if !jsonFields[k] || !isString {
			continue
		}
		if strings.TrimSpace(text) == "" {
			delete(p, k)
			continue
		}
		var decoded any
		if json.Unmarshal([]byte(text), &decoded) == nil {
			p[k] = decoded
		}
	}
	return p, nil
}

func decodeMultipart(p params, body []byte, boundary string) error {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("can't parse multipart/form-data: %v", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return fmt.Errorf("can't parse multipart/form-data: %v", err)
		}
		if part.FileName() != "" {
			p[part.FormName()] = map[string]any{"file_name": part.FileName(), "size": float64(len(data)), "data": data}
			continue
		}
		p[part.FormName()] = string(data)
	}
}

func decodeJSONBody(p params, body []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return fmt.Errorf("can't parse JSON request body: %v", err)
	}
	for k, raw := range fields {
		raw = bytes.TrimSpace(raw)
		switch raw[0] {
		case '"':
			var text string
			if err := json.Unmarshal(raw, &text); err != nil {
				return fmt.Errorf("can't parse JSON request body: %v", err)
			}
			p[k] = text
		case '{', '[':
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return fmt.Errorf("can't parse JSON request body: %v", err)
			}
			p[k] = v
		case 'n': // null: as if absent
		default: // numbers and booleans, as a form would carry them
			p[k] = string(raw)
		}
	}
	return nil
}

func (p params) str(key string) string {
	v, _ := p[key].(string)
	return v
}

func (p params) has(key string) bool {
	_, present := p[key]
	return present
}

func (p params) boolean(key string) bool {
	v, _ := strconv.ParseBool(p.str(key))
	return v
}

// integer parses a numeric parameter; absent gives 0, present but not a number gives false.
func (p params) integer(key string) (int64, bool) {
	v := p.str(key)
	if v == "" {
		return 0, !p.has(key)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, false
		}
		n = int64(f)
	}
	return n, true
}

func (p params) strings(key string) ([]string, bool) {
	list, isList := p[key].([]any)
	if !isList {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		if text, isString := v.(string); isString {
			out = append(out, text)
		}
	}
	return out, true
}

func (p params) chatID() (int64, *reply) {
	if p.str("chat_id") == "" {
		r := badRequest(DescChatIDEmpty)
		return 0, &r
	}
	id, isInt := p.integer("chat_id")
	if !isInt || id == 0 {
		r := badRequest(DescChatNotFound)
		return 0, &r
	}
	return id, nil
}

func (p params) messageID() (int, *reply) {
	id, isInt := p.integer("message_id")
	if !isInt || id <= 0 {
		r := badRequest(DescMessageIDMissing)
		return 0, &r
	}
	return int(id), nil
}

// ---------------------------------------------------------------------------------------
// Faults.

// FailNext makes the next n calls of method fail with f, without effect. Method "*" means
// any method but getUpdates; Download means file downloads, which "*" leaves alone. Faults
// queued for the same method are used in order.
func (s *Server) FailNext(method string, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	s.nextFaults[key] = append(s.nextFaults[key], &countedFault{fault: f, left: n})
}

// FailRatio makes about ratio (0..1) of the calls of method ("*": any but getUpdates) fail
// with f until ClearFaults. Which calls fail is pseudo-random, the same for the same seed.
func (s *Server) FailRatio(method string, ratio float64, f Fault, seed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ratioFaults[strings.ToLower(method)] = &ratioFault{
		fault: f, ratio: ratio, rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
	}
}

// AnswerLateNext makes the next n calls of method (case-insensitive; "*": any but
// getUpdates) do what they ask at once, as Calls and Messages show, and answer only after
// delay, as a slow Telegram does: a client that stops waiting before then never learns that
// its call succeeded.
func (s *Server) AnswerLateNext(method string, n int, delay time.Duration) {
	s.addLate(method, &lateFault{delay: delay, left: n})
}

// HangUpNext makes the next n calls of method (as AnswerLateNext) do what they ask and
// then close the connection after delay without answering, as a connection that breaks
// while the client waits for the answer.
func (s *Server) HangUpNext(method string, n int, delay time.Duration) {
	s.addLate(method, &lateFault{delay: delay, hangUp: true, left: n})
}

func (s *Server) addLate(method string, f *lateFault) {
	if f.left <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	s.lateFaults[key] = append(s.lateFaults[key], f)
}

// takeLate returns the late answer due for a call of method that succeeded, nil for none.
func (s *Server) takeLate(method string) *lateFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := []string{strings.ToLower(method)}
	if method != "getUpdates" {
		keys = append(keys, "*")
	}
	for _, key := range keys {
		if queue := s.lateFaults[key]; len(queue) > 0 {
			f := queue[0]
			if f.left--; f.left == 0 {
				s.lateFaults[key] = queue[1:]
			}
			return f
		}
	}
	return nil
}

// FailChat makes the next n calls addressed to chatID (its chat_id), whatever the method,
// fail with f, without effect: Telegram's flood control for one chat answers so, with a
// 429 whose retry_after can be long.
func (s *Server) FailChat(chatID int64, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatFaults[chatID] = append(s.chatFaults[chatID], &countedFault{fault: f, left: n})
}

func (s *Server) takeChatFault(p params) (Fault, bool) {
	chat, err := strconv.ParseInt(p.str("chat_id"), 10, 64)
	if err != nil {
		return Fault{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	queue := s.chatFaults[chat]
	for len(queue) > 0 && queue[0].left == 0 {
		queue = queue[1:]
	}
	s.chatFaults[chat] = queue
	if len(queue) == 0 {
		return Fault{}, false
	}
	queue[0].left--
	return queue[0].fault, true
}

// ClearFaults drops every fault set with FailNext, FailRatio, FailChat, AnswerLateNext and
// HangUpNext.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.nextFaults)
	clear(s.ratioFaults)
	clear(s.lateFaults)
	clear(s.chatFaults)
}

// BlockedBy makes the person in chatID block the bot: sendMessage, sendDocument, sendPhoto,
// editMessageText, editMessageReplyMarkup and sendChatAction to that chat answer 403 until
// Unblock.
func (s *Server) BlockedBy(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).blocked = true
}

// Unblock undoes BlockedBy.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).blocked = false
}

func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := []string{strings.ToLower(method)}
	if method != "getUpdates" && method != Download {
		keys = append(keys, "*")
	}
	for _, key := range keys {
		if queue := s.nextFaults[key]; len(queue) > 0 {
			f := queue[0]
			if f.left--; f.left == 0 {
				s.nextFaults[key] = queue[1:]
			}
			return f.fault, true
		}
	}
	for _, key := range keys {
		if rf := s.ratioFaults[key]; rf != nil && rf.rng.Float64() < rf.ratio {
			return rf.fault, true
		}
	}
	return Fault{}, false
}

// ---------------------------------------------------------------------------------------
// Reading what happened.

// Calls returns the calls of method (case-insensitive; "" for all), in the order they were
// answered.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || strings.EqualFold(c.Method, method) {
			c.Params = maps.Clone(c.Params)
			out = append(out, c)
		}
	}
	return out
}

// CallCount returns how many calls of method were answered, failed ones included.
func (s *Server) CallCount(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if method == "" || strings.EqualFold(c.Method, method) {
			n++
		}
	}
	return n
}

// Answered tells whether the bot answered callback query callbackID.
func (s *Server) Answered(callbackID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbacks[callbackID]
}

// Commands returns the commands last set for the default scope and languageCode ("" for
// no language), nil when none are set.
func (s *Server) Commands(languageCode string) []models.BotCommand {
	return s.CommandsFor(nil, languageCode)
}

// MenuButton is a chat's menu button: Type "default", "commands" or "web_app" (a Mini App,
// with its Text and URL).
type MenuButton struct {
	Type, Text, URL string
}

// MenuButton returns the menu button last set for chat; Type "" when none was set.
func (s *Server) MenuButton(chat int64) MenuButton {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.menuButtons[chat]
}

// CommandsFor returns the commands last set for scope (nil: default) and languageCode.
func (s *Server) CommandsFor(scope models.BotCommandScope, languageCode string) []models.BotCommand {
	var decoded any
	if scope != nil {
		if data, err := scope.MarshalCustom(); err == nil {
			_ = json.Unmarshal(data, &decoded)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[commandsKey(decoded, languageCode)])
}

// WaitFor waits until cond holds, re-checking whenever the server's state changes (and
// every few milliseconds), and fails the test with what when timeout passes first. Call it
// from the test's goroutine.
func (s *Server) WaitFor(tb TB, timeout time.Duration, cond func() bool, what string) {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(fallbackPoll)
	defer tick.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-deadline.C:
			if cond() {
				return
			}
			tb.Fatalf("fakebotapi: gave up after %v waiting for %s", timeout, what)
		}
	}
}
