package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/content"
)

// Publisher is where the console publishes drafts: the publishing store in `qamqor serve`
// (StorePublisher), the content directory in `qamqor console` (LocalPublisher). Without
// one, the console edits nothing.
type Publisher interface {
	// Current is the archive of the content served now and its version; 0 is the content
	// the server started with (the content built in, or CONTENT_DIR).
	Current(ctx context.Context) ([]byte, int64, error)
	// Publish makes archive the content served now, at once, and returns its version.
	Publish(ctx context.Context, archive []byte, author, summary string) (int64, error)
	History(ctx context.Context, limit int) (publishing.History, error)
	// Rollback makes version n current again; n 0 goes back to the content the server
	// started with, published as a new version. It returns the version now current.
	Rollback(ctx context.Context, n int64, author string) (int64, error)
}

// Versions is the publishing store's part StorePublisher uses (store.Content).
type Versions interface {
	Publish(ctx context.Context, archive []byte, author, summary string) (int64, error)
	Rollback(ctx context.Context, n int64) error
	Current(ctx context.Context) (publishing.Version, bool, error)
	Get(ctx context.Context, n int64) (publishing.Version, error)
	History(ctx context.Context, limit int) (publishing.History, error)
}

// StorePublisher publishes through the publishing store, which tells every replica
// (published.Watch), and switches this one at once with Switch, so the next message the
// bot answers already uses the new content.
type StorePublisher struct {
	Versions Versions
	Base     []byte // the archive of the content the server started with
	// Switch loads an archive and makes it the content served (bot.Service.SetEngine).
	Switch func(archive []byte) error
}

// Current implements Publisher.
func (p *StorePublisher) Current(ctx context.Context) ([]byte, int64, error) {
	v, ok, err := p.Versions.Current(ctx)
	if err != nil || !ok {
		return p.Base, 0, err
	}
	return v.Archive, v.Number, nil
}

// Publish implements Publisher.
func (p *StorePublisher) Publish(ctx context.Context, archive []byte, author, summary string) (int64, error) {
	n, err := p.Versions.Publish(ctx, archive, author, summary)
	if err != nil {
		return 0, err
	}
	return n, p.Switch(archive)
}

// History implements Publisher.
func (p *StorePublisher) History(ctx context.Context, limit int) (publishing.History, error) {
	return p.Versions.History(ctx, limit)
}

// BuiltInSummary is the summary of the version a rollback to the starting content makes.
const BuiltInSummary = "back to the content built in"

// Rollback implements Publisher.
func (p *StorePublisher) Rollback(ctx context.Context, n int64, author string) (int64, error) {
	if n == 0 {
		return p.Publish(ctx, p.Base, author, BuiltInSummary)
	}
	if err := p.Versions.Rollback(ctx, n); err != nil {
		return 0, err
	}
	v, err := p.Versions.Get(ctx, n)
	if err != nil {
		return 0, err
	}
	return n, p.Switch(v.Archive)
}

// LocalPublisher is publishing in `qamqor console`: an editor on a laptop expects the
// files they opened to change, so a version is written back to Dir (when the console runs
// over a directory; over the content built in, nothing is written) and kept in a history
// in memory for rollback while the console runs. Run `git diff` in Dir to see it.
type LocalPublisher struct {
	Dir    string // "" over the content built in
	Base   []byte
	Switch func(archive []byte) error
	Now    func() time.Time

	mu       sync.Mutex
	versions []publishing.Version // oldest first; number i+1 at i
	current  int64
}

// Current implements Publisher.
func (p *LocalPublisher) Current(context.Context) ([]byte, int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current == 0 {
		return p.Base, 0, nil
	}
	return p.versions[p.current-1].Archive, p.current, nil
}

// Publish implements Publisher.
func (p *LocalPublisher) Publish(_ context.Context, archive []byte, author, summary string) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	if err := p.switchTo(archive); err != nil {
		return 0, err
	}
	p.versions = append(p.versions, publishing.Version{Number: int64(len(p.versions) + 1), Author: author, At: now(), Summary: summary, Archive: archive})
	p.current = int64(len(p.versions))
	return p.current, nil
}

// switchTo serves archive (which loads it: content that does not load is written
// nowhere) and writes it to Dir.
func (p *LocalPublisher) switchTo(archive []byte) error {
	if err := p.Switch(archive); err != nil {
		return err
	}
	if p.Dir != "" {
		return writeBack(p.Dir, archive)
	}
	return nil
}

// History implements Publisher.
func (p *LocalPublisher) History(_ context.Context, limit int) (publishing.History, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := publishing.History{Current: p.current}
	if len(p.versions) > 0 {
		h.Oldest, h.Newest = 1, int64(len(p.versions))
	}
	for i := len(p.versions) - 1; i >= 0 && len(h.Versions) < limit; i-- {
		v := p.versions[i]
		v.Archive = nil
		h.Versions = append(h.Versions, v)
	}
	return h, nil
}

// Rollback implements Publisher.
func (p *LocalPublisher) Rollback(ctx context.Context, n int64, author string) (int64, error) {
	if n == 0 {
		return p.Publish(ctx, p.Base, author, BuiltInSummary)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n < 0 || n > int64(len(p.versions)) {
		return 0, publishing.ErrNoVersion
	}
	if err := p.switchTo(p.versions[n-1].Archive); err != nil {
		return 0, err
	}
	p.current = n
	return n, nil
}

// writeBack writes the content files of archive into dir, each only when it changed (by
// a new file and a rename, so a crash leaves the old file or the new one), and removes
// the content files dir has that the archive has not.
func writeBack(dir string, archive []byte) error {
	fsys, err := content.FromArchive(archive)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		keep[filepath.FromSlash(p)] = true
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, b) {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		tmp := target + ".qamqor-new"
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, target)
	})
	if err != nil {
		return fmt.Errorf("writing the content to %s: %w", dir, err)
	}
	names, err := content.Files(os.DirFS(dir))
	if err != nil {
		return err
	}
	for _, name := range names {
		if !keep[filepath.FromSlash(name)] {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}
