package publishing

import (
	"errors"
	"path"
	"sort"
	"strings"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// maxProblemsShown bounds the file:line problems an upload's answer lists, and
// maxSkippedShown the names of files left out of it.
const (
	maxProblemsShown = 15
	maxSkippedShown  = 5
)

// upload checks a content archive (.zip) or one content file (.yaml) an editor sent, as
// `qamqor content check` and `content test` do, and answers with the problems or with a
// summary of the change and the buttons to publish it or not. Checking it again puts the
// same upload in the same place.
func (f *Feature) upload(t *bot.Turn) bool {
	file := t.In.File
	if file == nil || file.Data == nil {
		t.Say(bot.Reply{Text: t.T(msgUploadTooBig, map[string]any{"MaxMB": bot.MaxFileSize >> 20})})
		return true
	}
	name := strings.ToLower(file.Name)
	var archive []byte
	switch {
	case strings.HasSuffix(name, ".zip"):
		archive = file.Data
	case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
		base, err := f.currentArchive(t)
		if err != nil {
			t.Unavailable(err)
			return true
		}
		if archive, err = content.WithFile(base, file.Name, file.Data); err != nil {
			f.archiveProblem(t, err)
			return true
		}
	default:
		t.Say(bot.Reply{Text: t.T(msgUploadKind, nil)})
		return true
	}
	unpacked, err := content.Unpack(archive)
	if err != nil {
		f.archiveProblem(t, err)
		return true
	}
	next, problems, err := content.Load(unpacked.FS, "")
	if err != nil {
		errs := problems.Errors()
		// The uploaded file's own problems first: the rest usually follow from them.
		sort.SliceStable(errs, func(i, j int) bool {
			return path.Base(errs[i].File) == file.Name && path.Base(errs[j].File) != file.Name
		})
		var lines []string
		for _, p := range errs {
			if len(lines) == maxProblemsShown {
				lines = append(lines, t.T(msgUploadMore, map[string]any{"Count": len(errs) - maxProblemsShown}))
				break
			}
			lines = append(lines, p.String())
		}
		t.Say(bot.Reply{Text: t.T(msgUploadProblems, map[string]any{"Count": len(errs)}) + "\n\n" + strings.Join(lines, "\n")})
		return true
	}
	// The content's tests, run as the bot would run them now: with its strings and clock.
	if _, failed, failures := bot.NewEngine(next, t.Engine.Bundle(), bot.WithClock(t.Engine.Now)).RunContentTests(); failed > 0 {
		shown := failures[:min(len(failures), maxProblemsShown)]
		t.Say(bot.Reply{Text: t.T(msgUploadTestsFailed, map[string]any{"Count": failed}) + "\n\n" + strings.Join(shown, "\n")})
		return true
	}
	// What waits, and is published, is the content files alone: anything else the zip
	// held is left out.
	if err := f.store.SetPending(t.Ctx, t.Chat, unpacked.Zip); err != nil {
		t.Unavailable(err)
		return true
	}
	text := t.T(msgUploadReady, map[string]any{"Summary": describe(t, content.Diff(t.Engine.Content(), next))})
	if len(unpacked.Skipped) > 0 {
		names := unpacked.Skipped[:min(len(unpacked.Skipped), maxSkippedShown)]
		list := strings.Join(names, ", ")
		if more := len(unpacked.Skipped) - len(names); more > 0 {
			list += " " + t.T(msgUploadMore, map[string]any{"Count": more})
		}
		text += "\n\n" + t.T(msgUploadSkipped, map[string]any{"Files": list})
	}
	t.Say(bot.Reply{
		Text: text,
		Buttons: [][]bot.Button{
			{{Label: t.T(msgUploadPublish, nil), Data: dataPublish}},
			{{Label: t.T(msgUploadDrop, nil), Data: dataDrop}},
		},
	})
	return true
}

// archiveProblem says what is wrong with an archive, when err is an archive's problem,
// and otherwise that the store is away.
func (f *Feature) archiveProblem(t *bot.Turn, err error) {
	var ae *content.ArchiveError
	if !errors.As(err, &ae) {
		t.Unavailable(err)
		return
	}
	var text string
	switch ae.Kind {
	case content.TooManyFiles:
		text = t.T(msgUploadTooManyFiles, map[string]any{"Max": ae.Limit})
	case content.FileTooBig:
		text = t.T(msgUploadFileTooBig, map[string]any{"Name": path.Base(ae.Name), "MaxKB": ae.Limit >> 10})
	case content.TooBig:
		text = t.T(msgUploadUnpackedTooBig, map[string]any{"MaxMB": ae.Limit >> 20})
	default:
		text = t.T(msgUploadNotZip, nil)
	}
	t.Say(bot.Reply{Text: text})
}

// currentArchive is the content in use, packed: the published version, or the content
// the process started with.
func (f *Feature) currentArchive(t *bot.Turn) ([]byte, error) {
	if v, ok, err := f.store.Current(t.Ctx); err != nil {
		return nil, err
	} else if ok {
		return v.Archive, nil
	}
	return content.Archive(content.Embedded())
}
