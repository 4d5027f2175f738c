package bolt_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
	"github.com/dais-meeting/dais/storage/storagetest"
)

// TestSecrecy runs the ballot-secrecy attack on copies of the bbolt file
// taken after every ballot, with the poll secrets a node keeps (copies
// taken during the poll then do not open with the ballot key alone) and
// without.
func TestSecrecy(t *testing.T) {
	for _, forward := range []bool{true, false} {
		t.Run(fmt.Sprintf("pollSecrets=%v", forward), func(t *testing.T) {
			storagetest.RunSecrecy(t, func(t *testing.T) storagetest.Exposed {
				opt := bolt.Options{BallotKey: &testKey}
				var secrets *seal.SecretDir
				if forward {
					var err error
					if secrets, err = seal.NewSecretDir(filepath.Join(t.TempDir(), "ballot-polls")); err != nil {
						t.Fatal(err)
					}
					opt.PollSecrets = secrets
				}
				s := mustOpen(t, t.TempDir(), opt)
				if forward {
					t.Cleanup(func() {
						if left, err := secrets.List(); err != nil || len(left) != 0 {
							t.Errorf("poll secrets left after the close: %v, %v", left, err)
						}
					})
				}
				return storagetest.Exposed{Store: s, Key: testKey, ForwardSecret: forward, Capture: func(tb testing.TB) storagetest.Exposure {
					return captureFile(tb, s.Path())
				}}
			})
		})
	}
}

// TestElectionSecrecy runs the attack on an election round's box (issue
// 10): whole ballots (marks of 70 names) sealed as content, copies of the
// bbolt file after every ballot.
func TestElectionSecrecy(t *testing.T) {
	storagetest.RunElectionSecrecy(t, func(t *testing.T) storagetest.Exposed {
		s := mustOpen(t, t.TempDir(), bolt.Options{BallotKey: &testKey})
		return storagetest.Exposed{Store: s, Key: testKey, Capture: func(tb testing.TB) storagetest.Exposure {
			return captureFile(tb, s.Path())
		}}
	})
}

// TestPollSecrets: a secret poll opened before a restart is counted after
// it; a secret whose box was counted (a crash before its deletion) is swept
// at Open; a box whose secret is lost cannot be counted, and says why.
func TestPollSecrets(t *testing.T) {
	dir := t.TempDir()
	secrets, err := seal.NewSecretDir(filepath.Join(t.TempDir(), "ballot-polls"))
	if err != nil {
		t.Fatal(err)
	}
	opt := bolt.Options{BallotKey: &testKey, PollSecrets: secrets}
	ctx := t.Context()
	s, err := bolt.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	sp := func(poll string) storage.BoxSpec {
		return storage.BoxSpec{Poll: poll, Secret: true, Choices: []string{"yes", "no"}}
	}
	for _, p := range []string{"p", "q", "lost"} {
		if err := s.OpenBox(ctx, "m", sp(p)); err != nil {
			t.Fatal(err)
		}
		if r, err := s.Cast(ctx, "m", storage.Ballot{Poll: p, Voter: "v", BallotID: "b", Choice: "yes"}, []byte("ballot")); err != nil || r.Outcome != storage.Accepted {
			t.Fatalf("Cast = %v, %v", r, err)
		}
	}
	if err := s.OpenBox(ctx, "m", sp("p")); err != nil {
		t.Fatalf("OpenBox again with the same spec: %v", err)
	}
	s.Close()
	// A stale secret, as a crash after a count would leave.
	if _, err := secrets.Make("m", "never-stored"); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir, opt)
	if left, _ := secrets.List(); len(left) != 3 {
		t.Fatalf("secrets after Open = %v, want the 3 open polls'", left)
	}
	if tl, err := s.CloseBox(ctx, "m", "p"); err != nil || tl.Counts["yes"] != 1 {
		t.Fatalf("CloseBox after a restart = %+v, %v", tl, err)
	}
	if _, err := secrets.Get("m", "p"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the counted poll's secret: %v, want it destroyed", err)
	}
	if err := secrets.Delete("m", "lost"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseBox(ctx, "m", "lost"); err == nil || !strings.Contains(err.Error(), "poll secret is missing") {
		t.Fatalf("CloseBox of a box whose secret is lost: %v", err)
	}
	if tl, err := s.CloseBox(ctx, "m", "q"); err != nil || tl.Counts["yes"] != 1 {
		t.Fatalf("CloseBox = %+v, %v", tl, err)
	}
}

// captureFile copies the data file as a backup would, and lists what the
// copy holds by walking its buckets.
func captureFile(tb testing.TB, path string) storagetest.Exposure {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	cp := filepath.Join(tb.TempDir(), "copy.db")
	if err := os.WriteFile(cp, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	db, err := bbolt.Open(cp, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	e := storagetest.Exposure{Files: map[string][]byte{"dais.db": data}}
	var walk func(path []string, b *bbolt.Bucket)
	walk = func(path []string, b *bbolt.Bucket) {
		_ = b.ForEach(func(k, v []byte) error {
			p := append(append([]string{}, path...), string(k))
			if v == nil {
				walk(p, b.Bucket(k))
				return nil
			}
			e.Items = append(e.Items, storagetest.Item{Path: p, Value: append([]byte{}, v...)})
			return nil
		})
	}
	err = db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			walk([]string{string(name)}, b)
			return nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
