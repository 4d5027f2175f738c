package documents_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
)

const (
	sec   = documentstest.Secretary
	chair = documentstest.Chair
	d1    = documentstest.D1
	d2    = documentstest.D2
)

// wantCode fails unless err is a *meeting.Error with code and both messages.
func wantCode(tb testing.TB, err error, code meeting.Code) *meeting.Error {
	tb.Helper()
	var me *meeting.Error
	if !errors.As(err, &me) {
		tb.Fatalf("error = %v (%T), want a *meeting.Error with code %s", err, err, code)
	}
	if me.Code != code {
		tb.Fatalf("error code = %s (%v), want %s", me.Code, me, code)
	}
	if me.Message == "" || me.MessageVI == "" {
		tb.Fatalf("error %+v lacks a message in English or Vietnamese", me)
	}
	return me
}

// countingEngine is the real engine, counting the watermarks it stamps.
type countingEngine struct {
	documents.Engine
	watermarks atomic.Int64
}

func (c *countingEngine) Watermark(ctx context.Context, src io.ReadSeeker, dst io.Writer, text string) error {
	c.watermarks.Add(1)
	return c.Engine.Watermark(ctx, src, dst, text)
}

// readAll reads a File to its end and closes it.
func readAll(tb testing.TB, f *documents.File) []byte {
	tb.Helper()
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		tb.Fatalf("reading %s: %v", f.Name, err)
	}
	return b
}

func upload(tb testing.TB, fx *documentstest.Fixture, b []byte, title string, confidential bool, readers ...string) meeting.Document {
	tb.Helper()
	doc, err := fx.Docs.Upload(context.Background(), fx.Session(sec), bytes.NewReader(b), title, confidential, readers)
	if err != nil {
		tb.Fatalf("Upload(%q): %v", title, err)
	}
	return doc
}

