package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/pdf/prescan"
)

// The private names under which DejaVu Sans is installed. A private name
// keeps our font apart from a subset of DejaVu that an uploaded PDF may
// already embed (pdfcpu fails to stamp when the names collide).
const (
	fontRegular = "DaisSans"
	fontBold    = "DaisSansBold"
)

// Defaults of Config.
const (
	DefaultMaxBytes       = 100 << 20
	DefaultMaxPages       = 2000
	DefaultTimeout        = 30 * time.Second
	DefaultConcurrency    = 2
	DefaultMaxStreamBytes = 256 << 20
)

// Config bounds what the Engine accepts and how much work it does at once.
// Each zero value means the default named beside it.
type Config struct {
	// MaxBytes is the largest PDF accepted, in bytes (0: 100 MiB).
	MaxBytes int64
	// MaxPages is the most pages a PDF may have (0: 2,000).
	MaxPages int
	// Timeout bounds each operation, waiting for a slot included (0: 30 s).
	Timeout time.Duration
	// Concurrency is how many heavy operations run at once (0: 2).
	Concurrency int
	// MaxStreamBytes is the most bytes one stream of an uploaded PDF may
	// inflate to (0: 256 MiB).
	MaxStreamBytes int64
	// Limits bounds the pre-scan of an uploaded PDF (nesting, decoded
	// bytes, objects, filters, images; zero fields: prescan.DefaultLimits,
	// and MaxStreamBytes above for one stream). See docs/security.md
	// ("Hostile PDFs").
	Limits prescan.Limits
	// FontDir is the folder where pdfcpu's font files are kept ("": a
	// private temporary folder, removed when the last Engine closes). Only
	// the first Engine of the process sets it.
	FontDir string
}

func (c *Config) setDefaults() {
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxPages <= 0 {
		c.MaxPages = DefaultMaxPages
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.MaxStreamBytes <= 0 {
		c.MaxStreamBytes = DefaultMaxStreamBytes
	}
}

// Engine does Dais's PDF work. Make one per process with New and Close it
// when done; it is safe for concurrent use.
type Engine struct {
	cfg Config
	sem chan struct{}

	mu     sync.Mutex // guards closed and wg.Add against Close
	closed bool
	wg     sync.WaitGroup // the operations' goroutines
}

// New returns an Engine with cfg (defaults filled in). The first Engine of
// the process sets pdfcpu up: no configuration folder, DejaVu Sans installed
// under a private name.
func New(cfg Config) (*Engine, error) {
	cfg.setDefaults()
	if err := acquirePDFCPU(cfg.FontDir); err != nil {
		return nil, fmt.Errorf("pdf: set up pdfcpu: %w", err)
	}
	return &Engine{cfg: cfg, sem: make(chan struct{}, cfg.Concurrency)}, nil
}

// Config returns the Engine's configuration with its defaults filled in.
func (e *Engine) Config() Config { return e.cfg }

// Close refuses new operations, waits for the running ones (including those
// whose callers gave up after a timeout) and releases pdfcpu's set-up when
// it is the last Engine. It may be called more than once.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()
	e.wg.Wait()
	return releasePDFCPU()
}

// opKind says how a failure of an operation is reported.
type opKind int

const (
	// opInput works on a PDF somebody gave us: failures are Invalid.
	opInput opKind = iota
	// opOutput writes a PDF of our own: failures are Internal.
	opOutput
)

// do runs fn on a goroutine owned by e, within a concurrency slot and the
// configured timeout. fn must work only on memory it owns: when do returns
// early (timeout, cancellation) fn keeps running until it finishes, holding
// its slot, and Close waits for it. A panic in fn becomes an error.
func (e *Engine) do(ctx context.Context, what string, kind opKind, fn func() error) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return e.stopped(ctx, what, kind)
	}
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return e.stopped(ctx, what, kind)
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		<-e.sem
		return meeting.Errorf(meeting.Unavailable, "Bộ xử lý PDF đã đóng (%s).", "the PDF engine is closed (%s)", what)
	}
	e.wg.Add(1)
	e.mu.Unlock()

	done := make(chan error, 1)
	go func() {
		defer e.wg.Done()
		defer func() { <-e.sem }()
		done <- protect(what, kind, fn)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return e.stopped(ctx, what, kind)
	}
}

// stopped is the error of an operation whose context ended.
func (e *Engine) stopped(ctx context.Context, what string, kind opKind) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		if kind == opInput && what == "validate" {
			return meeting.Errorf(meeting.Invalid,
				"Tệp PDF quá phức tạp: việc kiểm tra vượt quá thời gian cho phép (%v).",
				"the PDF is too complex: checking it took longer than allowed (%v)", e.cfg.Timeout)
		}
		return meeting.Errorf(meeting.Unavailable,
			"Xử lý PDF (%s) vượt quá thời gian cho phép; vui lòng thử lại sau.",
			"PDF work (%s) took longer than allowed; try again later", what)
	}
	return meeting.Errorf(meeting.Unavailable, "Xử lý PDF (%s) đã bị hủy.", "PDF work (%s) was cancelled", what)
}

// protect calls fn and turns a panic into an error.
func protect(what string, kind opKind, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			cause := fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			if kind == opInput {
				err = refuse(cause, "Không thể xử lý tệp PDF (%s): tệp bị hỏng hoặc không được hỗ trợ.",
					"cannot process the PDF (%s): the file is damaged or not supported", what)
				return
			}
			err = failure(cause, what)
		}
	}()
	return fn()
}

