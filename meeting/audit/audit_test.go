package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/seal"
)

const mid = "audit-test"

// record runs a small meeting with a named and a secret poll, both closed,
// and returns the service that ran it, the seq of each poll's first ballot
// and of the secret poll's PollClosed.
func record(tb testing.TB, store service.Store) (svc *service.Service, namedBallot, secretBallot, secretClosed uint64) {
	tb.Helper()
	svc = service.New(store, nil, service.Options{})
	do := func(who string, cmd meeting.Command) []meeting.Event {
		tb.Helper()
		evs, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: who}, cmd)
		if err != nil {
			tb.Fatalf("%T: %v", cmd, err)
		}
		return evs
	}
	for _, c := range meetingtest.SmallMeeting(mid) {
		do(meetingtest.Secretary.Participant, c)
	}
	do(meetingtest.Chair, meeting.OpenSession{})
	for _, d := range meetingtest.Delegates {
		do(d, meeting.CheckIn{})
	}
	do(meetingtest.Chair, meeting.OpenPoll{Poll: "v1"})
	for i, d := range meetingtest.Delegates {
		evs := do(d, meeting.CastBallot{Poll: "v1", Choice: []string{"for", "against", "for"}[i], BallotID: "n" + d})
		if i == 0 {
			namedBallot = evs[0].Seq
		}
	}
	do(meetingtest.Chair, meeting.ClosePoll{Poll: "v1"})
	do(meetingtest.Chair, meeting.CreatePoll{Poll: meeting.Poll{ID: "s1", Question: "Bỏ phiếu kín", Secret: true,
		Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}})
	do(meetingtest.Chair, meeting.OpenPoll{Poll: "s1"})
	for i, d := range meetingtest.Delegates {
		evs := do(d, meeting.CastBallot{Poll: "s1", Choice: []string{"for", "abstain", "for"}[i], BallotID: "s" + d})
		if i == 0 {
			secretBallot = evs[0].Seq
		}
	}
	evs := do(meetingtest.Chair, meeting.ClosePoll{Poll: "s1"})
	return svc, namedBallot, secretBallot, evs[0].Seq
}

func mustVerify(tb testing.TB, src audit.Source) audit.Report {
	tb.Helper()
	rep, err := audit.Verify(context.Background(), src, mid)
	if err != nil {
		tb.Fatalf("Verify: %v", err)
	}
	return rep
}

func wantProblemAt(tb testing.TB, rep audit.Report, seq uint64, words string) {
	tb.Helper()
	if rep.Problem == nil {
		tb.Fatalf("Verify found nothing wrong; want a problem at event %d", seq)
	}
	if rep.Problem.Seq != seq || !strings.Contains(rep.Problem.What, words) {
		tb.Fatalf("Verify: %v; want event %d: …%s…", rep.Problem, seq, words)
	}
}

// TestVerifyBolt records a meeting in a bbolt file, verifies it, then edits
// stored data in the file as someone with the file would, and sees Verify
// name the edited event.
func TestVerifyBolt(t *testing.T) {
	key := seal.NewKey()
	dir := t.TempDir()
	st, err := bolt.Open(dir, bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	_, named, secret, closed := record(t, st)
	rep := mustVerify(t, st)
	if !rep.OK() || rep.Polls != 2 || rep.Unchained != 0 || rep.LastSeq != rep.Records || len(rep.LastHash) != 64 {
		t.Fatalf("Verify of an untouched record = %+v", rep)
	}
	st.Close()

	tests := []struct {
		name  string
		edit  func(tx *bbolt.Tx) error
		seq   uint64
		words string
	}{
		{"a named ballot's choice", func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("log")).Bucket([]byte(mid))
			return b.Put(u64(named), []byte(strings.Replace(string(b.Get(u64(named))), `"for"`, `"against"`, 1)))
		}, named, "content does not match"},
		{"a secret ballot's voter", func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("log")).Bucket([]byte(mid))
			return b.Put(u64(secret), []byte(strings.ReplaceAll(string(b.Get(u64(secret))), `"d1"`, `"d2"`)))
		}, secret, "content does not match"},
		{"a secret box's count", func(tx *bbolt.Tx) error {
			c := tx.Bucket([]byte("box")).Bucket([]byte(mid)).Bucket([]byte("s1")).Bucket([]byte("counts"))
			return c.Put([]byte("abstain"), u64(2))
		}, closed, "ballot box counted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), "data")
			copyStore(t, dir, cp)
			db, err := bbolt.Open(filepath.Join(cp, "dais.db"), 0o600, &bbolt.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(tt.edit); err != nil {
				t.Fatal(err)
			}
			db.Close()
			ro, err := bolt.Open(cp, bolt.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			wantProblemAt(t, mustVerify(t, ro), tt.seq, tt.words)
		})
	}
}

