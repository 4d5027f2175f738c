package fsblob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/fsblob"
)

func mustNew(tb testing.TB, dir string, opts ...fsblob.Option) *fsblob.Store {
	tb.Helper()
	s, err := fsblob.New(dir, opts...)
	if err != nil {
		tb.Fatalf("New(%s): %v", dir, err)
	}
	return s
}

func shaOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// files lists the regular files under dir, relative to it.
func files(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("walk %s: %v", dir, err)
	}
	return out
}

func TestLayoutAndDedupe(t *testing.T) {
	dir := t.TempDir()
	s := mustNew(t, dir)
	content := []byte("%PDF-1.7 Nghị quyết")
	for range 2 {
		info, err := s.PutBlob(t.Context(), bytes.NewReader(content))
		if err != nil || info.SHA256 != shaOf(content) || info.Size != int64(len(content)) {
			t.Fatalf("PutBlob = %+v, %v", info, err)
		}
	}
	sha := shaOf(content)
	want := filepath.Join(sha[:2], sha)
	if got := files(t, dir); len(got) != 1 || got[0] != want {
		t.Fatalf("files = %q, want only %q", got, want)
	}
	rc, info, err := s.OpenBlob(t.Context(), sha)
	if err != nil {
		t.Fatalf("OpenBlob: %v", err)
	}
	defer rc.Close()
	if _, ok := rc.(*os.File); !ok {
		t.Fatalf("OpenBlob returned %T, want *os.File", rc)
	}
	if info.Size != int64(len(content)) {
		t.Fatalf("OpenBlob size = %d, want %d", info.Size, len(content))
	}
}

func TestFailuresLeaveNothing(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 10000)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		r       io.Reader
		opts    []fsblob.Option
		wantErr error
	}{
		{"readerError", context.Background(), io.MultiReader(bytes.NewReader(big), iotestErr{}), nil, errBoom},
		{"tooLarge", context.Background(), bytes.NewReader(big), []fsblob.Option{fsblob.MaxSize(9999)}, fsblob.ErrTooLarge},
		{"cancelled", cancelled, bytes.NewReader(big), nil, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := mustNew(t, dir, tt.opts...)
			if _, err := s.PutBlob(tt.ctx, tt.r); !errors.Is(err, tt.wantErr) {
				t.Fatalf("PutBlob err = %v, want %v", err, tt.wantErr)
			}
			if got := files(t, dir); len(got) != 0 {
				t.Fatalf("files left behind: %q", got)
			}
		})
	}
	t.Run("exactlyMaxSize", func(t *testing.T) {
		s := mustNew(t, t.TempDir(), fsblob.MaxSize(10000))
		if info, err := s.PutBlob(t.Context(), bytes.NewReader(big)); err != nil || info.Size != 10000 {
			t.Fatalf("PutBlob of exactly the maximum = %+v, %v", info, err)
		}
	})
}

func TestBadNames(t *testing.T) {
	dir := t.TempDir()
	// A file outside the blob layout that a traversal could reach.
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := mustNew(t, filepath.Join(dir, "blobs"))
	for _, name := range []string{"", "../secret", "../../secret", strings.Repeat("A", 64), strings.Repeat("a", 63), "/etc/passwd"} {
		if _, _, err := s.OpenBlob(t.Context(), name); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("OpenBlob(%q) err = %v, want ErrNotFound", name, err)
		}
	}
	if fsblob.ValidName(strings.Repeat("g", 64)) || !fsblob.ValidName(strings.Repeat("0f", 32)) {
		t.Fatalf("ValidName is wrong about hex")
	}
}

func TestNewRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	stale, fresh := filepath.Join(dir, ".upload-stale"), filepath.Join(dir, ".upload-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	mustNew(t, dir)
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale temporary file still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("fresh temporary file (an upload in progress) removed: %v", err)
	}
}

var errBoom = errors.New("boom")

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errBoom }
