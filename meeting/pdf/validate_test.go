package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/dais-meeting/dais/meeting"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/bad and the fuzz seed corpus")

const (
	badDir  = "testdata/bad"
	fuzzDir = "testdata/fuzz/FuzzValidate"
)

// badFiles makes the corpus of files Validate must refuse, by name.
func badFiles(tb testing.TB, e *Engine) map[string][]byte {
	tb.Helper()
	good := mustGenerate(tb, e, "Tài liệu mẫu của "+dangBo, 3)
	m := map[string][]byte{
		"not-a-pdf.txt":   []byte("Đây không phải là tệp PDF.\n"),
		"empty.pdf":       {},
		"html.pdf":        []byte("<!doctype html><html><body>%PDF-1.7 trang lỗi</body></html>"),
		"header-only.pdf": []byte("%PDF-1.7\n"),
	}
	for _, frac := range []int{10, 50, 90} {
		m[fmt.Sprintf("truncated-%02d.pdf", frac)] = good[:len(good)*frac/100]
	}
	m["truncated-no-eof.pdf"] = good[:len(good)-8]
	m["truncated-in-startxref.pdf"] = good[:bytes.LastIndex(good, []byte("startxref"))+12]
	// Bit flips in the compressed data and in the structure.
	for i, frac := range []int{20, 40, 60, 80} {
		b := bytes.Clone(good)
		at := len(b) * frac / 100
		for j := range 16 {
			b[at+j] ^= 0x5a
		}
		m[fmt.Sprintf("bitflip-%d.pdf", i+1)] = b
	}
	{
		b := bytes.Clone(good)
		at := bytes.LastIndex(b, []byte("startxref")) + 10
		b[at] ^= 0x01 // the offset of the cross-reference section
		m["bitflip-startxref.pdf"] = b
	}
	// Encrypted: with a user password, and with an owner password only.
	for name, conf := range map[string]*model.Configuration{
		"encrypted-user.pdf":  model.NewAESConfiguration("mật-khẩu", "chủ", 256),
		"encrypted-owner.pdf": model.NewAESConfiguration("", "chủ", 256),
	} {
		var out bytes.Buffer
		if err := api.Encrypt(bytes.NewReader(good), &out, conf); err != nil {
			tb.Fatalf("encrypt: %v", err)
		}
		m[name] = out.Bytes()
	}
	m["zip-bomb.pdf"] = bombPDF(tb, 300<<20)
	m["too-many-pages.pdf"] = manyPagesPDF(DefaultMaxPages + 1)
	m["no-pages.pdf"] = manyPagesPDF(0)
	return m
}

// bombPDF is a one-page PDF whose content stream, compressed twice, inflates
// to n zero bytes.
func bombPDF(tb testing.TB, n int) []byte {
	tb.Helper()
	deflate := func(src func(w *zlib.Writer)) []byte {
		var b bytes.Buffer
		w, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
		src(w)
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		return b.Bytes()
	}
	zeros := make([]byte, 1<<20)
	once := deflate(func(w *zlib.Writer) {
		for range n / len(zeros) {
			w.Write(zeros)
		}
	})
	twice := deflate(func(w *zlib.Writer) { w.Write(once) })
	return rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n%s\nendstream", len(twice), twice),
	)
}

// manyPagesPDF is a PDF of n empty pages.
func manyPagesPDF(n int) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	var kids strings.Builder
	for i := range n {
		fmt.Fprintf(&kids, "%d 0 R ", i+3)
		objs = append(objs, "<< /Type /Page /Parent 2 0 R >>")
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] >>", kids.String(), n)
	return rawPDF(objs...)
}

// TestBadCorpus checks that every file of testdata/bad is refused as
// Invalid, without a crash. With -update-corpus it first rewrites the
// corpus and the fuzz seeds.
func TestBadCorpus(t *testing.T) {
	// The bomb inflates to 300 MiB; a 32 MiB stream limit refuses it as the
	// default 256 MiB does, without inflating 256 MiB under the race detector.
	e := mustEngine(t, Config{MaxStreamBytes: 32 << 20})
	if *updateCorpus {
		writeCorpus(t, e)
	}
	entries, err := os.ReadDir(badDir)
	if err != nil {
		t.Fatalf("read the corpus (run go test -run TestBadCorpus -update-corpus to make it): %v", err)
	}
	if len(entries) < 15 {
		t.Fatalf("the corpus has %d files, want at least 15", len(entries))
	}
	for _, entry := range entries {
		t.Run(entry.Name(), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(badDir, entry.Name()))
			if err != nil {
				t.Fatal(err)
			}
			info, err := e.Validate(context.Background(), bytes.NewReader(b))
			if err == nil {
				t.Fatalf("Validate accepted a bad file: %+v", info)
			}
			me := wantCode(t, err, meeting.Invalid)
			t.Logf("refused: %s / %s", me.MessageVI, me.Message)
		})
	}
}

