package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/storage"
)

// folding runs commands through the meeting core itself (Decide and
// Apply) at a fixed time: the demo's seeding, without a store.
type folding struct {
	st  *meeting.State
	now time.Time
}

func (f *folding) Execute(_ context.Context, _ string, a meeting.Actor, cmd meeting.Command) ([]meeting.Event, error) {
	evs, err := meeting.Decide(f.st, a, cmd, f.now)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if err := f.st.Apply(e); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

func (f *folding) Invite(context.Context, string, string) (string, error) { return "code", nil }

// memBlobs keeps blobs by their SHA-256.
type memBlobs map[string][]byte

func (m memBlobs) PutBlob(_ context.Context, r io.Reader) (storage.BlobInfo, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return storage.BlobInfo{}, err
	}
	sum := sha256.Sum256(b)
	h := hex.EncodeToString(sum[:])
	m[h] = b
	return storage.BlobInfo{SHA256: h, Size: int64(len(b))}, nil
}

type engine struct{ *pdf.Engine }

func (e engine) PageCount(ctx context.Context, r io.ReadSeeker) (int, error) {
	info, err := e.Validate(ctx, r)
	return info.Pages, err
}

// TestSeedDraft: the demo meeting has a draft open for comment a few days
// ahead, visible to every reader, with two members' Vietnamese comments on
// version 1 — one quoting text that is on its page 2, with the region — and
// a version 2 whose page 2 differs; seeding again adds nothing.
func TestSeedDraft(t *testing.T) {
	ctx := t.Context()
	e, err := pdf.New(pdf.Config{FontDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 2, 30, 0, 0, time.UTC)
	f := &folding{st: meeting.NewState(), now: now}
	blobs := memBlobs{}
	if _, err := Seed(ctx, f, blobs, engine{e}); err != nil {
		t.Fatal(err)
	}
	st := f.st
	id, err := SeedDraft(ctx, f, blobs, engine{e}, st, now)
	if err != nil || id != DraftID {
		t.Fatalf("SeedDraft = %q, %v; want %q", id, err, DraftID)
	}
	dr := st.Drafts[DraftID]
	if dr == nil {
		t.Fatal("no draft in the demo meeting")
	}
	if want := time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC); !dr.Deadline.Equal(want) || !dr.OpenAt(now) || dr.Visibility != meeting.DraftPublic {
		t.Errorf("draft deadline %v (want %v), open %v, visibility %q", dr.Deadline, want, dr.OpenAt(now), dr.Visibility)
	}
	if len(dr.Versions) != 2 || dr.Versions[0] != DraftID || dr.Current() != DraftV2 {
		t.Errorf("versions %v, want [%s %s]", dr.Versions, DraftID, DraftV2)
	}
	if d := st.Documents[DraftID]; d == nil || d.Title != DraftTitle || d.Pages != 3 {
		t.Errorf("the draft's document: %+v", d)
	}

	words := func(doc string) [][]string {
		t.Helper()
		b := blobs[st.Documents[doc].SHA256]
		w, err := e.PageWords(ctx, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	v1, v2 := words(DraftID), words(DraftV2)
	page2 := func(w [][]string) string { return strings.Join(w[1], " ") }

	if len(st.DraftComments) != 2 {
		t.Fatalf("%d comments, want 2", len(st.DraftComments))
	}
	authors := map[string]bool{}
	for _, c := range st.DraftComments {
		p := st.Participant(c.Author)
		if p == nil || !p.Voter() || c.Document != DraftID || c.Page != 2 || !c.Shared {
			t.Errorf("comment %+v: want a member's, shared, on version 1's page 2", c)
		}
		authors[c.Author] = true
		if !utf8.ValidString(c.Text) || !strings.ContainsAny(c.Text, "ệảầ") {
			t.Errorf("comment %q: want Vietnamese", c.Text)
		}
	}
	if len(authors) != 2 {
		t.Errorf("authors %v, want two members", authors)
	}
	q := st.DraftComments[0]
	if q.Kind() != "text" || q.Quote != DraftQuote || q.Rect == nil {
		t.Fatalf("first comment %+v: want a quote of %q with its region", q, DraftQuote)
	}
	if r := *q.Rect; r[0] >= r[2] || r[1] >= r[3] || r[1] < 0.08 || r[3] > 0.15 {
		t.Errorf("the quote's region %v: want the first body line near the top of the page", r)
	}
	// The quote is on the page it is made on (pdf.js reads the same words), its first line under
	// the heading; version 2 changed it.
	if heading := DraftTitle + " — Phần 1 "; !strings.HasPrefix(page2(v1), heading+DraftQuote) {
		t.Errorf("version 1's page 2 does not begin with its heading and the quote:\n%s", page2(v1))
	}
	if strings.Contains(page2(v2), DraftQuote) || !strings.Contains(page2(v2), "100% thủ tục hành chính đủ điều kiện") {
		t.Errorf("version 2's page 2 should take the comment:\n%s", page2(v2))
	}
	cmp := pdf.ComparePages(v1, v2)
	if len(cmp) != 3 || cmp[1].Status != "changed" || cmp[0].Status != "changed" && cmp[0].Status != "same" {
		t.Errorf("comparison: %+v", cmp)
	}

	// Seeded again (a restart): nothing more.
	again, err := SeedDraft(ctx, f, blobs, engine{e}, st, now.Add(time.Hour))
	if err != nil || again != "" || len(st.DraftComments) != 2 || len(st.Drafts) != 1 {
		t.Fatalf("seeding again: %q, %v; %d comments, %d drafts", again, err, len(st.DraftComments), len(st.Drafts))
	}
}
