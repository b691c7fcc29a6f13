package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// The console's audit page reads the log back as it was written, newest first, to the
// second, with who, what and the detail; n bounds what is read.
func TestTheAuditLogReadsBackNewestFirst(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a := store.NewAdmin(srv.Client())
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for i, e := range []admin.Entry{
		{Who: 100, Action: "partner.invite", Detail: "Шапағат"},
		{Who: 101, Action: "broadcast.send", Detail: "№1 to 3 (*/*/*)"},
		{Who: 100, Action: "console.login"},
	} {
		e.At = at.Add(time.Duration(i) * time.Minute)
		if err := a.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := a.AuditLog(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Action != "console.login" || got[2].Detail != "Шапағат" || got[1].Who != 101 || !got[2].At.Equal(at) {
		t.Errorf("the log read back: %+v", got)
	}
	if two, _ := a.AuditLog(ctx, 2); len(two) != 2 || two[1].Action != "broadcast.send" {
		t.Errorf("the latest two: %+v", two)
	}
}
