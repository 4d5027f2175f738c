package archive_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/backup"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
)

const mid = "archive-test"

// records adapts the PDF engine to archive.Records.
type records struct{ e *pdf.Engine }

func (r records) Minutes(ctx context.Context, w io.Writer, s *meeting.State, lang string) error {
	return r.e.Minutes(ctx, w, s, lang)
}
func (r records) CountingMinutes(ctx context.Context, w io.Writer, s *meeting.State, id, lang string) error {
	in, err := pdf.CountingInputFrom(s, id)
	if err != nil {
		return err
	}
	return r.e.CountingMinutes(ctx, w, in, lang)
}
func (r records) BallotsCSV(w io.Writer, s *meeting.State) error { return pdf.BallotsCSV(w, s) }

// TestArchive writes the archive of a closed meeting with an uploaded
// document, a named and a secret poll and an election, verifies it from
// the file alone, and shows what Verify refuses: an event changed, a PDF
// the log names taken out, an election's stored ballot changed.
func TestArchive(t *testing.T) {
	ctx := context.Background()
	key := seal.NewKey()
	st, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st, nil, service.Options{})
	do := func(who string, cmd meeting.Command) {
		t.Helper()
		if _, err := svc.Execute(ctx, mid, meeting.Actor{Participant: who}, cmd); err != nil {
			t.Fatalf("%s %s: %v", who, cmd.CommandName(), err)
		}
	}
	for _, c := range meetingtest.SmallMeeting(mid) {
		if d, ok := c.(meeting.AddDocument); ok {
			// The small meeting's document, with real bytes in the store.
			pdfBytes, err := os.ReadFile(filepath.Join("..", "pdf", "testdata", "encrypt-source.pdf"))
			if err != nil {
				t.Fatal(err)
			}
			info, err := st.PutBlob(ctx, bytes.NewReader(pdfBytes))
			if err != nil {
				t.Fatal(err)
			}
			d.Document.SHA256, d.Document.Size = info.SHA256, info.Size
			c = d
		}
		do(meetingtest.Secretary.Participant, c)
	}
	do(meetingtest.Chair, meeting.OpenSession{})
	voters := append([]string{meetingtest.Chair}, meetingtest.Delegates...)
	for _, d := range meetingtest.Delegates {
		do(d, meeting.CheckIn{})
	}
	do(meetingtest.Chair, meeting.OpenPoll{Poll: "v1"})
	for i, v := range voters {
		do(v, meeting.CastBallot{Poll: "v1", Choice: []string{"for", "for", "against", "abstain"}[i], BallotID: "v1" + v})
	}
	do(meetingtest.Chair, meeting.ClosePoll{Poll: "v1"})
	cands := []meeting.Candidate{{ID: "c1", Name: "Nguyễn Văn Ánh"}, {ID: "c2", Name: "Trần Thị Bích"}, {ID: "c3", Name: "Lê Văn Cường"}}
	do(meetingtest.Secretary.Participant, meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Ban Chấp hành", Seats: 3, Candidates: cands}})
	do(meetingtest.Chair, meeting.OpenPoll{Poll: "bch-approval"})
	for _, v := range voters {
		do(v, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: "a" + v})
	}
	do(meetingtest.Chair, meeting.ClosePoll{Poll: "bch-approval"})
	do(meetingtest.Chair, meeting.OpenElectionRound{Election: "bch"})
	for i, v := range voters {
		do(v, meeting.CastBallot{Poll: "bch-r1", Marks: []string{"111", "110", "011", "101"}[i], BallotID: "r" + v})
	}
	do(meetingtest.Chair, meeting.ClosePoll{Poll: "bch-r1"})
	do(meetingtest.Chair, meeting.CloseMeeting{})

	e, err := pdf.New(pdf.Config{FontDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var buf bytes.Buffer
	sum, err := archive.Write(ctx, &buf, st, records{e}, mid)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.PDFs) != 1 || sum.Status != string(meeting.StatusClosed) || sum.LastHash == "" {
		t.Fatalf("summary %+v", sum)
	}
	good := buf.Bytes()
	rep, err := archive.Verify(ctx, bytes.NewReader(good))
	if err != nil {
		t.Fatalf("Verify of a good archive: %v", err)
	}
	want := []string{"minutes-vi.pdf", "minutes-en.pdf", "counting-minutes-bch-vi.pdf", "counting-minutes-bch-en.pdf", "ballots.csv"}
	for _, w := range want {
		found := false
		for _, r := range rep.Records {
			found = found || r == w
		}
		if !found {
			t.Errorf("the archive lacks %s (has %v)", w, rep.Records)
		}
	}
	if rep.PDFs != 1 || rep.Audit.Recounted != 1 || rep.Audit.Polls < 3 {
		t.Fatalf("report %+v", rep)
	}
	// Secret ballots stay unlinkable: no voter id next to a marks string.
	if bytes.Contains(good, []byte(`"voter":"d1","marks"`)) {
		t.Fatal("the archive links a voter to marks")
	}

	// Tampering, rewritten as a valid container (a new manifest), so that
	// only the meeting's own checks can find it.
	rewrite := func(change func(name string, b []byte) ([]byte, bool)) []byte {
		changed := false
		var out bytes.Buffer
		bw := backup.NewWriter(&out, backup.KindArchive)
		err := backup.Each(bytes.NewReader(good), func(name string, _ int64, r io.Reader) error {
			b, _ := io.ReadAll(r)
			nb, keep := change(name, bytes.Clone(b))
			if !keep || !bytes.Equal(nb, b) {
				changed = true
			}
			if !keep {
				return nil
			}
			b = nb
			return bw.Add(name, int64(len(b)), bytes.NewReader(b))
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := bw.Close(); err != nil {
			t.Fatal(err)
		}
		if !changed {
			t.Fatal("the change changed nothing")
		}
		return out.Bytes()
	}
	tests := []struct {
		name   string
		change func(name string, b []byte) ([]byte, bool)
		words  string
	}{
		{"a ballot's choice in the log", func(name string, b []byte) ([]byte, bool) {
			if name == "log.jsonl" {
				b = bytes.Replace(b, []byte(`"choice":"against"`), []byte(`"choice":"for"`), 1)
			}
			return b, true
		}, "does not verify"},
		{"the document taken out", func(name string, b []byte) ([]byte, bool) {
			return b, !strings.HasPrefix(name, "pdf/")
		}, "does not hold"},
		{"an election's stored ballot", func(name string, b []byte) ([]byte, bool) {
			if name == "boxes/bch-r1.json" {
				// "011" → "110": the same number of ballots and marks.
				b = bytes.Replace(b, []byte(`"MDEx"`), []byte(`"MTEw"`), 1)
			}
			return b, true
		}, "recount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := rewrite(tt.change)
			if _, err := archive.Verify(ctx, bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), tt.words) {
				t.Fatalf("Verify = %v, want …%s…", err, tt.words)
			}
		})
	}
	// A byte changed inside the container is refused by the manifest.
	flipped := bytes.Replace(good, []byte("Nguyễn Văn Ánh"), []byte("Nguyễn Văn Anh"), 1)
	if _, err := archive.Verify(ctx, bytes.NewReader(flipped)); !errors.Is(err, backup.ErrInvalid) {
		t.Fatalf("Verify of a flipped archive = %v", err)
	}
}
