package bolt

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
	"slices"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage/backup"
	"github.com/dais-meeting/dais/storage/fsblob"
)

// Names of the entries of an embedded store's backup.
const (
	backupDB    = "embedded/dais.db"
	backupBlobs = "blobs/"
)

// Backup writes a consistent copy of the store to bw while it serves: the
// bbolt file as one read transaction sees it (ballots cast meanwhile are
// in the next backup, never half in this one), then every blob — blobs
// are written before any event names them and never change, so each blob
// the copied log names is there.
func (s *Store) Backup(ctx context.Context, bw *backup.Writer) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: backup: %w", err)
	}
	ids, err := s.Meetings(ctx)
	if err != nil {
		return fmt.Errorf("storage/bolt: backup: %w", err)
	}
	bw.SetMeetings(ids)
	if err := s.db.View(func(tx *bbolt.Tx) error {
		return bw.AddFunc(backupDB, tx.Size(), func(w io.Writer) error {
			_, err := tx.WriteTo(w)
			return err
		})
	}); err != nil {
		return fmt.Errorf("storage/bolt: backup: %w", err)
	}
	return backupBlobFolder(ctx, s.blobs.Dir(), bw)
}

// backupBlobFolder adds every blob of an fsblob folder (dir/xx/<sha256>).
func backupBlobFolder(ctx context.Context, dir string, bw *backup.Writer) error {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && fsblob.ValidName(d.Name()) && filepath.Base(filepath.Dir(path)) == d.Name()[:2] {
			names = append(names, d.Name())
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: backup: listing blobs: %w", err)
	}
	slices.Sort(names)
	for _, sha := range names {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("storage/bolt: backup: %w", err)
		}
		f, err := os.Open(filepath.Join(dir, sha[:2], sha))
		if errors.Is(err, fs.ErrNotExist) {
			bw.Note("blob %s was removed while the backup was taken", sha)
			continue
		}
		if err != nil {
			return fmt.Errorf("storage/bolt: backup: %w", err)
		}
		st, err := f.Stat()
		if err == nil {
			err = bw.Add(backupBlobs+sha, st.Size(), f)
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("storage/bolt: backup: blob %s: %w", sha, err)
		}
	}
	return nil
}

// ErrNotEmpty is a restore into a store that holds data already.
var ErrNotEmpty = errors.New("the store to restore into is not empty")

// Restore loads the embedded-store backup in r into folder dir, which
// must hold no store yet. The whole file is checked against its manifest
// first; then the bbolt file is written beside its final name and renamed
// into place last, after the blobs (each checked against its name), so an
// interrupted restore leaves no store behind.
func Restore(dir string, r io.ReadSeeker) (backup.Manifest, error) {
	m, err := backup.Verify(r)
	if err != nil {
		return m, err
	}
	if m.Kind != backup.KindEmbedded {
		return m, fmt.Errorf("storage/bolt: restore: a backup of a %s store, not of an embedded one", m.Kind)
	}
	final := filepath.Join(dir, "dais.db")
	if _, err := os.Stat(final); err == nil {
		return m, fmt.Errorf("storage/bolt: restore into %s: %w", dir, ErrNotEmpty)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return m, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "blobs"), 0o750); err != nil {
		return m, fmt.Errorf("storage/bolt: restore: %w", err)
	}
	tmp := final + ".restoring"
	defer os.Remove(tmp)
	sawDB := false
	err = backup.Each(r, func(name string, size int64, src io.Reader) error {
		switch {
		case name == backupDB:
			sawDB = true
			return writeFile(tmp, src, "")
		case strings.HasPrefix(name, backupBlobs):
			sha := strings.TrimPrefix(name, backupBlobs)
			if !fsblob.ValidName(sha) {
				return fmt.Errorf("storage/bolt: restore: bad blob name %q", name)
			}
			if err := os.MkdirAll(filepath.Join(dir, "blobs", sha[:2]), 0o750); err != nil {
				return err
			}
			return writeFile(filepath.Join(dir, "blobs", sha[:2], sha), src, sha)
		}
		return fmt.Errorf("storage/bolt: restore: unknown entry %q", name)
	})
	if err != nil {
		return m, err
	}
	if !sawDB {
		return m, fmt.Errorf("storage/bolt: restore: %w: no %s", backup.ErrInvalid, backupDB)
	}
	if err := os.Rename(tmp, final); err != nil {
		return m, fmt.Errorf("storage/bolt: restore: %w", err)
	}
	return m, syncFolder(dir)
}

// writeFile writes src to path durably; with a non-empty sha256 the content
// must have that digest.
func writeFile(path string, src io.Reader, sha string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), src); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if sha != "" && hex.EncodeToString(h.Sum(nil)) != sha {
		os.Remove(path)
		return fmt.Errorf("storage/bolt: restore: blob %s does not have that content", sha)
	}
	return nil
}

func syncFolder(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
