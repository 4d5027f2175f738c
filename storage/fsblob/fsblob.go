// Package fsblob stores content-addressed blobs (the PDF files of meetings)
// in a folder: a blob whose sha256 is h lives in <dir>/<h[:2]>/<h>, written
// once and never changed.
//
// An upload streams to a temporary file in the same folder while it is
// hashed, is fsynced, and is then renamed into place, so a reader never sees
// a partial blob and a failed upload leaves nothing behind (a crash may
// leave a temporary file, which New removes once it is a day old).
//
// Concurrency: a Store is safe for concurrent use, also by several
// processes sharing the folder: its only state is the folder and read-only
// options, and concurrent uploads of the same content each rename a
// complete copy into place. It starts no goroutines. A file returned by
// OpenBlob is for one goroutine at a time.
package fsblob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dais-meeting/dais/storage"
)

var _ storage.Blobs = (*Store)(nil)

// ErrTooLarge is returned by PutBlob for content longer than the store's
// maximum size; nothing is stored.
var ErrTooLarge = errors.New("fsblob: blob too large")

// tempPrefix starts the names of uploads in progress, which sit directly in
// the store's folder (blobs sit in sub-folders).
const tempPrefix = ".upload-"

// staleTemp is the age after which New removes a temporary file left by a
// crash.
const staleTemp = 24 * time.Hour

// Store is a folder of content-addressed blobs.
type Store struct {
	dir     string
	maxSize int64 // 0: no limit
}

// Option changes a Store made by New.
type Option func(*Store)

// MaxSize limits a blob to n bytes; PutBlob refuses longer content with
// ErrTooLarge. Zero or less: no limit (the default).
func MaxSize(n int64) Option {
	return func(s *Store) { s.maxSize = max(n, 0) }
}

// New returns the store of the folder dir, creating the folder if needed,
// and removes the temporary files of uploads that a crash interrupted more
// than a day ago.
func New(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, errors.New("fsblob: empty folder name")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("fsblob: create folder: %w", err)
	}
	s := &Store{dir: dir}
	for _, o := range opts {
		o(s)
	}
	s.removeStaleTemps()
	return s, nil
}

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

func (s *Store) removeStaleTemps() {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
			_ = os.Remove(filepath.Join(s.dir, e.Name()))
		}
	}
}

// PutBlob stores the content of r and returns its sha256 and size. Content
// that is stored already is not stored again. A reader error, a cancelled
// ctx (checked between reads) or content over the maximum size gives an
// error and leaves nothing behind.
func (s *Store) PutBlob(ctx context.Context, r io.Reader) (info storage.BlobInfo, err error) {
	if err := ctx.Err(); err != nil {
		return storage.BlobInfo{}, fmt.Errorf("fsblob: put: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return storage.BlobInfo{}, fmt.Errorf("fsblob: put: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		if tmp != nil {
			_ = tmp.Close()
		}
		if err != nil {
			_ = os.Remove(tmpName)
		}
	}()

	h := sha256.New()
	src := &ctxReader{ctx: ctx, r: r}
	var n int64
	if s.maxSize > 0 {
		n, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(src, s.maxSize+1))
		if err == nil && n > s.maxSize {
			err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, s.maxSize)
		}
	} else {
		n, err = io.Copy(io.MultiWriter(tmp, h), src)
	}
	if err != nil {
		return storage.BlobInfo{}, fmt.Errorf("fsblob: put: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return storage.BlobInfo{}, fmt.Errorf("fsblob: put: sync: %w", err)
	}
	err = tmp.Close()
	tmp = nil
	if err != nil {
		return storage.BlobInfo{}, fmt.Errorf("fsblob: put: %w", err)
	}

	info = storage.BlobInfo{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	final := s.path(info.SHA256)
	if _, statErr := os.Stat(final); statErr == nil {
		_ = os.Remove(tmpName)
		return info, nil
	}
	sub := filepath.Dir(final)
	if err = os.MkdirAll(sub, 0o750); err != nil {
		return storage.BlobInfo{}, fmt.Errorf("fsblob: put: %w", err)
	}
	if err = os.Rename(tmpName, final); err != nil {
		return storage.BlobInfo{}, fmt.Errorf("fsblob: put: %w", err)
	}
	// Make the new name durable too.
	if err = syncDir(sub); err != nil {
		return storage.BlobInfo{}, fmt.Errorf("fsblob: put: sync folder: %w", err)
	}
	return info, nil
}

// OpenBlob opens the blob named sha (64 lowercase hex digits) for reading
// and seeking; the result is an *os.File. Any other name, or a blob that is
// not there, gives storage.ErrNotFound.
func (s *Store) OpenBlob(ctx context.Context, sha string) (io.ReadSeekCloser, storage.BlobInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, storage.BlobInfo{}, fmt.Errorf("fsblob: open: %w", err)
	}
	if !ValidName(sha) {
		return nil, storage.BlobInfo{}, fmt.Errorf("fsblob: open %q: %w", sha, storage.ErrNotFound)
	}
	f, err := os.Open(s.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, storage.BlobInfo{}, fmt.Errorf("fsblob: open %s: %w", sha, storage.ErrNotFound)
	}
	if err != nil {
		return nil, storage.BlobInfo{}, fmt.Errorf("fsblob: open: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, storage.BlobInfo{}, fmt.Errorf("fsblob: open: %w", err)
	}
	return f, storage.BlobInfo{SHA256: sha, Size: st.Size()}, nil
}

// ValidName reports whether name is a blob name: 64 lowercase hex digits.
func ValidName(name string) bool {
	if len(name) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (s *Store) path(sha string) string {
	return filepath.Join(s.dir, sha[:2], sha)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// ctxReader stops reading once its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
