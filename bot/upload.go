package bot

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/qamqor/qamqor/content"
)

// Button data of an upload waiting to be published.
const (
	dataUploadPublish = "U:pub"
	dataUploadDrop    = "U:no"
)

// maxProblemsShown bounds the file:line problems an upload's answer lists.
const maxProblemsShown = 15

// upload checks a content archive (.zip) or one content file (.yaml) an editor sent, as
// `qamqor content check` and `content test` do, and answers with the problems or with a
// summary of the change and a button to publish it.
func (s *Service) upload(ctx context.Context, chat int64, in Input) []Reply {
	lang := s.lang(ctx, chat, in)
	f := in.File
	if f == nil || f.Data == nil {
		return []Reply{{Text: s.t(lang, msgUploadTooBig, map[string]any{"MaxMB": MaxFileSize >> 20})}}
	}
	name := strings.ToLower(f.Name)
	var archive []byte
	switch {
	case strings.HasSuffix(name, ".zip"):
		archive = f.Data
	case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
		base, err := s.currentArchive(ctx)
		if err != nil {
			return s.unavailable(chat, in, err)
		}
		if archive, err = content.WithFile(base, f.Name, f.Data); err != nil {
			if msg, ok := s.archiveProblem(lang, err); ok {
				return []Reply{{Text: msg}}
			}
			return s.unavailable(chat, in, err)
		}
	default:
		return []Reply{{Text: s.t(lang, msgUploadKind, nil)}}
	}
	unpacked, err := content.Unpack(archive)
	if err != nil {
		if msg, ok := s.archiveProblem(lang, err); ok {
			return []Reply{{Text: msg}}
		}
		return s.unavailable(chat, in, err)
	}
	next, problems, err := content.Load(unpacked.FS, "")
	if err != nil {
		errs := problems.Errors()
		// The uploaded file's own problems first: the rest usually follow from them.
		sort.SliceStable(errs, func(i, j int) bool { return path.Base(errs[i].File) == f.Name && path.Base(errs[j].File) != f.Name })
		var lines []string
		for _, p := range errs {
			if len(lines) == maxProblemsShown {
				lines = append(lines, s.t(lang, msgUploadMore, map[string]any{"Count": len(problems.Errors()) - maxProblemsShown}))
				break
			}
			lines = append(lines, p.String())
		}
		return []Reply{{Text: s.t(lang, msgUploadProblems, map[string]any{"Count": len(problems.Errors())}) + "\n\n" + strings.Join(lines, "\n")}}
	}
	if _, failed, failures := NewEngine(next, s.engine().tr.bundle).RunContentTests(); failed > 0 {
		shown := failures[:min(len(failures), maxProblemsShown)]
		return []Reply{{Text: s.t(lang, msgUploadTestsFailed, map[string]any{"Count": failed}) + "\n\n" + strings.Join(shown, "\n")}}
	}
	// What waits, and is published, is the content files alone: anything else the zip
	// held is left out.
	if err := s.contentStore.SetPending(ctx, chat, unpacked.Zip); err != nil {
		return s.unavailable(chat, in, err)
	}
	text := s.t(lang, msgUploadReady, map[string]any{"Summary": s.change(lang, content.Diff(s.engine().content, next))})
	if len(unpacked.Skipped) > 0 {
		names := unpacked.Skipped[:min(len(unpacked.Skipped), maxSkippedShown)]
		list := strings.Join(names, ", ")
		if more := len(unpacked.Skipped) - len(names); more > 0 {
			list += " " + s.t(lang, msgUploadMore, map[string]any{"Count": more})
		}
		text += "\n\n" + s.t(lang, msgUploadSkipped, map[string]any{"Files": list})
	}
	return []Reply{{
		Text: text,
		Buttons: [][]Button{
			{{Label: s.t(lang, msgUploadPublish, nil), Data: dataUploadPublish}},
			{{Label: s.t(lang, msgUploadDrop, nil), Data: dataUploadDrop}},
		},
	}}
}

// maxSkippedShown bounds the names of files left out of an upload that its answer lists.
const maxSkippedShown = 5

// archiveProblem says in lang what is wrong with an archive, when err is an archive's
// problem rather than a failure to reach the store.
func (s *Service) archiveProblem(lang content.Lang, err error) (string, bool) {
	var ae *content.ArchiveError
	if !errors.As(err, &ae) {
		return "", false
	}
	switch ae.Kind {
	case content.TooManyFiles:
		return s.t(lang, msgUploadTooManyFiles, map[string]any{"Max": ae.Limit}), true
	case content.FileTooBig:
		return s.t(lang, msgUploadFileTooBig, map[string]any{"Name": path.Base(ae.Name), "MaxKB": ae.Limit >> 10}), true
	case content.TooBig:
		return s.t(lang, msgUploadUnpackedTooBig, map[string]any{"MaxMB": ae.Limit >> 20}), true
	}
	return s.t(lang, msgUploadNotZip, nil), true
}

// currentArchive is the content in use, packed: the published version, or the content
// the process started with.
func (s *Service) currentArchive(ctx context.Context) ([]byte, error) {
	if v, ok, err := s.contentStore.Current(ctx); err != nil {
		return nil, err
	} else if ok {
		return v.Archive, nil
	}
	return content.Archive(content.Embedded())
}

// publishUpload publishes, or drops, the upload waiting for chat.
func (s *Service) publishUpload(ctx context.Context, chat int64, in Input, publish bool) []Reply {
	lang := s.lang(ctx, chat, in)
	archive, published, ok, err := s.contentStore.Pending(ctx, chat)
	switch {
	case err != nil:
		return s.unavailable(chat, in, err)
	case !ok:
		return []Reply{{Text: s.t(lang, msgStaleButton, nil)}}
	case published != 0: // pressed again, or run again after a crash: it is out already
		return []Reply{{Text: s.t(lang, msgUploadAlreadyPublished, map[string]any{"Version": published})}}
	case !publish:
		if err := s.contentStore.DropPending(ctx, chat); err != nil {
			return s.unavailable(chat, in, err)
		}
		return []Reply{{Text: s.t(lang, msgUploadDropped, nil)}}
	}
	fsys, err := content.FromArchive(archive)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	next, _, err := content.Load(fsys, "upload")
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	change := content.Diff(s.engine().content, next)
	n, err := s.contentStore.PublishPending(ctx, chat, archive, fmt.Sprintf("id %d", chat), change.String())
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	s.audit(ctx, chat, "content.publish", fmt.Sprintf("%d: %s", n, change))
	return []Reply{{Text: s.t(lang, msgUploadPublished, map[string]any{"Version": n, "Summary": s.change(lang, change)})}}
}

// change says a content change in lang.
func (s *Service) change(lang content.Lang, c content.Change) string {
	if c.None() {
		return s.t(lang, msgChangeNone, nil)
	}
	return s.t(lang, msgChange, map[string]any{
		"NA": c.NodesAdded, "NR": c.NodesRemoved, "NC": c.NodesChanged,
		"SA": c.ServicesAdded, "SR": c.ServicesRemoved, "SC": c.ServicesChanged,
		"KK": c.TextsKK, "RU": c.TextsRU,
	})
}
