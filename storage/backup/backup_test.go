package backup_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/backup"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/seal"
)

const mid = "backup-test"

// store is what the test needs of a backend: the service's side, blobs, a
// backup of itself, and a way to close it.
type store interface {
	service.Store
	storage.Blobs
	Backup(context.Context, *backup.Writer) error
	Close() error
}

// backend opens a fresh store ("a" or "b" of a test) and restores a backup
// into a fresh one.
type backend struct {
	name    string
	kind    string
	open    func(t *testing.T, key *seal.Key) store
	restore func(t *testing.T, key *seal.Key, f *os.File) (store, error)
}

func backends() []backend {
	return []backend{
		{
			name: "bolt", kind: backup.KindEmbedded,
			open: func(t *testing.T, key *seal.Key) store {
				st, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: key})
				if err != nil {
					t.Fatal(err)
				}
				return st
			},
			restore: func(t *testing.T, key *seal.Key, f *os.File) (store, error) {
				dir := filepath.Join(t.TempDir(), "restored")
				if _, err := bolt.Restore(dir, f); err != nil {
					return nil, err
				}
				return bolt.Open(dir, bolt.Options{BallotKey: key})
			},
		},
		{
			name: "redis", kind: backup.KindRedis,
			open: func(t *testing.T, key *seal.Key) store {
				st, err := redis.Open(context.Background(), "redis://"+redistest.SharedAddr+"/0", redis.Options{Prefix: redistest.Prefix(t), BallotKey: key})
				if err != nil {
					t.Fatal(err)
				}
				return st
			},
			restore: func(t *testing.T, key *seal.Key, f *os.File) (store, error) {
				st, err := redis.Open(context.Background(), "redis://"+redistest.SharedAddr+"/0", redis.Options{Prefix: redistest.Prefix(t), BallotKey: key})
				if err != nil {
					return nil, err
				}
				if _, err := st.Restore(context.Background(), f); err != nil {
					st.Close()
					return nil, err
				}
				return st, nil
			},
		},
	}
}

