package telegram

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
)

// lockedBuffer is a log shared by the test and the bot's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The download link holds the token, and a failed request's error holds the link: the log
// must still not show it.
func TestADownloadCutOffLogsNoToken(t *testing.T) {
	const token = "123456:SECRET-download-token"
	hungUp := 0
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/getFile") {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true,"result":{"file_id":"f","file_unique_id":"u","file_size":3,"file_path":"documents/file_1.zip"}}`)
			return
		}
		// The file server drops the connection, as a network failure would.
		mu.Lock()
		hungUp++
		mu.Unlock()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	defer srv.Close()
	logs := &lockedBuffer{}
	b, err := New(Config{Token: token, APIURL: srv.URL, FileTimeout: 500 * time.Millisecond}, nil, nil, nil,
		slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}

	if data := b.fetch(t.Context(), 42, &models.Document{FileID: "f", FileName: "content.zip", FileSize: 3}); data != nil {
		t.Fatalf("fetched %q from a server that hangs up", data)
	}
	mu.Lock()
	defer mu.Unlock()
	got := logs.String()
	if hungUp < 2 || !strings.Contains(got, "the document could not be downloaded") {
		t.Fatalf("%d downloads tried, want a retry; logs:\n%s", hungUp, got)
	}
	if strings.Contains(got, "SECRET") {
		t.Fatalf("the token is in the logs:\n%s", got)
	}
}
