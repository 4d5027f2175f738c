// Package documentstest builds, for tests, a real document stack around a
// small meeting: a bbolt store in a temporary folder, the meeting service,
// the PDF engine and a documents.Documents value, all closed when the test
// ends. It also extracts the text of PDFs with poppler's pdftotext.
package documentstest

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
)

// MeetingID is the id of the fixture's meeting.
const MeetingID = "docs-test"

// The participants of the fixture's meeting (meetingtest.SmallMeeting):
// the secretary, the chair and three delegates. D1 is "Nguyễn Thị Hương",
// seat A03; the meeting is on 03/12/2026.
const (
	Secretary = "sec"
	Chair     = meetingtest.Chair
	D1        = "d1"
	D2        = "d2"
)

// Fixture is a running document stack.
type Fixture struct {
	Dir      string // the bbolt store's folder; blobs are under Dir/blobs
	CacheDir string
	Store    *bolt.Store
	Service  *service.Service
	Access   *access.Service
	Engine   *pdf.Engine
	Docs     *documents.Documents
}

type nopPublisher struct{}

func (nopPublisher) PublishEvents(context.Context, string, []meeting.Event) error { return nil }

// New starts a stack with the engine configuration cfg and the meeting of
// meetingtest.SmallMeeting without its placeholder document (whose bytes do
// not exist).
func New(tb testing.TB, cfg pdf.Config, dcfg documents.Config) *Fixture {
	tb.Helper()
	f := &Fixture{Dir: tb.TempDir(), CacheDir: tb.TempDir()}
	var err error
	if f.Store, err = bolt.Open(f.Dir, bolt.Options{BallotKey: new(seal.NewKey())}); err != nil {
		tb.Fatalf("bolt.Open: %v", err)
	}
	tb.Cleanup(func() { f.Store.Close() })
	f.Service = service.New(f.Store, nopPublisher{}, service.Options{})
	f.Access = access.New(f.Store, f.Service, access.Options{})
	if f.Engine, err = pdf.New(cfg); err != nil {
		tb.Fatalf("pdf.New: %v", err)
	}
	tb.Cleanup(func() { f.Engine.Close() })
	if f.Docs, err = documents.New(dcfg, f.Store, f.Engine, f.Service, f.CacheDir, nil); err != nil {
		tb.Fatalf("documents.New: %v", err)
	}
	tb.Cleanup(func() { f.Docs.Close() })

	ctx := context.Background()
	for _, cmd := range meetingtest.SmallMeeting(MeetingID) {
		switch c := cmd.(type) {
		case meeting.AddDocument:
			continue
		case meeting.AddAgendaItem:
			c.Item.Documents = nil
			cmd = c
		}
		if _, err := f.Service.Execute(ctx, MeetingID, meetingtest.Secretary, cmd); err != nil {
			tb.Fatalf("preparing the meeting: %s: %v", cmd.CommandName(), err)
		}
	}
	return f
}

// Session returns a session of participant in the fixture's meeting (the
// documents use case reads roles from the state, not from the session).
func (f *Fixture) Session(participant string) access.Session {
	return access.Session{Meeting: MeetingID, Participant: participant}
}

// Token signs participant in with an invitation code and returns the token.
func (f *Fixture) Token(tb testing.TB, participant string) string {
	tb.Helper()
	ctx := context.Background()
	code, err := f.Access.Invite(ctx, MeetingID, participant)
	if err != nil {
		tb.Fatalf("Invite(%s): %v", participant, err)
	}
	sess, err := f.Access.Join(ctx, code)
	if err != nil {
		tb.Fatalf("Join(%s): %v", participant, err)
	}
	return sess.Token
}

// Execute runs a command as actor and fails the test on error.
func (f *Fixture) Execute(tb testing.TB, actor string, cmd meeting.Command) {
	tb.Helper()
	if _, err := f.Service.Execute(context.Background(), MeetingID, meeting.Actor{Participant: actor}, cmd); err != nil {
		tb.Fatalf("%s: %v", cmd.CommandName(), err)
	}
}

// State returns the meeting's current state.
func (f *Fixture) State(tb testing.TB) *meeting.State {
	tb.Helper()
	st, err := f.Service.State(context.Background(), MeetingID)
	if err != nil {
		tb.Fatalf("State: %v", err)
	}
	return st
}

// Generate returns a real PDF of pages pages whose first page shows title.
func (f *Fixture) Generate(tb testing.TB, title string, pages int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := f.Engine.Generate(context.Background(), &buf, title, pages, nil); err != nil {
		tb.Fatalf("Generate(%q): %v", title, err)
	}
	return buf.Bytes()
}

// Blobs returns the number of blobs stored.
func (f *Fixture) Blobs(tb testing.TB) int {
	tb.Helper()
	return countFiles(tb, filepath.Join(f.Dir, "blobs"), func(name string) bool { return len(name) == 64 })
}

// CachedCopies returns the number of watermarked copies in the cache.
func (f *Fixture) CachedCopies(tb testing.TB) int {
	tb.Helper()
	return countFiles(tb, filepath.Join(f.CacheDir, "copies"), func(name string) bool { return strings.HasSuffix(name, ".pdf") })
}

// Leftovers returns the number of files in the upload folder.
func (f *Fixture) Leftovers(tb testing.TB) int {
	tb.Helper()
	return countFiles(tb, filepath.Join(f.CacheDir, "tmp"), func(string) bool { return true })
}

func countFiles(tb testing.TB, dir string, match func(name string) bool) int {
	tb.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if !d.IsDir() && match(d.Name()) {
			n++
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("walking %s: %v", dir, err)
	}
	return n
}

// PDFText extracts the text of a PDF with pdftotext (flags such as "-raw"
// go before the file). It fails the test when
// pdftotext is missing: install poppler-utils.
func PDFText(tb testing.TB, b []byte, flags ...string) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatalf("pdftotext not found (%v): install poppler-utils (apt-get install -y poppler-utils); the PDF text checks need it", err)
	}
	path := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	args := append(append([]string{"-enc", "UTF-8"}, flags...), path, "-")
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// WantText fails unless text holds every one of want.
func WantText(tb testing.TB, text string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			if len(text) > 2000 {
				text = text[:2000] + "…"
			}
			tb.Errorf("text lacks %q; got:\n%s", w, text)
		}
	}
}
