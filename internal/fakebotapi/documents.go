package fakebotapi

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// storedFile is a file the server holds, under the file_id it gave it.
type storedFile struct {
	id, uniqueID string
	name         string
	mimeType     string
	data         []byte // nil for a file sent by URL
	url          string // the URL it was sent by, "" for an upload
}

// storedDocument is what a message sent with sendDocument carries.
type storedDocument struct {
	file            *storedFile
	caption         string // shown
	captionSource   string // as sent
	captionEntities any    // caption_entities as sent, decoded
}

// sendDocument sends a file: uploaded as multipart/form-data, or a file_id the server gave
// out before, or an HTTP URL (kept as the URL; nothing is downloaded).
func (s *Server) sendDocument(_ context.Context, p params) reply {
	chatID, bad := p.chatID()
	if bad != nil {
		return *bad
	}
	if s.isBlocked(chatID) {
		return failure(http.StatusForbidden, DescBlocked)
	}
	caption, bad := parseCaption(p)
	if bad != nil {
		return *bad
	}
	keyboard, bad := parseKeyboard(p["reply_markup"])
	if bad != nil {
		return *bad
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	file, bad := s.documentLocked(p["document"])
	if bad != nil {
		return *bad
	}
	caption.file = file
	c := s.chatLocked(chatID)
	c.lastID++
	m := &storedMessage{id: c.lastID, fromBot: true, date: s.now(), keyboard: keyboard, document: &caption}
	c.messages = append(c.messages, m)
	s.notifyLocked()
	return ok(s.modelLocked(c, m))
}

// documentLocked finds or stores the file the document parameter names, validating it as
// Telegram does.
func (s *Server) documentLocked(document any) (*storedFile, *reply) {
	fail := func(r reply) (*storedFile, *reply) { return nil, &r }
	switch v := document.(type) {
	case map[string]any: // an upload
		data, _ := v["data"].([]byte)
		name, _ := v["file_name"].(string)
		switch {
		case len(data) == 0:
			return fail(badRequest(DescFileEmpty))
		case len(data) > MaxUploadSize:
			return fail(failure(http.StatusRequestEntityTooLarge, DescTooLarge))
		}
		return s.newFileLocked(name, data, ""), nil
	case string:
		ref := strings.TrimSpace(v)
		if ref == "" {
			return fail(badRequest(DescNoDocument))
		}
		if u, err := url.Parse(ref); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			name := path.Base(u.Path)
			if name == "/" || name == "." {
				name = "file"
			}
			return s.newFileLocked(name, nil, ref), nil
		}
		if f := s.files[ref]; f != nil {
			return f, nil
		}
		return fail(badRequest(DescWrongFileID))
	}
	return fail(badRequest(DescNoDocument))
}

// newFileLocked stores a file under a new file_id.
func (s *Server) newFileLocked(name string, data []byte, fromURL string) *storedFile {
	s.nextFile++
	mimeType := "application/octet-stream"
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		mimeType, _, _ = strings.Cut(t, ";")
	}
	f := &storedFile{
		id:       fmt.Sprintf("BQACAgIAAxkBAAI%06d-fake", s.nextFile),
		uniqueID: fmt.Sprintf("AgAD%06d", s.nextFile),
		name:     name, mimeType: mimeType, data: data, url: fromURL,
	}
	s.files[f.id] = f
	return f
}

// parseCaption validates caption and parse_mode as Telegram does; the document is left unset.
func parseCaption(p params) (storedDocument, *reply) {
	fail := func(r reply) (storedDocument, *reply) { return storedDocument{}, &r }
	d := storedDocument{captionSource: p.str("caption"), captionEntities: p["caption_entities"]}
	if d.captionSource == "" {
		return d, nil
	}
	shown, problem, known := renderText(d.captionSource, p.str("parse_mode"))
	switch {
	case !known:
		return fail(badRequest(DescUnsupportedParse))
	case problem != "":
		return fail(badRequest(DescCantParseEntities + ": " + problem))
	case utf16Len(shown) > MaxCaptionLength:
		return fail(badRequest(DescCaptionTooLong))
	}
	d.caption = shown
	return d, nil
}
