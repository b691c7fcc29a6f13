package terminal_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/terminal"
)

// scripted answers each input with the replies the test gives for it (by typed text or
// pressed data) and remembers the inputs.
type scripted struct {
	answers map[string][]bot.Reply
	inputs  []bot.Input
}

func (s *scripted) Handle(_ context.Context, _ int64, in bot.Input) bot.Result {
	s.inputs = append(s.inputs, in)
	key := in.Text
	if in.Kind == bot.InputButton {
		key = in.Data
	}
	if in.Kind == bot.InputResume {
		key = "resume"
	}
	return bot.Result{Replies: s.answers[key]}
}

func qrCode(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 29, 29))
	for i := range 29 {
		img.SetGray(i, i, color.Gray{Y: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNoticesToOtherChatsAndPictures(t *testing.T) {
	const me = int64(5)
	qr := qrCode(t)
	h := &scripted{answers: map[string][]bot.Reply{
		"resume": {{Text: "Menu", Buttons: [][]bot.Button{{{Label: "Refer", Data: "refer"}}}}},
		"refer": {
			{To: 77, Text: "Your client opened referral R-3", Buttons: [][]bot.Button{{{Label: "Details", Data: "r:R-3"}}}},
			{Text: "Referral R-3: show this code", Image: &bot.Image{Name: "qamqor-referral.png", PNG: qr},
				Buttons: [][]bot.Button{{{Label: "Back", Data: "m"}}}},
			{To: me, Text: "A note to myself"},
		},
		"m":    {{Text: "Menu again"}},
		"/two": {{Image: &bot.Image{Name: "a.png", PNG: qr}}, {To: 77, Text: "Yours", Image: &bot.Image{Name: "a.png", PNG: qr}}},
	}}
	dir := t.TempDir()
	var out strings.Builder
	// 1 presses Refer; then 1 must press Back: the partner's Details is not this person's.
	if err := terminal.Chat(context.Background(), h, me, strings.NewReader("1\n1\n/two\n"), &out, terminal.Options{SaveDir: dir}); err != nil {
		t.Fatal(err)
	}
	transcript := out.String()
	expectInOrder(t, transcript,
		"[to chat 77] Your client opened referral R-3\n  [-] Details\n",
		"Referral R-3: show this code\n  [1] Back\n",
		"[PNG] ", "A note to myself\n", "Menu again")
	if strings.Contains(transcript, "[to chat 5]") {
		t.Fatalf("a reply to the person's own chat was printed as a notice:\n%s", transcript)
	}
	if last := h.inputs[2]; last.Kind != bot.InputButton || last.Data != "m" {
		t.Fatalf("the second 1 pressed %+v, want Back (m)", last)
	}

	paths := regexp.MustCompile(`\[PNG\] (.+)\n`).FindAllStringSubmatch(transcript, -1)
	if len(paths) != 3 {
		t.Fatalf("%d pictures saved, want 3:\n%s", len(paths), transcript)
	}
	named := regexp.MustCompile(`^qamqor-referral-\d{4}-\d\d-\d\d-\d{6}\.png$`)
	if first := paths[0][1]; filepath.Dir(first) != dir || !named.MatchString(filepath.Base(first)) {
		t.Fatalf("the picture went to %s, want %s/qamqor-referral-<time>.png", first, dir)
	}
	for _, p := range paths {
		info, err := os.Stat(p[1])
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", p[1], info.Mode().Perm())
		}
		data, _ := os.ReadFile(p[1])
		if img, err := png.Decode(bytes.NewReader(data)); err != nil || img.Bounds().Dx() != 29 {
			t.Errorf("%s is not the picture: %v", p[1], err)
		}
	}
	// Two pictures of one name in the same second do not overwrite each other.
	if paths[1][1] == paths[2][1] {
		t.Fatalf("two pictures saved to one file %s", paths[1][1])
	}
	expectInOrder(t, transcript, "[PNG] "+paths[1][1], "[to chat 77] Yours\n", "[PNG] "+paths[2][1])
}

func TestAPictureThatCannotBeSavedIsReported(t *testing.T) {
	h := &scripted{answers: map[string][]bot.Reply{
		"resume": {{Text: "Your code", Image: &bot.Image{Name: "../../qamqor-referral.png", PNG: qrCode(t)}}},
	}}
	var out strings.Builder
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	if err := terminal.Chat(context.Background(), h, 1, strings.NewReader(""), &out, terminal.Options{SaveDir: missing}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Your code\n") || !strings.Contains(out.String(), "(the picture could not be saved: ") {
		t.Fatalf("transcript:\n%s", out.String())
	}
	// The name's directories are dropped: the file would have gone into SaveDir itself.
	if !strings.Contains(out.String(), filepath.Join(missing, "qamqor-referral-")) {
		t.Fatalf("the path tried is not in SaveDir:\n%s", out.String())
	}
}