// refuse returns an Invalid *meeting.Error whose English message ends with
// the cause.
func refuse(cause error, vi, en string, args ...any) *meeting.Error {
	e := meeting.Errorf(meeting.Invalid, vi, en, args...)
	if cause != nil {
		e.Message += ": " + firstLine(cause.Error())
	}
	return e
}

// failure returns an Internal *meeting.Error for work on our own output.
func failure(cause error, what string) *meeting.Error {
	e := meeting.Errorf(meeting.Internal, "Lỗi nội bộ khi tạo PDF (%s).", "internal error while making a PDF (%s)", what)
	if cause != nil {
		e.Message += ": " + firstLine(cause.Error())
	}
	return e
}

func firstLine(s string) string {
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// readAll copies r into memory from its start, refusing more than
// e.cfg.MaxBytes.
func (e *Engine) readAll(r io.ReadSeeker) ([]byte, error) {
	if r == nil {
		return nil, meeting.Errorf(meeting.Invalid, "Thiếu tệp PDF.", "no PDF given")
	}
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, refuse(err, "Không đọc được tệp PDF.", "cannot read the PDF")
	}
	if size > e.cfg.MaxBytes {
		return nil, tooLarge(size, e.cfg.MaxBytes)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, refuse(err, "Không đọc được tệp PDF.", "cannot read the PDF")
	}
	b, err := io.ReadAll(io.LimitReader(r, e.cfg.MaxBytes+1))
	if err != nil {
		return nil, refuse(err, "Không đọc được tệp PDF.", "cannot read the PDF")
	}
	if int64(len(b)) > e.cfg.MaxBytes {
		return nil, tooLarge(int64(len(b)), e.cfg.MaxBytes)
	}
	return b, nil
}

func tooLarge(size, max int64) *meeting.Error {
	return meeting.Errorf(meeting.Invalid,
		"Tệp PDF quá lớn (%.1f MB); giới hạn là %.1f MB.",
		"the PDF is too large (%.1f MB); the limit is %.1f MB", float64(size)/(1<<20), float64(max)/(1<<20))
}

// newConf returns a fresh pdfcpu configuration: pdfcpu writes into the one
// it is given, so no two calls share one.
func (e *Engine) newConf() *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Offline = true
	conf.Limits.MaxDecodeBytes = e.cfg.MaxStreamBytes
	conf.Limits.MaxStreamBytes = e.cfg.MaxStreamBytes
	// What the pre-scan let through stays within these; they are
	// pdfcpu's own guard should a file reach it another way.
	l := e.scanLimits()
	conf.Limits.MaxObjectCount = max(l.MaxObjects, prescan.DefaultLimits().MaxObjects) + 1
	conf.Limits.MaxXRefEntries = conf.Limits.MaxObjectCount
	conf.Limits.MaxObjectStreamCount = conf.Limits.MaxObjectCount
	return conf
}

// The process-wide pdfcpu set-up, counted by the Engines that use it.
var pdfcpuSetup struct {
	sync.Mutex
	refs  int
	dir   string
	owned bool // dir was made by us and is removed by the last release
}

// acquirePDFCPU sets pdfcpu up for the first Engine; later ones share it.
func acquirePDFCPU(dir string) (err error) {
	s := &pdfcpuSetup
	s.Lock()
	defer s.Unlock()
	if s.refs > 0 {
		s.refs++
		return nil
	}
	owned := false
	if dir == "" {
		if dir, err = os.MkdirTemp("", "dais-pdf-fonts-"); err != nil {
			return err
		}
		owned = true
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer func() {
		if err != nil && owned {
			os.RemoveAll(dir)
		}
	}()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	api.DisableConfigDir()
	if err := installFont(dir, fontRegular, dejavusans.TTF); err != nil {
		return err
	}
	if err := installFont(dir, fontBold, dejavusansbold.TTF); err != nil {
		return err
	}
	font.UserFontDir = dir
	if err := font.ReloadUserFonts(); err != nil {
		return fmt.Errorf("load fonts from %s: %w", dir, err)
	}
	for _, name := range []string{fontRegular, fontBold} {
		ok, err := font.IsUserFont(name)
		if err != nil || !ok {
			return fmt.Errorf("font %s not available after installing it (%v)", name, err)
		}
	}
	s.refs, s.dir, s.owned = 1, dir, owned
	return nil
}

// installFont installs ttf in dir as name.gob. pdfcpu names the file after
// the font's PostScript name, so it is installed in a staging folder and
// renamed.
func installFont(dir, name string, ttf []byte) error {
	staging, err := os.MkdirTemp(dir, ".install-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	if err := font.InstallFontFromBytesQuiet(staging, name, ttf); err != nil {
		return fmt.Errorf("install font %s: %w", name, err)
	}
	entries, err := os.ReadDir(staging)
	if err != nil {
		return err
	}
	if len(entries) != 1 {
		return fmt.Errorf("install font %s: expected one file, found %d", name, len(entries))
	}
	return os.Rename(filepath.Join(staging, entries[0].Name()), filepath.Join(dir, name+".gob"))
}

// releasePDFCPU undoes acquirePDFCPU when the last Engine closes.
func releasePDFCPU() error {
	s := &pdfcpuSetup
	s.Lock()
	defer s.Unlock()
	s.refs--
	if s.refs > 0 {
		return nil
	}
	s.refs = 0
	if s.owned {
		if err := os.RemoveAll(s.dir); err != nil {
			return fmt.Errorf("pdf: remove font folder: %w", err)
		}
	}
	s.dir, s.owned = "", false
	return nil
}
