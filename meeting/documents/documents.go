// Package documents is the use case around a meeting's PDF documents: a
// secretary uploads one (streamed to a temporary file under a hard size cap,
// validated by the PDF engine, stored once by content in blob storage,
// registered in the meeting with AddDocument); a participant opens one they
// may read (a public document is the stored blob itself, a confidential one
// is a copy watermarked with the reader's name, made on first request and
// kept in a cache folder); a secretary prepares every reader's copy ahead
// of the meeting; a reader downloads the agenda packet and their annotated
// copy of a document (their private annotations and the room's shared ones
// flattened in), the chair or a secretary the minutes and the ballot record.
//
// Who may read what is the domain's rule (meeting.State.CanRead); roles
// are read from the meeting's current state, never from the session alone.
//
// Cache layout (everything under the cache folder can be deleted at any
// time; it is rebuilt on demand):
//
//	tmp/                                  uploads being received
//	copies/<doc sha>/<reader>.<mark>.pdf  watermarked copies; <mark> is a hash
//	                                      of the watermark text, so a changed
//	                                      seat or name makes a new copy
//	packets/<meeting>/<reader>.<key>.pdf  packets; <key> hashes the agenda,
//	                                      the documents and the watermark
//	annotated/<doc sha>/<reader>.<key>.pdf annotated copies; <key> hashes the
//	                                      copy's ETag and the annotations
//
// Files are written to a temporary name and renamed into place, so a reader
// never sees half a file.
//
// Concurrency: a *Documents is safe for concurrent use. Concurrent first
// requests for the same copy or packet make it once (the others wait for
// it). Preparation jobs run on goroutines owned by the Documents value, at
// most Config.Workers copies at a time per job; Close cancels them and waits.
package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/prescan"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
)

// Engine is the PDF work this package needs; *pdf.Engine is one.
type Engine interface {
	// Config returns the engine's limits (MaxBytes bounds an upload).
	Config() pdf.Config
	Validate(ctx context.Context, r io.ReadSeeker) (pdf.Info, error)
	// Sanitize rewrites a validated PDF without its active content.
	Sanitize(ctx context.Context, r io.ReadSeeker, w io.Writer) (prescan.Active, error)
	Watermark(ctx context.Context, src io.ReadSeeker, dst io.Writer, text string) error
	Packet(ctx context.Context, dst io.Writer, items []pdf.PacketItem) error
	Minutes(ctx context.Context, dst io.Writer, s *meeting.State, lang string) error
	// MinutesWith is Minutes listing the conclusions of each agenda item.
	MinutesWith(ctx context.Context, dst io.Writer, s *meeting.State, lang string, conclusions []pdf.MinutesConclusion) error
	CountingMinutes(ctx context.Context, dst io.Writer, in pdf.CountingInput, lang string) error
	Annotate(ctx context.Context, src io.ReadSeeker, dst io.Writer, anns []meeting.Annotation) error
	CopyRegister(ctx context.Context, dst io.Writer, r meeting.Register, lang string, loc *time.Location, made time.Time) error
	// CommentTablePDF writes a draft's table of comments.
	CommentTablePDF(ctx context.Context, dst io.Writer, t pdf.CommentTable, lang string, loc *time.Location, made time.Time) error
	// PageWords reads the words of each page (the comparison of versions).
	PageWords(ctx context.Context, r io.ReadSeeker) ([][]string, error)
}

var _ Engine = (*pdf.Engine)(nil)

// Meetings runs commands and reads states; *service.Service is one.
type Meetings interface {
	// Execute runs cmd as actor; refusals are *meeting.Error values.
	Execute(ctx context.Context, meetingID string, actor meeting.Actor, cmd meeting.Command) ([]meeting.Event, error)
	// State returns a copy of the meeting's current state that the caller
	// may keep and read without locking.
	State(ctx context.Context, meetingID string) (*meeting.State, error)
}

var _ Meetings = (*service.Service)(nil)

// Config tunes a Documents value. Each zero value means the default named
// beside it.
type Config struct {
	// MaxBytes is the largest upload accepted (0: the engine's MaxBytes).
	MaxBytes int64
	// Workers is how many copies one preparation job makes at a time (0: 2).
	// The engine bounds the PDF work of the whole process on its own.
	Workers int
	// Location is the time zone in which the meeting's date is written in
	// watermarks (nil: Vietnam, UTC+7).
	Location *time.Location
	// MaxCacheBytes bounds the cache folder: above it the least recently
	// used copies, packets and annotated copies are removed (0: 10 GiB).
	MaxCacheBytes int64
	// PruneEvery is how often the cache is checked (0: 10 minutes;
	// negative: never, for tests that call Prune themselves).
	PruneEvery time.Duration
	// PruneMinAge spares files used more recently than this (0: 10 minutes).
	PruneMinAge time.Duration
}

// Documents serves a node's meeting documents. Make it with New and Close
// it when done.
type Documents struct {
	cfg      Config
	blobs    storage.Blobs
	engine   Engine
	meetings Meetings
	dir      string
	log      *slog.Logger

	ctx    context.Context // the lifecycle: Close cancels it
	cancel context.CancelFunc

	flights flights

	cacheBytes atomic.Int64 // the cache's size as the last Prune found it

	// conclusions lists a meeting's conclusions for its minutes
	// (SetConclusions); nil: none.
	conclusions atomic.Pointer[ConclusionsFunc]

	mu     sync.Mutex // guards jobs, closed and wg.Add against Close
	jobs   map[string]*job
	closed bool
	wg     sync.WaitGroup // preparation jobs and their workers
}

