package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/seal"
)

type pdfRecords struct{ e *pdf.Engine }

func (r pdfRecords) Minutes(ctx context.Context, w io.Writer, s *meeting.State, lang string) error {
	return r.e.Minutes(ctx, w, s, lang)
}
func (r pdfRecords) CountingMinutes(ctx context.Context, w io.Writer, s *meeting.State, id, lang string) error {
	in, err := pdf.CountingInputFrom(s, id)
	if err != nil {
		return err
	}
	return r.e.CountingMinutes(ctx, w, in, lang)
}
func (r pdfRecords) BallotsCSV(w io.Writer, s *meeting.State) error { return pdf.BallotsCSV(w, s) }

// TestArchiveImportCommand: dais archive import into a new data folder
// (and into a Redis prefix) prints what it brought back and a sign-in
// code, and dais verify passes on the store; a second import is refused; a
// tampered archive is refused (exit 3) before any store is made.
func TestArchiveImportCommand(t *testing.T) {
	const mid = "archive-cli"
	ctx := context.Background()
	key := seal.NewKey()
	st, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "meeting", "pdf", "testdata", "encrypt-source.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.PutBlob(ctx, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(st, nil, service.Options{})
	for _, c := range meetingtest.SmallMeeting(mid) {
		if d, ok := c.(meeting.AddDocument); ok {
			d.Document.SHA256, d.Document.Size = info.SHA256, info.Size
			c = d
		}
		if _, err := svc.Execute(ctx, mid, meetingtest.Secretary, c); err != nil {
			t.Fatal(err)
		}
	}
	e, err := pdf.New(pdf.Config{FontDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var buf bytes.Buffer
	if _, err := archive.Write(ctx, &buf, st, pdfRecords{e}, mid); err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := filepath.Join(t.TempDir(), "meeting.dais-archive")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	dais := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, args, func(string) string { return "" }, &out, &errOut)
		return code, out.String() + errOut.String()
	}

	dir := filepath.Join(t.TempDir(), "records")
	code, out := dais("archive", "import", "-data", dir, "-invite", "sec", file)
	if code != exitOK || !strings.Contains(out, "imported meeting "+mid) || !regexp.MustCompile(`(?m)^sec\t\S+$`).MatchString(out) {
		t.Fatalf("archive import: exit %d\n%s", code, out)
	}
	if code, out := dais("verify", "-data", dir, mid); code != exitOK || !strings.Contains(out, "OK") {
		t.Fatalf("verify after the import: exit %d\n%s", code, out)
	}
	if code, out := dais("archive", "import", "-data", dir, file); code != exitError || !strings.Contains(out, "already holds") {
		t.Fatalf("a second import: exit %d\n%s", code, out)
	}

	// The same into a Redis deployment, under a prefix of the test's own.
	prefix := redistest.Prefix(t)
	redisURL := "redis://" + redistest.SharedAddr + "/0"
	if code, out := dais("archive", "import", "-redis-url", redisURL, "-redis-prefix", prefix, file); code != exitOK || !strings.Contains(out, "imported meeting "+mid) {
		t.Fatalf("archive import into Redis: exit %d\n%s", code, out)
	}
	if code, out := dais("verify", "-redis-url", redisURL, "-redis-prefix", prefix, mid); code != exitOK || !strings.Contains(out, "OK") {
		t.Fatalf("verify after the import into Redis: exit %d\n%s", code, out)
	}
	if code, out := dais("archive", "import", "-redis-url", redisURL, "-redis-prefix", prefix, file); code != exitError || !strings.Contains(out, "already holds") {
		t.Fatalf("a second import into Redis: exit %d\n%s", code, out)
	}

	bad := bytes.Clone(buf.Bytes())
	i := bytes.Index(bad, []byte(`"MeetingCreated"`))
	if i < 0 {
		t.Fatal("no MeetingCreated in the archive")
	}
	bad[i+1] = 'm'
	badFile := filepath.Join(t.TempDir(), "bad.dais-archive")
	os.WriteFile(badFile, bad, 0o600)
	empty := filepath.Join(t.TempDir(), "empty")
	if code, out := dais("archive", "import", "-data", empty, badFile); code != exitNotVerified || !strings.Contains(out, "FAILED") {
		t.Fatalf("a tampered archive: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Fatalf("a refused import made the store's folder: %v", err)
	}
	if code, out := dais("archive", "import", file); code != exitUsage {
		t.Fatalf("no store named: exit %d\n%s", code, out)
	}
}