func writeCorpus(t *testing.T, e *Engine) {
	t.Helper()
	files := badFiles(t, e)
	for _, dir := range []string{badDir, fuzzDir} {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(badDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if len(b) > 64<<10 { // the bomb and the long page tree are too slow to fuzz from
			continue
		}
		seed := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
		if err := os.WriteFile(filepath.Join(fuzzDir, strings.TrimSuffix(name, filepath.Ext(name))), []byte(seed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := mustGenerate(t, e, "Hạt giống", 1)
	seed := "go test fuzz v1\n[]byte(" + strconv.Quote(string(good)) + ")\n"
	if err := os.WriteFile(filepath.Join(fuzzDir, "good"), []byte(seed), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestValidateReasons checks that each kind of bad file is refused with
// the message that names its fault.
func TestValidateReasons(t *testing.T) {
	e := mustEngine(t, Config{MaxPages: 5, MaxStreamBytes: 8 << 20})
	good := mustGenerate(t, e, "Tài liệu", 3)
	encrypted := func(user string) []byte {
		var out bytes.Buffer
		if err := api.Encrypt(bytes.NewReader(good), &out, model.NewAESConfiguration(user, "chủ", 256)); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	tests := []struct {
		name string
		b    []byte
		want string // in the Vietnamese message
	}{
		{"not a PDF", []byte("hello"), "không phải là tài liệu PDF"},
		{"truncated", good[:len(good)/2], "bị cắt cụt"},
		{"no %%EOF", good[:len(good)-7], "bị cắt cụt"},
		{"user password", encrypted("mật-khẩu"), "Tài liệu PDF được bảo vệ bằng mật khẩu (cần mật khẩu để mở)"},
		{"owner password only", encrypted(""), "Tài liệu PDF được bảo vệ bằng mật khẩu chủ sở hữu"},
		{"stream bomb", bombPDF(t, 16<<20), "giải nén vượt quá 8 MB"},
		{"too many pages", manyPagesPDF(6), "vượt quá giới hạn 5 trang"},
		{"no pages", manyPagesPDF(0), "không có trang nào"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Validate(context.Background(), bytes.NewReader(tt.b))
			me := wantCode(t, err, meeting.Invalid)
			if !strings.Contains(me.MessageVI, tt.want) {
				t.Errorf("MessageVI = %q, want it to contain %q (en: %q)", me.MessageVI, tt.want, me.Message)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		small := mustEngine(t, Config{MaxBytes: 1000})
		_, err := small.Validate(context.Background(), bytes.NewReader(good))
		me := wantCode(t, err, meeting.Invalid)
		if !strings.Contains(me.Message, "too large") {
			t.Errorf("Message = %q", me.Message)
		}
	})
	t.Run("good", func(t *testing.T) {
		info, err := e.Validate(context.Background(), bytes.NewReader(good))
		if err != nil {
			t.Fatal(err)
		}
		if info.Pages != 3 || info.Size != int64(len(good)) || info.Version == "" {
			t.Errorf("info = %+v, want 3 pages, size %d, a version", info, len(good))
		}
	})
	t.Run("raw PDF with one page", func(t *testing.T) {
		info, err := e.Validate(context.Background(), bytes.NewReader(manyPagesPDF(1)))
		if err != nil || info.Pages != 1 {
			t.Fatalf("Validate = %+v, %v; want 1 page", info, err)
		}
	})
}

// TestPasswordProtected checks that every encrypted file of testdata/bad,
// made with qpdf by testdata/make-encrypted.sh (RC4 40 and 128 bits, AES
// 128 and 256 bits, each with a user password and with only an owner
// password; an unknown security handler), is refused as password-protected
// (ErrPasswordProtected, a message that says so), never as "not a PDF" or
// "damaged".
func TestPasswordProtected(t *testing.T) {
	e := mustEngine(t, Config{})
	tests := []struct {
		file  string
		opens bool // only an owner password: every viewer opens it
	}{
		{"encrypted-rc4-40-user.pdf", false},
		{"encrypted-rc4-40-owner.pdf", true},
		{"encrypted-rc4-128-user.pdf", false},
		{"encrypted-rc4-128-owner.pdf", true},
		{"encrypted-aes-128-user.pdf", false},
		{"encrypted-aes-128-owner.pdf", true},
		{"encrypted-aes-256-user.pdf", false},
		{"encrypted-aes-256-owner.pdf", true},
		{"encrypted-aes-256-objstm-user.pdf", false},
		{"encrypted-unknown-handler.pdf", false},
		// Made by pdfcpu itself (badFiles).
		{"encrypted-user.pdf", false},
		{"encrypted-owner.pdf", true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(badDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatalf("%s does not start with %%PDF-", tt.file)
			}
			info, err := e.Validate(context.Background(), bytes.NewReader(b))
			if err == nil {
				t.Fatalf("Validate accepted an encrypted file: %+v", info)
			}
			me := wantCode(t, err, meeting.Invalid)
			if !errors.Is(err, ErrPasswordProtected) {
				t.Errorf("error %v is not ErrPasswordProtected", err)
			}
			wantVI, wantEN := "Tài liệu PDF được bảo vệ bằng mật khẩu (cần mật khẩu để mở)", "the PDF is password-protected (it needs a password to open)"
			if tt.opens {
				wantVI, wantEN = "Tài liệu PDF được bảo vệ bằng mật khẩu chủ sở hữu", "the PDF is password-protected with an owner password"
			}
			if !strings.HasPrefix(me.MessageVI, wantVI) || !strings.HasPrefix(me.Message, wantEN) {
				t.Errorf("messages = %q / %q, want them to start with %q / %q", me.MessageVI, me.Message, wantVI, wantEN)
			}
		})
	}
	t.Run("damaged files are not called protected", func(t *testing.T) {
		for _, name := range []string{"bitflip-1.pdf", "bitflip-3.pdf", "truncated-50.pdf"} {
			b, err := os.ReadFile(filepath.Join(badDir, name))
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Validate(context.Background(), bytes.NewReader(b))
			me := wantCode(t, err, meeting.Invalid)
			if errors.Is(err, ErrPasswordProtected) || strings.Contains(me.MessageVI, "mật khẩu") {
				t.Errorf("%s was refused as password-protected: %v", name, err)
			}
		}
	})
}

// TestValidateTimeout checks that a validation whose context has ended is
// refused as too slow, and that an operation that outlives its timeout
// returns while its goroutine is still owned (Close waits for it).
func TestValidateTimeout(t *testing.T) {
	e := mustEngine(t, Config{Timeout: 50 * time.Millisecond, Concurrency: 1})
	good := mustGenerate(t, mustEngine(t, Config{}), "Tài liệu", 2)

	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := e.Validate(ctx, bytes.NewReader(good))
	me := wantCode(t, err, meeting.Invalid)
	if !strings.Contains(me.MessageVI, "vượt quá thời gian") {
		t.Errorf("MessageVI = %q", me.MessageVI)
	}

	release := make(chan struct{})
	started := make(chan struct{})
	err = e.do(context.Background(), opValidate, opInput, func() error {
		close(started)
		<-release
		return nil
	})
	wantCode(t, err, meeting.Invalid)
	<-started
	// The slot is still held by the stuck work: another operation times
	// out waiting for it.
	_, err = e.Validate(context.Background(), bytes.NewReader(good))
	wantCode(t, err, meeting.Invalid)
	close(release)
	// Once the work ends, the slot is free again. (An operation that does
	// nothing shows it; a real validation may take more than the test's
	// 50 ms under -race on a busy machine.)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err = e.do(context.Background(), opValidate, opInput, func() error { return nil }); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Validate still failing after the stuck work ended: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPanicBecomesError checks that a panic inside an operation reaches the
// caller as an error, not a crash.
func TestPanicBecomesError(t *testing.T) {
	e := mustEngine(t, Config{})
	err := e.do(context.Background(), opValidate, opInput, func() error { panic("boom") })
	wantCode(t, err, meeting.Invalid)
	err = e.do(context.Background(), opMinutes, opOutput, func() error { panic(errors.New("boom")) })
	wantCode(t, err, meeting.Internal)
}

// TestClosed checks that a closed Engine refuses work and that Close is
// idempotent.
func TestClosed(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	var buf bytes.Buffer
	err = e.Generate(context.Background(), &buf, "Tài liệu", 1, nil)
	wantCode(t, err, meeting.Unavailable)
}

// FuzzValidate checks that no input crashes Validate and that every
// refusal is a *meeting.Error with code Invalid.
func FuzzValidate(f *testing.F) {
	e, err := New(Config{MaxStreamBytes: 4 << 20, Timeout: 10 * time.Second})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { e.Close() })
	f.Add([]byte("%PDF-1.7\n"))
	f.Add(manyPagesPDF(1))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := e.Validate(context.Background(), bytes.NewReader(b))
		if err != nil {
			var me *meeting.Error
			if !errors.As(err, &me) || me.Code != meeting.Invalid {
				t.Fatalf("Validate error %v (%T) is not an Invalid *meeting.Error", err, err)
			}
			return
		}
		if info.Pages < 1 || info.Pages > e.cfg.MaxPages {
			t.Fatalf("accepted %d pages", info.Pages)
		}
	})
}
