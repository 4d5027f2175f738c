package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
)

// Vietnamese strings that must survive every PDF we write.
const (
	nameHuong = "Nguyễn Thị Hương"
	dangBo    = "Đảng bộ"
	tanThanh  = "Tán thành"
)

// mustEngine returns an Engine with cfg, closed when the test ends.
func mustEngine(tb testing.TB, cfg Config) *Engine {
	tb.Helper()
	e, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		if err := e.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return e
}

// mustGenerate returns a generated PDF of n pages.
func mustGenerate(tb testing.TB, e *Engine, title string, n int, body ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := e.Generate(context.Background(), &buf, title, n, body); err != nil {
		tb.Fatalf("Generate(%q, %d): %v", title, n, err)
	}
	return buf.Bytes()
}

// mustPages validates b and returns its page count.
func mustPages(tb testing.TB, e *Engine, b []byte) int {
	tb.Helper()
	info, err := e.Validate(context.Background(), bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("Validate: %v", err)
	}
	return info.Pages
}

// pdfText extracts the text of b with poppler's pdftotext; args go before
// the file name (e.g. "-raw", "-f", "2"). It fails the test when pdftotext
// is not installed: the text checks are the point of these tests.
func pdfText(tb testing.TB, b []byte, args ...string) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatalf("pdftotext not found (%v): install poppler-utils (apt-get install -y poppler-utils); the PDF text checks need it", err)
	}
	path := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(bin, append(append(args, "-enc", "UTF-8", path), "-")...).CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// wantText fails unless text holds every one of want.
func wantText(tb testing.TB, text string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			tb.Errorf("text lacks %q; got:\n%s", w, clip(text, 3000))
		}
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// wantCode fails unless err is a *meeting.Error with code, carrying both
// messages.
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

// rawPDF assembles a PDF from object bodies (object i+1 is objs[i]) with a
// classic xref table and a trailer whose root is object 1.
func rawPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
