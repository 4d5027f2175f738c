package pdf

import (
	"bytes"
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/pdf/hostile"
	"github.com/dais-meeting/dais/meeting/pdf/prescan"
)

const hostileDir = "testdata/hostile"

// TestHostileCorpus checks the answer to every file of the hostile corpus
// (testdata/hostile, written by `go run ./cmd/dais-hostile-pdf write`;
// the large ones made here): refused with the corpus's reason, or
// accepted, and then sanitised with the corpus's kinds removed and nothing
// left. The budgets are smaller than the defaults so that the race
// detector's slower inflation does not drag; every bomb of the corpus is
// beyond the defaults too.
func TestHostileCorpus(t *testing.T) {
	e := mustEngine(t, Config{MaxStreamBytes: 8 << 20, Limits: prescan.Limits{MaxDecodedBytes: 16 << 20, DecodedPerByte: 1, MaxHeldBytes: 4 << 20}})
	cases := hostile.Cases()
	names := map[string]bool{}
	for _, c := range cases {
		names[c.Name+".pdf"] = true
		if c.MeasureOnly {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			b := c.Load(hostileDir)
			if !c.Large {
				if _, err := os.Stat(hostileDir + "/" + c.Name + ".pdf"); err != nil {
					t.Fatalf("not in the corpus (go run ./cmd/dais-hostile-pdf write): %v", err)
				}
			}
			info, err := e.Validate(context.Background(), bytes.NewReader(b))
			if c.Want.Refused != "" {
				if err == nil {
					t.Fatalf("accepted (%+v), want refused: %s", info, c.Want.Refused)
				}
				me := wantCode(t, err, meeting.Invalid)
				if got := RefusalReason(err); got != c.Want.Refused {
					t.Fatalf("refused for %q (%s), want %q", got, me.Message, c.Want.Refused)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused (%v), want accepted", err)
			}
			if got := Kinds(info.Active); !slices.Equal(got, c.Want.Removed) {
				t.Errorf("Validate found %q, want %q", got, c.Want.Removed)
			}
			if info.Active == 0 {
				return
			}
			var out bytes.Buffer
			found, err := e.Sanitize(context.Background(), bytes.NewReader(b), &out)
			if err != nil {
				t.Fatalf("Sanitize: %v", err)
			}
			if got := Kinds(found); !slices.Equal(got, c.Want.Removed) {
				t.Errorf("Sanitize removed %q, want %q", got, c.Want.Removed)
			}
			clean, err := e.Validate(context.Background(), bytes.NewReader(out.Bytes()))
			if err != nil || clean.Active != 0 || clean.Pages != info.Pages {
				t.Fatalf("the cleaned file: %+v, %v; want %d pages, nothing active", clean, err, info.Pages)
			}
			if strings.Contains(out.String(), "/JavaScript") || strings.Contains(out.String(), "/XFA") {
				t.Error("the cleaned file still names /JavaScript or /XFA")
			}
		})
	}
	// No stale file in the folder.
	entries, err := os.ReadDir(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if !names[en.Name()] {
			t.Errorf("%s/%s is not in hostile.Cases", hostileDir, en.Name())
		}
	}
}

// TestSanitizeKeepsCleanFiles: a file without active content comes out of
// Sanitize with nothing found, its pages and text intact.
func TestSanitizeKeepsCleanFiles(t *testing.T) {
	e := mustEngine(t, Config{})
	good := mustGenerate(t, e, "Báo cáo "+dangBo, 2, "Nội dung "+nameHuong)
	var out bytes.Buffer
	found, err := e.Sanitize(context.Background(), bytes.NewReader(good), &out)
	if err != nil || found != 0 {
		t.Fatalf("Sanitize = %v, %v", found, err)
	}
	if n := mustPages(t, e, out.Bytes()); n != 2 {
		t.Fatalf("%d pages after Sanitize", n)
	}
	wantText(t, pdfText(t, out.Bytes()), nameHuong)
	if _, err := e.Sanitize(context.Background(), bytes.NewReader([]byte("%PDF-1.7\nnot really")), io.Discard); err == nil {
		t.Fatal("Sanitize took a damaged file")
	}
}

// BenchmarkHostile reports, per file of the corpus, the time Validate
// (and Sanitize, when the file holds active content) takes with the
// default limits. Peak memory per file is measured in a child process by
// `go run ./cmd/dais-hostile-pdf measure` (docs/security.md).
func BenchmarkHostile(b *testing.B) {
	e := mustEngine(b, Config{})
	for _, c := range hostile.Cases() {
		if c.MeasureOnly {
			continue
		}
		src := c.Load(hostileDir)
		b.Run(c.Name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				info, err := e.Validate(context.Background(), bytes.NewReader(src))
				if err == nil && info.Active != 0 {
					_, err = e.Sanitize(context.Background(), bytes.NewReader(src), io.Discard)
				}
				if (err != nil) != (c.Want.Refused != "") {
					b.Fatalf("%s: %v", c.Name, err)
				}
			}
		})
	}
}
