// Package backup is the file a backup of a Dais store (or a meeting's
// archive, package meeting/archive) is written to: a tar
// stream of named entries (the embedded store's bbolt copy, a Redis
// deployment's keys, the documents' blobs) closed by a manifest that gives
// every entry's size and sha256. A reader checks every entry against the
// manifest before anything is restored from it: a file cut short, edited or
// from another program is refused as a whole.
//
// What a backup never holds: the ballot key (it seals the secret ballots of
// the polls open at the time of the backup; keep it apart — a restored store
// closes those polls only with the same key), the TLS keys, the cache of
// watermarked copies (made again on demand).
package backup

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// Format is the version of the backup file this package writes.
const Format = 1

// ManifestName is the last entry of every backup file.
const ManifestName = "dais-backup.json"

// Kinds of store a backup is taken from.
const (
	KindEmbedded = "embedded" // bbolt and a blob folder
	KindRedis    = "redis"    // a Redis deployment's keys
	KindArchive  = "archive"  // one meeting's archive (package meeting/archive)
)

// Manifest describes a backup file.
type Manifest struct {
	Format  int       `json:"format"`
	Kind    string    `json:"kind"`
	Created time.Time `json:"created"`
	// Meetings lists the meetings the store held.
	Meetings []string `json:"meetings"`
	Entries  []Entry  `json:"entries"`
	// Notes says what the backup could not copy (a blob removed while it
	// was taken), for the operator.
	Notes []string `json:"notes,omitempty"`
}

// Entry is one file of a backup.
type Entry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Writer writes a backup file.
type Writer struct {
	tw       *tar.Writer
	manifest Manifest
	names    map[string]bool
	now      time.Time
}

// NewWriter starts a backup of a store of the given kind on w.
func NewWriter(w io.Writer, kind string) *Writer {
	now := time.Now().UTC().Truncate(time.Second)
	return &Writer{tw: tar.NewWriter(w), manifest: Manifest{Format: Format, Kind: kind, Created: now}, names: map[string]bool{}, now: now}
}

// Add writes an entry of size bytes read from r.
func (w *Writer) Add(name string, size int64, r io.Reader) error {
	return w.AddFunc(name, size, func(dst io.Writer) error {
		_, err := io.Copy(dst, r)
		return err
	})
}

// AddFunc writes an entry of size bytes that write writes.
func (w *Writer) AddFunc(name string, size int64, write func(io.Writer) error) error {
	if err := checkName(name); err != nil {
		return err
	}
	if w.names[name] {
		return fmt.Errorf("backup: entry %q written twice", name)
	}
	w.names[name] = true
	if err := w.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o600, ModTime: w.now, Format: tar.FormatPAX}); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(w.tw, h)}
	if err := write(cw); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	if cw.n != size {
		return fmt.Errorf("backup: %s: %d bytes, %d announced", name, cw.n, size)
	}
	w.manifest.Entries = append(w.manifest.Entries, Entry{Name: name, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// SetMeetings records the meetings the store held.
func (w *Writer) SetMeetings(ids []string) { w.manifest.Meetings = append([]string(nil), ids...) }

// Note records something the backup could not copy.
func (w *Writer) Note(format string, args ...any) {
	w.manifest.Notes = append(w.manifest.Notes, fmt.Sprintf(format, args...))
}

// Close writes the manifest and ends the tar stream. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	data, err := json.MarshalIndent(w.manifest, "", "  ")
	if err != nil {
		return err
	}
	if err := w.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: ManifestName, Size: int64(len(data)), Mode: 0o600, ModTime: w.now, Format: tar.FormatPAX}); err != nil {
		return fmt.Errorf("backup: manifest: %w", err)
	}
	if _, err := w.tw.Write(data); err != nil {
		return fmt.Errorf("backup: manifest: %w", err)
	}
	return w.tw.Close()
}

// checkName allows the relative, clean, slash-separated names this package
// writes: nothing that could leave a restore folder.
func checkName(name string) error {
	if name == "" || name == ManifestName || strings.HasPrefix(name, "/") || path.Clean(name) != name ||
		name == ".." || strings.HasPrefix(name, "../") || strings.ContainsAny(name, "\\\x00") {
		return fmt.Errorf("backup: bad entry name %q", name)
	}
	return nil
}

// ErrInvalid is a file that is not a complete, unaltered Dais backup.
var ErrInvalid = errors.New("not a complete Dais backup")

// Verify reads a whole backup file and checks every entry against the
// manifest: the same names, sizes and digests, in the same order, and a
// manifest of a known format. It returns the manifest.
func Verify(r io.Reader) (Manifest, error) {
	var (
		seen []Entry
		m    Manifest
		got  bool
	)
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if got {
			return m, fmt.Errorf("%w: an entry after the manifest", ErrInvalid)
		}
		if hdr.Typeflag != tar.TypeReg {
			return m, fmt.Errorf("%w: entry %q is not a file", ErrInvalid, hdr.Name)
		}
		if hdr.Name == ManifestName {
			if hdr.Size > 64<<20 {
				return m, fmt.Errorf("%w: a manifest of %d bytes", ErrInvalid, hdr.Size)
			}
			if err := json.NewDecoder(tr).Decode(&m); err != nil {
				return m, fmt.Errorf("%w: manifest: %v", ErrInvalid, err)
			}
			got = true
			continue
		}
		if err := checkName(hdr.Name); err != nil {
			return m, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		h := sha256.New()
		n, err := io.Copy(h, tr)
		if err != nil {
			return m, fmt.Errorf("%w: %s: %v", ErrInvalid, hdr.Name, err)
		}
		seen = append(seen, Entry{Name: hdr.Name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	switch {
	case !got:
		return m, fmt.Errorf("%w: no manifest (the file is cut short?)", ErrInvalid)
	case m.Format != Format:
		return m, fmt.Errorf("%w: format %d, this program reads %d", ErrInvalid, m.Format, Format)
	case m.Kind != KindEmbedded && m.Kind != KindRedis && m.Kind != KindArchive:
		return m, fmt.Errorf("%w: unknown kind %q", ErrInvalid, m.Kind)
	case len(seen) != len(m.Entries):
		return m, fmt.Errorf("%w: %d entries, the manifest lists %d", ErrInvalid, len(seen), len(m.Entries))
	}
	for i, e := range m.Entries {
		if seen[i] != e {
			return m, fmt.Errorf("%w: entry %q does not match the manifest", ErrInvalid, seen[i].Name)
		}
	}
	return m, nil
}

// Each calls fn with every entry of a backup file but the manifest, in
// order, with a reader of its content. Run it on a file Verify accepted.
func Each(r io.Reader, fn func(name string, size int64, r io.Reader) error) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if hdr.Name == ManifestName {
			continue
		}
		if err := checkName(hdr.Name); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if err := fn(hdr.Name, hdr.Size, tr); err != nil {
			return err
		}
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
