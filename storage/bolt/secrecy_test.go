package bolt_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/storagetest"
)

// TestSecrecy runs the ballot-secrecy attack on copies of the bbolt file
// taken after every ballot.
func TestSecrecy(t *testing.T) {
	storagetest.RunSecrecy(t, func(t *testing.T) storagetest.Exposed {
		s := mustOpen(t, t.TempDir(), bolt.Options{BallotKey: &testKey})
		return storagetest.Exposed{Store: s, Key: testKey, Capture: func(tb testing.TB) storagetest.Exposure {
			return captureFile(tb, s.Path())
		}}
	})
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