// ConclusionsFunc lists the conclusions and resolutions of a meeting as its
// minutes list them (meeting/conclusions keeps them; cmd/daisd wires it).
type ConclusionsFunc func(ctx context.Context, meetingID string) ([]pdf.MinutesConclusion, error)

// SetConclusions makes the minutes list the conclusions f returns.
func (d *Documents) SetConclusions(f ConclusionsFunc) { d.conclusions.Store(&f) }

// New returns a Documents value that stores blobs in blobs, does PDF work
// with engine, reads and changes meetings through meetings and keeps its
// cache under cacheDir (created if missing). A nil log means slog.Default().
func New(cfg Config, blobs storage.Blobs, engine Engine, meetings Meetings, cacheDir string, log *slog.Logger) (*Documents, error) {
	if blobs == nil || engine == nil || meetings == nil {
		return nil, errors.New("documents: blobs, engine and meetings are required")
	}
	if cacheDir == "" {
		return nil, errors.New("documents: a cache folder is required")
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = engine.Config().MaxBytes
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("ICT", 7*60*60)
	}
	if cfg.MaxCacheBytes <= 0 {
		cfg.MaxCacheBytes = 10 << 30
	}
	if cfg.PruneEvery == 0 {
		cfg.PruneEvery = 10 * time.Minute
	}
	if cfg.PruneMinAge <= 0 {
		cfg.PruneMinAge = 10 * time.Minute
	}
	if log == nil {
		log = slog.Default()
	}
	for _, sub := range []string{"tmp", "copies", "packets"} {
		if err := os.MkdirAll(filepath.Join(cacheDir, sub), 0o750); err != nil {
			return nil, fmt.Errorf("documents: create cache folder: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Documents{
		cfg: cfg, blobs: blobs, engine: engine, meetings: meetings, dir: cacheDir, log: log,
		ctx: ctx, cancel: cancel, jobs: map[string]*job{},
	}
	if cfg.PruneEvery > 0 {
		d.wg.Add(1)
		go d.janitor()
	}
	return d, nil
}

// Close stops the preparation jobs and waits for them. Requests in flight
// are the HTTP server's to drain. Close may be called more than once.
func (d *Documents) Close() error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
	return nil
}

// File is a document ready to be served: a PDF to read from its start,
// with what HTTP caching needs. The caller closes it.
type File struct {
	io.ReadSeekCloser
	// Name is a file name to suggest to the browser, e.g. "Báo cáo.pdf".
	Name string
	// ETag is an opaque validator (without quotes): it changes whenever the
	// bytes would.
	ETag string
	// ModTime is when the bytes were made; zero if unknown.
	ModTime time.Time
	// Personal says the bytes were made for one reader (a watermarked
	// copy, an annotated copy, a packet): no cache but the reader's own
	// may keep them, and a shared tablet must not show them to the next.
	Personal bool
}

// participant returns the session's participant in st, refusing a session
// of another meeting or of someone no longer in it.
func participant(st *meeting.State, sess access.Session) (*meeting.Participant, error) {
	p := st.Participant(sess.Participant)
	if p == nil || st.ID != sess.Meeting {
		return nil, meeting.Errorf(meeting.Unauthorized,
			"Phiên đăng nhập không còn thuộc hội nghị này; xin đăng nhập lại.",
			"the session no longer belongs to this meeting; sign in again")
	}
	return p, nil
}

// state reads the session's meeting.
func (d *Documents) state(ctx context.Context, sess access.Session) (*meeting.State, *meeting.Participant, error) {
	st, err := d.meetings.State(ctx, sess.Meeting)
	if err != nil {
		return nil, nil, err
	}
	if !st.Exists() {
		return nil, nil, meeting.Errorf(meeting.NotFound, "Không có hội nghị %q.", "no meeting %q", sess.Meeting)
	}
	p, err := participant(st, sess)
	if err != nil {
		return nil, nil, err
	}
	return st, p, nil
}

// document returns the document docID of st, or NotFound.
func document(st *meeting.State, docID string) (*meeting.Document, error) {
	doc := st.Documents[docID]
	if doc == nil {
		return nil, meeting.Errorf(meeting.NotFound, "Không có tài liệu %q trong hội nghị này.", "no document %q in this meeting", docID)
	}
	return doc, nil
}

// fileName turns an id into a file name: itself when it is shaped like a
// meeting id (no dot, so never "." or ".."), a hash of it otherwise.
func fileName(id string) string {
	if meeting.ValidMeetingID(id) {
		return id
	}
	return "h" + shortHash(id)
}

// shortHash is the first 16 hex digits of the sha256 of the parts.
func shortHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// writeAtomically makes path by calling fill on a temporary file in the same
// folder and renaming it into place; on failure nothing is left behind.
func writeAtomically(path string, fill func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("documents: create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("documents: create temporary file: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("documents: write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("documents: rename into %s: %w", path, err)
	}
	ok = true
	return nil
}

// openFile opens a cached file (always one reader's) as a File, and marks
// it used (see Prune).
func openFile(path, name, etag string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	markUsed(path, fi, time.Now())
	return &File{ReadSeekCloser: f, Name: name, ETag: etag, ModTime: fi.ModTime(), Personal: true}, nil
}

// unavailable wraps a storage or disk failure as an Unavailable error; a
// *meeting.Error is returned as it is.
func unavailable(err error, vi, en string) error {
	var me *meeting.Error
	if errors.As(err, &me) {
		return err
	}
	return &meeting.Error{
		Code:      meeting.Unavailable,
		Message:   en + "; try again later (" + err.Error() + ")",
		MessageVI: vi + "; vui lòng thử lại sau.",
	}
}
