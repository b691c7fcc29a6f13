package fakebotapi

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif" // photos Telegram takes: JPEG, PNG, GIF (a first frame)
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// The kinds of file the server holds; a file_id of one kind cannot be sent as another.
const (
	kindDocument = "document"
	kindPhoto    = "photo"
)

// storedFile is a file the server holds, under the file_id it gave it.
type storedFile struct {
	id, uniqueID  string
	kind          string // kindDocument or kindPhoto
	name          string
	mimeType      string
	data          []byte // nil for a file sent by URL
	url           string // the URL it was sent by, "" for an upload
	path          string // the file_path getFile gave it, "" before the first getFile
	width, height int    // a photo's size in pixels; 0 for a photo sent by URL
}

// storedMedia is what a message sent with sendDocument or sendPhoto carries.
type storedMedia struct {
	file            *storedFile
	caption         string // shown
	captionSource   string // as sent
	captionEntities any    // caption_entities as sent, decoded
}

// sendDocument sends a file: uploaded as multipart/form-data, or a file_id the server gave
// out before, or an HTTP URL (kept as the URL; nothing is downloaded).
func (s *Server) sendDocument(_ context.Context, p params) reply {
	return s.sendMedia(p, kindDocument)
}

// sendPhoto sends a picture: uploaded (JPEG, PNG or GIF, at most 10 MB, width + height at
// most 10,000 and a side at most 20 times the other, as Telegram requires), or a photo's
// file_id, or an HTTP URL (kept as the URL; nothing is downloaded).
func (s *Server) sendPhoto(_ context.Context, p params) reply {
	return s.sendMedia(p, kindPhoto)
}

// sendMedia is sendDocument and sendPhoto: the file in parameter kind, a caption, a keyboard.
func (s *Server) sendMedia(p params, kind string) reply {
	chatID, bad := p.chatID()
	if bad != nil {
		return *bad
	}
	if bad := s.refusal(chatID); bad != nil {
		return *bad
	}
	media, bad := parseCaption(p)
	if bad != nil {
		return *bad
	}
	keyboard, bad := parseKeyboard(p["reply_markup"])
	if bad != nil {
		return *bad
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	file, bad := s.fileLocked(p[kind], kind)
	if bad != nil {
		return *bad
	}
	media.file = file
	c := s.chatLocked(chatID)
	c.lastID++
	m := &storedMessage{id: c.lastID, fromBot: true, date: s.now(), keyboard: keyboard}
	if kind == kindPhoto {
		m.photo = &media
	} else {
		m.document = &media
	}
	s.addMessageLocked(c, m)
	s.notifyLocked()
	return ok(s.modelLocked(c, m))
}

// fileLocked finds or stores the file a document or photo parameter names, validating it
// as Telegram does.
func (s *Server) fileLocked(value any, kind string) (*storedFile, *reply) {
	fail := func(r reply) (*storedFile, *reply) { return nil, &r }
	missing := DescNoDocument
	if kind == kindPhoto {
		missing = DescNoPhoto
	}
	switch v := value.(type) {
	case map[string]any: // an upload
		data, _ := v["data"].([]byte)
		name, _ := v["file_name"].(string)
		switch {
		case len(data) == 0:
			return fail(badRequest(DescFileEmpty))
		case len(data) > MaxUploadSize:
			return fail(failure(http.StatusRequestEntityTooLarge, DescTooLarge))
		case kind == kindPhoto && len(data) > MaxPhotoSize:
			return fail(badRequest(DescPhotoTooLarge))
		}
		if kind != kindPhoto {
			return s.newFileLocked(kind, name, data, ""), nil
		}
		config, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return fail(badRequest(DescImageProcessFailed))
		}
		if w, h := config.Width, config.Height; w <= 0 || h <= 0 || w+h > 10_000 || w > 20*h || h > 20*w {
			return fail(badRequest(DescPhotoDimensions))
		}
		f := s.newFileLocked(kind, name, data, "")
		f.mimeType, f.width, f.height = "image/"+format, config.Width, config.Height
		return f, nil
	case string:
		ref := strings.TrimSpace(v)
		if ref == "" {
			return fail(badRequest(missing))
		}
		if u, err := url.Parse(ref); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			name := path.Base(u.Path)
			if name == "/" || name == "." {
				name = "file"
			}
			return s.newFileLocked(kind, name, nil, ref), nil
		}
		f := s.files[ref]
		switch {
		case f == nil:
			return fail(badRequest(DescWrongFileID))
		case f.kind != kind:
			return fail(badRequest(DescFileTypeMismatch))
		}
		return f, nil
	}
	return fail(badRequest(missing))
}

// newFileLocked stores a file under a new file_id, shaped as Telegram's are for its kind.
func (s *Server) newFileLocked(kind, name string, data []byte, fromURL string) *storedFile {
	s.nextFile++
	mimeType := mimeTypeOf(name)
	prefix := "BQACAgIAAxkBAAI" // a document's file_id
	if kind == kindPhoto {
		prefix = "AgACAgIAAxkBAAI"
	}
	f := &storedFile{
		id:       fmt.Sprintf("%s%06d-fake", prefix, s.nextFile),
		uniqueID: fmt.Sprintf("AgAD%06d", s.nextFile),
		kind:     kind, name: name, mimeType: mimeType, data: data, url: fromURL,
	}
	s.files[f.id] = f
	return f
}

// mimeTypes are the mime_type of common documents, so they do not depend on the machine's
// mime tables; other extensions are looked up there.
var mimeTypes = map[string]string{
	".zip": "application/zip", ".yaml": "application/yaml", ".yml": "application/yaml",
	".pdf": "application/pdf", ".txt": "text/plain", ".json": "application/json",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
}

// mimeTypeOf is a file's mime_type from its name's extension.
func mimeTypeOf(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, known := mimeTypes[ext]; known {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return "application/octet-stream"
}

// parseCaption validates caption and parse_mode as Telegram does; the file is left unset.
func parseCaption(p params) (storedMedia, *reply) {
	fail := func(r reply) (storedMedia, *reply) { return storedMedia{}, &r }
	d := storedMedia{captionSource: p.str("caption"), captionEntities: p["caption_entities"]}
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