// TestVerifyRedis records a meeting in Redis, verifies it, then edits a
// stored event and a box's count with plain Redis commands.
func TestVerifyRedis(t *testing.T) {
	key := seal.NewKey()
	prefix := redistest.Prefix(t)
	client := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	st, err := redis.New(client, redis.Options{Prefix: prefix, BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, named, secret, closed := record(t, st)
	if rep := mustVerify(t, st); !rep.OK() || rep.Polls != 2 {
		t.Fatalf("Verify of an untouched record = %+v", rep)
	}
	ctx := context.Background()
	raw := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	defer raw.Close()
	logKey := prefix + "log:{" + mid + "}"
	edit := func(seq uint64, from, to string) (restore func()) {
		old := raw.LIndex(ctx, logKey, int64(seq-1)).Val()
		if err := raw.LSet(ctx, logKey, int64(seq-1), strings.ReplaceAll(old, from, to)).Err(); err != nil {
			t.Fatal(err)
		}
		return func() { raw.LSet(ctx, logKey, int64(seq-1), old) }
	}
	restore := edit(named, `"for"`, `"against"`)
	wantProblemAt(t, mustVerify(t, st), named, "content does not match")
	restore()
	restore = edit(secret, `"d1"`, `"d2"`)
	wantProblemAt(t, mustVerify(t, st), secret, "content does not match")
	restore()
	if rep := mustVerify(t, st); !rep.OK() {
		t.Fatalf("Verify after restoring = %v", rep.Problem)
	}
	raw.HSet(ctx, prefix+"counts:{"+mid+"}:s1", "for", 3)
	wantProblemAt(t, mustVerify(t, st), closed, "ballot box counted")
}

// TestVerifyUnchained reads a log stored before the chain existed: its
// records verify as unchained, and events appended afterwards start the
// chain.
func TestVerifyUnchained(t *testing.T) {
	key := seal.NewKey()
	dir := t.TempDir()
	st, err := bolt.Open(dir, bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, _ = record(t, st)
	recs, err := st.Read(context.Background(), mid, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Forget the links of the first ten events, as a file from before.
	db, err := bbolt.Open(filepath.Join(dir, "dais.db"), 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		c := tx.Bucket([]byte("chain")).Bucket([]byte(mid))
		for seq := uint64(1); seq <= 10; seq++ {
			if err := c.Delete(u64(seq)); err != nil {
				return err
			}
		}
		// The chain restarts at 11 from the zero hash.
		prev := storage.ZeroHash
		for _, r := range recs[10:] {
			prev = storage.ChainHash(prev, r.Seq, r.Data)
			if err := c.Put(u64(r.Seq), prev); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	ro, err := bolt.Open(dir, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rep := mustVerify(t, ro)
	if !rep.OK() || rep.Unchained != 10 {
		t.Fatalf("Verify of a log with 10 unchained events first = %+v, %v", rep, rep.Problem)
	}
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	for i := range 8 {
		b[7-i] = byte(n >> (8 * i))
	}
	return b
}

// copyStore copies a stopped store's data file to a new folder.
func copyStore(tb testing.TB, from, to string) {
	tb.Helper()
	db, err := bbolt.Open(filepath.Join(from, "dais.db"), 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if err := db.View(func(tx *bbolt.Tx) error {
		return tx.CopyFile(filepath.Join(mustMkdir(tb, to), "dais.db"), 0o600)
	}); err != nil {
		tb.Fatal(err)
	}
}

func mustMkdir(tb testing.TB, dir string) string {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// TestMinutesPrintTheChain makes the minutes of a recorded meeting and finds
// in their text the last event's seq and chain hash that Verify computes.
func TestMinutesPrintTheChain(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext not found (%v): install poppler-utils", err)
	}
	key := seal.NewKey()
	st, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	writer, _, _, _ := record(t, st)
	rep := mustVerify(t, st)
	// A fresh service reads the state from the log; the one that wrote it
	// reads its own last link back. Both print the same.
	for _, svc := range []*service.Service{writer, service.New(st, nil, service.Options{})} {
		state, err := svc.State(context.Background(), mid)
		if err != nil {
			t.Fatal(err)
		}
		e, err := pdf.New(pdf.Config{FontDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		for _, lang := range []string{"vi", "en"} {
			var out bytes.Buffer
			if err := e.Minutes(context.Background(), &out, state, lang); err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(t.TempDir(), "minutes.pdf")
			if err := os.WriteFile(f, out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			text, err := exec.Command(bin, "-raw", f, "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext: %v\n%s", err, text)
			}
			flat := strings.Join(strings.Fields(string(text)), " ")
			want := []string{rep.LastHash, fmt.Sprintf("số %d,", rep.LastSeq)}
			if lang == "en" {
				want[1] = fmt.Sprintf("last event %d,", rep.LastSeq)
			}
			for _, w := range want {
				if !strings.Contains(flat, w) {
					t.Errorf("%s minutes lack %q:\n…%s", lang, w, flat[max(0, len(flat)-400):])
				}
			}
		}
	}
}

// altered is a Source whose boxes give back other ballots than they keep.
type altered struct {
	audit.Source
	change func(t *storage.Tally)
}

func (a altered) Tally(ctx context.Context, m, poll string) (storage.Tally, error) {
	t, err := a.Source.Tally(ctx, m, poll)
	if err == nil && t.Ballots != nil {
		t.Ballots = append([]storage.OpenedBallot(nil), t.Ballots...)
		a.change(&t)
	}
	return t, err
}

// TestVerifyRecountsElections: Verify counts every closed election round
// again, name by name, from the ballots its box kept; a box whose ballots
// give another count (a mark moved from one name to another, keeping the
// number of ballots and their choice) is named at the round's close.
func TestVerifyRecountsElections(t *testing.T) {
	key := seal.NewKey()
	st, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, _, _, _ := record(t, st)
	do := func(who string, cmd meeting.Command) []meeting.Event {
		t.Helper()
		evs, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: who}, cmd)
		if err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
		return evs
	}
	cands := []meeting.Candidate{{ID: "c1", Name: "Nguyễn Văn Ánh"}, {ID: "c2", Name: "Trần Thị Bích"}, {ID: "c3", Name: "Lê Văn Cường"}}
	do(meetingtest.Secretary.Participant, meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Ban Chấp hành", Seats: 3, Candidates: cands}})
	do(meetingtest.Chair, meeting.OpenPoll{Poll: "bch-approval"})
	for _, d := range meetingtest.Delegates {
		do(d, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: d + "-a"})
	}
	do(meetingtest.Chair, meeting.ClosePoll{Poll: "bch-approval"})
	do(meetingtest.Chair, meeting.OpenElectionRound{Election: "bch"})
	for i, d := range meetingtest.Delegates {
		do(d, meeting.CastBallot{Poll: "bch-r1", Marks: []string{"110", "110", "011"}[i], BallotID: d + "-r1"})
	}
	closed := do(meetingtest.Chair, meeting.ClosePoll{Poll: "bch-r1"})[0].Seq

	rep := mustVerify(t, st)
	if !rep.OK() || rep.Recounted != 1 {
		t.Fatalf("Verify of an untouched election = %+v (problem %v)", rep, rep.Problem)
	}
	moved := altered{Source: st, change: func(tl *storage.Tally) {
		for i, b := range tl.Ballots {
			if string(b.Content) == "011" {
				tl.Ballots[i].Content = []byte("101")
			}
		}
	}}
	wantProblemAt(t, mustVerify(t, moved), closed, "recount")
}