// TestBackupDuringAVote runs a meeting with an uploaded document, an
// annotation and an open secret poll, takes a backup while ballots are
// being cast, restores it into an empty store and shows there: the same
// events as the original up to the backup's instant, a verifying audit
// chain with the box agreeing with the log (no ballot half in the copy),
// the document's bytes, and a poll that the restored store can finish —
// the ballots the backup missed are cast again and every ballot is
// counted once.
func TestBackupDuringAVote(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			key := seal.NewKey()
			a := b.open(t, &key)
			defer a.Close()
			svc := service.New(a, nil, service.Options{})
			do := func(svc *service.Service, who string, cmd meeting.Command) error {
				_, err := svc.Execute(ctx, mid, meeting.Actor{Participant: who}, cmd)
				return err
			}
			must := func(svc *service.Service, who string, cmd meeting.Command) {
				t.Helper()
				if err := do(svc, who, cmd); err != nil {
					t.Fatalf("%s %s: %v", who, cmd.CommandName(), err)
				}
			}
			for _, c := range meetingtest.SmallMeeting(mid) {
				must(svc, meetingtest.Secretary.Participant, c)
			}
			pdf := []byte("%PDF-1.7 Báo cáo tổng kết công tác năm 2026 — nội dung thử\n%%EOF\n")
			info, err := a.PutBlob(ctx, bytes.NewReader(pdf))
			if err != nil {
				t.Fatal(err)
			}
			must(svc, meetingtest.Secretary.Participant, meeting.AddDocument{Document: meeting.Document{ID: "doc2", Title: "Báo cáo tổng kết", Pages: 1, SHA256: info.SHA256, Size: info.Size}})
			must(svc, meetingtest.Chair, meeting.OpenSession{})
			voters := []string{meetingtest.Chair}
			for _, d := range meetingtest.Delegates {
				must(svc, d, meeting.CheckIn{})
				voters = append(voters, d)
			}
			must(svc, "d1", meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "a1", Document: "doc1", Page: 2, Kind: "ink", Color: "#C00000", Points: [][2]float64{{0.1, 0.1}, {0.4, 0.2}}}})
			must(svc, meetingtest.Chair, meeting.CreatePoll{Poll: meeting.Poll{ID: "s1", Question: "Bỏ phiếu kín thông qua nhân sự", Secret: true,
				Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}})
			must(svc, meetingtest.Chair, meeting.OpenPoll{Poll: "s1"})
			choice := map[string]string{meetingtest.Chair: "for", "d1": "for", "d2": "against", "d3": "for"}
			ballot := func(svc *service.Service, v string) error {
				return do(svc, v, meeting.CastBallot{Poll: "s1", Choice: choice[v], BallotID: "s1-" + v})
			}
			if err := ballot(svc, voters[0]); err != nil {
				t.Fatal(err)
			}

			// The backup, with the other ballots being cast meanwhile.
			f, err := os.Create(filepath.Join(t.TempDir(), "dais.backup"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var wg sync.WaitGroup
			errs := make(chan error, len(voters))
			for _, v := range voters[1:] {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- ballot(svc, v)
				}()
			}
			bw := backup.NewWriter(f, b.kind)
			if err := a.Backup(ctx, bw); err != nil {
				t.Fatal(err)
			}
			if err := bw.Close(); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			m, err := backup.Verify(f)
			if err != nil || m.Kind != b.kind || len(m.Meetings) != 1 || m.Meetings[0] != mid {
				t.Fatalf("Verify = %+v, %v", m, err)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}

			r, err := b.restore(t, &key, f)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			rep, err := audit.Verify(ctx, r, mid)
			if err != nil || !rep.OK() {
				t.Fatalf("the restored record does not verify: %+v, %v", rep, err)
			}
			orig, err := a.Read(ctx, mid, 1, 100000)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Read(ctx, mid, 1, 100000)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || len(got) > len(orig) {
				t.Fatalf("restored %d events, the original has %d", len(got), len(orig))
			}
			for i := range got {
				if got[i].Seq != orig[i].Seq || !bytes.Equal(got[i].Data, orig[i].Data) || !bytes.Equal(got[i].Hash, orig[i].Hash) {
					t.Fatalf("event %d differs after the restore", got[i].Seq)
				}
			}
			rc, _, err := r.OpenBlob(ctx, info.SHA256)
			if err != nil {
				t.Fatalf("the document's blob after the restore: %v", err)
			}
			body, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(body, pdf) {
				t.Fatal("the document's bytes differ after the restore")
			}

			// The restored store finishes the vote: the ballots the backup
			// did not hold are cast again (a resend of one it held is a
			// repeat), and each of the four counts once.
			svc2 := service.New(r, nil, service.Options{})
			st, err := svc2.State(ctx, mid)
			if err != nil {
				t.Fatal(err)
			}
			if st.Participants["d1"] == nil || len(st.Documents) != 2 || st.Polls["s1"].Status != meeting.PollOpen {
				t.Fatalf("restored state: %d documents, poll %+v", len(st.Documents), st.Polls["s1"])
			}
			if _, ok := st.Annotations["d1"]; !ok {
				t.Fatalf("the annotation is missing after the restore")
			}
			for _, v := range voters {
				if err := ballot(svc2, v); err != nil {
					t.Fatalf("ballot of %s on the restored store: %v", v, err)
				}
			}
			must(svc2, meetingtest.Chair, meeting.ClosePoll{Poll: "s1"})
			st, err = svc2.State(ctx, mid)
			if err != nil {
				t.Fatal(err)
			}
			res := st.Polls["s1"].Result
			if res == nil || res.Counts["for"] != 3 || res.Counts["against"] != 1 {
				t.Fatalf("result on the restored store: %+v", res)
			}
			if rep, err := audit.Verify(ctx, r, mid); err != nil || !rep.OK() {
				t.Fatalf("after closing on the restored store: %+v, %v", rep, err)
			}

			// A second restore into the same store is refused and changes
			// nothing.
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			if err := restoreAgain(ctx, r, f); !errors.Is(err, bolt.ErrNotEmpty) && !errors.Is(err, redis.ErrNotEmpty) {
				t.Fatalf("restore into a store with data: %v, want not empty", err)
			}
		})
	}
}

// restoreAgain restores into the store r already is.
func restoreAgain(ctx context.Context, r store, f *os.File) error {
	switch s := r.(type) {
	case *bolt.Store:
		_, err := bolt.Restore(filepath.Dir(s.Path()), f)
		return err
	case *redis.Store:
		_, err := s.Restore(ctx, f)
		return err
	}
	return errors.New("unknown store")
}

// TestVerifyRefuses: a backup cut short, with an entry changed, or
// with a name that leaves the restore folder is refused before anything is
// restored.
func TestVerifyRefuses(t *testing.T) {
	var buf bytes.Buffer
	bw := backup.NewWriter(&buf, backup.KindEmbedded)
	if err := bw.Add("embedded/dais.db", 5, strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	if _, err := backup.Verify(bytes.NewReader(good)); err != nil {
		t.Fatalf("a good backup: %v", err)
	}
	changed := bytes.Replace(good, []byte("hello"), []byte("hellO"), 1)
	tests := map[string][]byte{
		"cut short":        good[:len(good)/2],
		"an entry changed": changed,
		"empty":            nil,
		"not a backup":     []byte("%PDF-1.7\n"),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := backup.Verify(bytes.NewReader(data)); !errors.Is(err, backup.ErrInvalid) {
				t.Fatalf("Verify = %v, want ErrInvalid", err)
			}
			dir := t.TempDir()
			if _, err := bolt.Restore(dir, bytes.NewReader(data)); err == nil {
				t.Fatal("restored from a bad backup")
			}
			if _, err := os.Stat(filepath.Join(dir, "dais.db")); err == nil {
				t.Fatal("a refused restore left a store behind")
			}
		})
	}
	for _, name := range []string{"../escape", "/abs", "a/../../b", ""} {
		if err := backup.NewWriter(io.Discard, backup.KindEmbedded).Add(name, 0, strings.NewReader("")); err == nil {
			t.Errorf("Add(%q) accepted", name)
		}
	}
}