func TestUpload(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{MaxBytes: 256 << 10}, documents.Config{})
	ctx := context.Background()
	good := fx.Generate(t, "Báo cáo tài chính", 3)

	doc := upload(t, fx, good, "Báo cáo tài chính", false)
	if doc.Pages != 3 || doc.Size != int64(len(good)) || len(doc.SHA256) != 64 || doc.ID != "d"+doc.SHA256[:10] {
		t.Fatalf("uploaded document = %+v", doc)
	}
	if got := fx.State(t).Documents[doc.ID]; got == nil || got.SHA256 != doc.SHA256 {
		t.Fatalf("the meeting does not hold the document: %+v", got)
	}

	t.Run("same bytes and title return the same document", func(t *testing.T) {
		again := upload(t, fx, good, "Báo cáo tài chính", false)
		if again.ID != doc.ID {
			t.Fatalf("re-upload made %s, want %s", again.ID, doc.ID)
		}
	})
	t.Run("same bytes under another title are stored once", func(t *testing.T) {
		other := upload(t, fx, good, "Phụ lục", false)
		if other.ID != doc.ID+"-2" || other.SHA256 != doc.SHA256 {
			t.Fatalf("second title made %+v", other)
		}
		if n := fx.Blobs(t); n != 1 {
			t.Fatalf("%d blobs stored, want 1", n)
		}
	})

	refusals := []struct {
		name string
		who  string
		body []byte
		conf bool
		read []string
		code meeting.Code
	}{
		{"a delegate", d1, fx.Generate(t, "Khác", 1), false, nil, meeting.Forbidden},
		{"not a PDF", sec, []byte("<html>không phải PDF</html>"), false, nil, meeting.Invalid},
		{"truncated", sec, good[:len(good)*6/10], false, nil, meeting.Invalid},
		{"too large", sec, bytes.Repeat([]byte("%PDF-1.7\n"), 40<<10), false, nil, meeting.Invalid},
		{"empty", sec, nil, false, nil, meeting.Invalid},
		{"readers on a public document", sec, fx.Generate(t, "Khác", 1), false, []string{d1}, meeting.Invalid},
		{"an unknown reader", sec, fx.Generate(t, "Khác", 1), true, []string{"nobody"}, meeting.NotFound},
	}
	for _, tt := range refusals {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			before := fx.State(t).Version
			_, err := fx.Docs.Upload(ctx, fx.Session(tt.who), bytes.NewReader(tt.body), "Tài liệu", tt.conf, tt.read)
			wantCode(t, err, tt.code)
			if n := fx.Blobs(t); n != 1 {
				t.Errorf("%d blobs stored after a refusal, want 1", n)
			}
			if n := fx.Leftovers(t); n != 0 {
				t.Errorf("%d temporary files left behind", n)
			}
			if v := fx.State(t).Version; v != before {
				t.Errorf("the meeting changed: version %d → %d", before, v)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ctx := context.Background()
	public := fx.Generate(t, "Tờ trình công khai", 2)
	pub := upload(t, fx, public, "Tờ trình công khai", false)
	conf := upload(t, fx, fx.Generate(t, "Báo cáo mật", 2), "Báo cáo mật", true, d1)

	t.Run("public: the blob itself for everyone", func(t *testing.T) {
		for _, who := range []string{sec, chair, d1, d2} {
			f, err := fx.Docs.Open(ctx, fx.Session(who), pub.ID)
			if err != nil {
				t.Fatalf("Open as %s: %v", who, err)
			}
			if f.ETag != pub.SHA256 {
				t.Errorf("ETag = %q, want the sha256", f.ETag)
			}
			if b := readAll(t, f); !bytes.Equal(b, public) {
				t.Errorf("%s got %d bytes that differ from the upload", who, len(b))
			}
		}
	})
	t.Run("confidential: refused to a non-reader with the reason", func(t *testing.T) {
		_, err := fx.Docs.Open(ctx, fx.Session(d2), conf.ID)
		me := wantCode(t, err, meeting.Forbidden)
		if !bytes.Contains([]byte(me.Message), []byte("confidential")) || !bytes.Contains([]byte(me.MessageVI), []byte("mật")) {
			t.Errorf("the refusal does not say why: %+v", me)
		}
	})
	t.Run("unknown document", func(t *testing.T) {
		_, err := fx.Docs.Open(ctx, fx.Session(d1), "nope")
		wantCode(t, err, meeting.NotFound)
	})
	t.Run("confidential: concurrent first requests make one watermarked copy", func(t *testing.T) {
		// A second Documents over the same stack, whose engine counts the
		// watermarks it stamps.
		counting := &countingEngine{Engine: fx.Engine}
		docs, err := documents.New(documents.Config{}, fx.Store, counting, fx.Service, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { docs.Close() })
		const n = 6
		var wg sync.WaitGroup
		copies := make([][]byte, n)
		etags := make([]string, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				f, err := docs.Open(ctx, fx.Session(d1), conf.ID)
				if err != nil {
					errs[i] = err
					return
				}
				etags[i] = f.ETag
				defer f.Close()
				copies[i], errs[i] = io.ReadAll(f)
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
			if !bytes.Equal(copies[i], copies[0]) || etags[i] != etags[0] {
				t.Fatalf("request %d got another copy", i)
			}
		}
		if got := counting.watermarks.Load(); got != 1 {
			t.Fatalf("%d watermarked copies made for %d concurrent requests, want 1", got, n)
		}
		documentstest.WantText(t, documentstest.PDFText(t, copies[0]),
			"TÀI LIỆU MẬT", "Đại biểu Nguyễn Thị Hương", "Ghế A03", "03/12/2026")
		if etags[0] == conf.SHA256 {
			t.Errorf("a watermarked copy has the blob's ETag")
		}
	})
	t.Run("the chair gets a copy of their own", func(t *testing.T) {
		f, err := fx.Docs.Open(ctx, fx.Session(chair), conf.ID)
		if err != nil {
			t.Fatal(err)
		}
		documentstest.WantText(t, documentstest.PDFText(t, readAll(t, f)), "Chủ tọa Lê Trường Lưu", "Ghế A01")
	})
}

// waitDone polls the preparation of doc until it is over.
func waitDone(tb testing.TB, fx *documentstest.Fixture, doc string) documents.Progress {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p, err := fx.Docs.Progress(context.Background(), fx.Session(sec), doc)
		if err != nil {
			tb.Fatalf("Progress: %v", err)
		}
		if !p.Running {
			return p
		}
		if time.Now().After(deadline) {
			tb.Fatalf("preparation still running at the deadline: %+v", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPrepare(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{Workers: 2})
	ctx := context.Background()
	conf := upload(t, fx, fx.Generate(t, "Báo cáo mật", 2), "Báo cáo mật", true, d1, d2)

	_, err := fx.Docs.Prepare(ctx, fx.Session(d1), conf.ID)
	wantCode(t, err, meeting.Forbidden)
	_, err = fx.Docs.Progress(ctx, fx.Session(sec), conf.ID)
	wantCode(t, err, meeting.NotFound)

	p, err := fx.Docs.Prepare(ctx, fx.Session(sec), conf.ID)
	if err != nil {
		t.Fatal(err)
	}
	// d1, d2, the chair and the secretary.
	if p.Total != 4 {
		t.Fatalf("Total = %d, want 4", p.Total)
	}
	p = waitDone(t, fx, conf.ID)
	if p.Done != 4 || p.Failed != 0 {
		t.Fatalf("progress = %+v, want 4 done", p)
	}
	if n := fx.CachedCopies(t); n != 4 {
		t.Fatalf("%d copies cached, want 4", n)
	}
	// The prepared copy is the one served.
	f, err := fx.Docs.Open(ctx, fx.Session(d2), conf.ID)
	if err != nil {
		t.Fatal(err)
	}
	documentstest.WantText(t, documentstest.PDFText(t, readAll(t, f)), "Trần Văn Đức")
	if n := fx.CachedCopies(t); n != 4 {
		t.Fatalf("%d copies cached after a download, want still 4", n)
	}

	pub := upload(t, fx, fx.Generate(t, "Công khai", 1), "Công khai", false)
	if p, err := fx.Docs.Prepare(ctx, fx.Session(sec), pub.ID); err != nil || p.Total != 0 || p.Running {
		t.Fatalf("Prepare(public) = %+v, %v; want nothing to do", p, err)
	}
}

func TestCloseStopsPreparation(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{Workers: 1})
	conf := upload(t, fx, fx.Generate(t, "Báo cáo mật", 2), "Báo cáo mật", true, d1, d2)
	if _, err := fx.Docs.Prepare(context.Background(), fx.Session(sec), conf.ID); err != nil {
		t.Fatal(err)
	}
	if err := fx.Docs.Close(); err != nil {
		t.Fatal(err)
	}
	// Close waited: nothing runs any more, and new work is refused.
	p, err := fx.Docs.Progress(context.Background(), fx.Session(sec), conf.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Done+p.Failed > p.Total {
		t.Fatalf("progress = %+v", p)
	}
	_, err = fx.Docs.Prepare(context.Background(), fx.Session(sec), conf.ID)
	wantCode(t, err, meeting.Unavailable)
}

func TestPacket(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ctx := context.Background()
	pub := upload(t, fx, fx.Generate(t, "Tờ trình ngân sách", 1), "Tờ trình ngân sách", false)
	conf := upload(t, fx, fx.Generate(t, "Danh sách nhân sự", 1), "Danh sách nhân sự", true, d1)
	fx.Execute(t, sec, meeting.AttachDocument{Item: "i2", Document: pub.ID})
	fx.Execute(t, sec, meeting.AttachDocument{Item: "i2", Document: conf.ID})

	f, err := fx.Docs.Packet(ctx, fx.Session(d1))
	if err != nil {
		t.Fatal(err)
	}
	etag1 := f.ETag
	documentstest.WantText(t, documentstest.PDFText(t, readAll(t, f)),
		"Tờ trình ngân sách", "Danh sách nhân sự", "Nguyễn Thị Hương")

	f, err = fx.Docs.Packet(ctx, fx.Session(d2))
	if err != nil {
		t.Fatal(err)
	}
	text := documentstest.PDFText(t, readAll(t, f))
	documentstest.WantText(t, text, "Tờ trình ngân sách")
	if bytes.Contains([]byte(text), []byte("Danh sách nhân sự")) {
		t.Errorf("d2's packet holds a confidential document they may not read")
	}

	// A changed agenda makes a new packet.
	extra := upload(t, fx, fx.Generate(t, "Phụ lục bổ sung", 1), "Phụ lục bổ sung", false)
	fx.Execute(t, sec, meeting.AttachDocument{Item: "i3", Document: extra.ID})
	f, err = fx.Docs.Packet(ctx, fx.Session(d1))
	if err != nil {
		t.Fatal(err)
	}
	if f.ETag == etag1 {
		t.Errorf("the packet's ETag did not change with the agenda")
	}
	documentstest.WantText(t, documentstest.PDFText(t, readAll(t, f)), "Phụ lục bổ sung", "Danh sách nhân sự")
}

func TestRecords(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ctx := context.Background()
	for _, tt := range []struct {
		who  string
		code meeting.Code
	}{{chair, ""}, {sec, ""}, {d1, meeting.Forbidden}} {
		t.Run(tt.who, func(t *testing.T) {
			var minutes, csv bytes.Buffer
			errM := fx.Docs.Minutes(ctx, fx.Session(tt.who), &minutes, "en")
			errC := fx.Docs.BallotsCSV(ctx, fx.Session(tt.who), &csv)
			if tt.code != "" {
				wantCode(t, errM, tt.code)
				wantCode(t, errC, tt.code)
				return
			}
			if errM != nil || errC != nil {
				t.Fatalf("Minutes: %v; BallotsCSV: %v", errM, errC)
			}
			documentstest.WantText(t, documentstest.PDFText(t, minutes.Bytes()), "Phiên họp thường kỳ Ủy ban nhân dân tỉnh")
			if !bytes.HasPrefix(csv.Bytes(), []byte("\xef\xbb\xbf")) {
				t.Errorf("the CSV does not start with a byte order mark")
			}
		})
	}
}

// TestUploadPasswordProtected checks that an encrypted PDF (made with qpdf,
// meeting/pdf/testdata/make-encrypted.sh) is refused by the upload with the
// password-protected reason, and that nothing is stored: no blob, no
// temporary file, no change to the meeting.
func TestUploadPasswordProtected(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	for _, name := range []string{
		"encrypted-rc4-40-user.pdf", "encrypted-rc4-40-owner.pdf",
		"encrypted-rc4-128-user.pdf", "encrypted-rc4-128-owner.pdf",
		"encrypted-aes-128-user.pdf", "encrypted-aes-128-owner.pdf",
		"encrypted-aes-256-user.pdf", "encrypted-aes-256-owner.pdf",
	} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "pdf", "testdata", "bad", name))
			if err != nil {
				t.Fatal(err)
			}
			before := fx.State(t).Version
			_, err = fx.Docs.Upload(context.Background(), fx.Session(sec), bytes.NewReader(b), "Tài liệu mật", false, nil)
			me := wantCode(t, err, meeting.Invalid)
			if !errors.Is(err, pdf.ErrPasswordProtected) || !strings.HasPrefix(me.MessageVI, "Tài liệu PDF được bảo vệ bằng mật khẩu") {
				t.Errorf("refusal = %v (%q), want the password-protected one", err, me.MessageVI)
			}
			if n := fx.Blobs(t); n != 0 {
				t.Errorf("%d blobs stored after the refusal", n)
			}
			if n := fx.Leftovers(t); n != 0 {
				t.Errorf("%d temporary files left behind", n)
			}
			if v := fx.State(t).Version; v != before {
				t.Errorf("the meeting changed: version %d → %d", before, v)
			}
		})
	}
}
