package fakebotapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// MaxDownloadSize is the largest file a bot may download with getFile, in bytes
// (Telegram's 20 MB).
const MaxDownloadSize = 20 << 20

// Download is the name the server records a file download under (GET
// /file/bot<token>/<file_path>) in Calls, and the method FailNext and FailRatio take to fail
// downloads. A download is not a Bot API method: "*" faults leave it alone.
const Download = "download"

// Error descriptions of getFile and the file server.
const (
	DescInvalidFileID = "Bad Request: invalid file_id"
	DescFileTooBig    = "Bad Request: file is too big"
	DescNotFound      = "Not Found"
)

// SendFile pushes a message update: the person in private chat chatID (user id = chatID,
// first_name "Test") sends a file as a document, with file_name filename and mime_type from
// its extension, and no caption. The bot can fetch it with getFile and the download link.
// Returns its update_id. data must not be empty: Telegram apps do not send empty files.
func (s *Server) SendFile(chatID int64, filename string, data []byte, languageCode string) int64 {
	if len(data) == 0 {
		s.misuse("fakebotapi: SendFile(%q) with no bytes: Telegram apps do not send empty files", filename)
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.languageCode = languageCode
	c.started = true
	c.lastID++
	file := s.newFileLocked(kindDocument, filename, slices.Clone(data), "")
	m := &storedMessage{id: c.lastID, date: s.now(), document: &storedMedia{file: file}}
	s.addMessageLocked(c, m)
	return s.pushLocked(&models.Update{Message: s.modelLocked(c, m)})
}

// getFile gives a file's file_path, to download it from /file/bot<token>/<file_path>: for
// any file the server holds (a person's, or one the bot uploaded), at most 20 MB. A file the
// bot sent by URL was never fetched by the fake: it comes without file_path or file_size.
func (s *Server) getFile(_ context.Context, p params) reply {
	id := strings.TrimSpace(p.str("file_id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[id]
	switch {
	case f == nil:
		return badRequest(DescInvalidFileID)
	case len(f.data) > MaxDownloadSize:
		return badRequest(DescFileTooBig)
	}
	out := &models.File{FileID: f.id, FileUniqueID: f.uniqueID}
	if f.data != nil {
		if f.path == "" {
			s.nextPath++
			folder := "documents"
			if f.kind == kindPhoto {
				folder = "photos"
			}
			f.path = fmt.Sprintf("%s/file_%d%s", folder, s.nextPath, fileExt(f.name))
			s.paths[f.path] = f
		}
		out.FileSize, out.FilePath = int64(len(f.data)), f.path
	}
	return ok(out)
}

// fileExt is the extension a file_path keeps from the file's name, as Telegram's do: a
// short run of letters and digits, lowercased; "" when the name has none.
func fileExt(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if len(ext) < 2 || len(ext) > 10 || strings.ContainsFunc(ext[1:], func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		return ""
	}
	return ext
}

// serveFile answers GET /file/bot<token>/<file_path> with the file's bytes, as Telegram's
// file server does: 401 for a wrong token, 404 for a path getFile never gave.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	arrived := s.now()
	token, filePath, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/file/bot"), "/")

	var rep *reply
	var f *storedFile
	fail := func(x reply) { rep = &x }
	switch {
	case token != s.Token:
		fail(failure(http.StatusUnauthorized, DescUnauthorized))
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		fail(failure(http.StatusNotFound, DescNotFound))
	default:
		if fault, faulty := s.takeFault(Download); faulty {
			fail(fault.reply())
			break
		}
		s.mu.Lock()
		f = s.paths[filePath]
		s.mu.Unlock()
		if f == nil {
			fail(failure(http.StatusNotFound, DescNotFound))
		}
	}

	c := Call{Method: Download, Params: map[string]any{"file_path": filePath}, Time: arrived, Code: http.StatusOK}
	if rep != nil {
		c.Code, c.Error = rep.statusCode(), rep.description
	}
	s.record(c)
	if rep != nil {
		writeReply(w, *rep)
		return
	}
	w.Header().Set("Content-Type", f.mimeType)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data)) // a file's bytes never change
}
