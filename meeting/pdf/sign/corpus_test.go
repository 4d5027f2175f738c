package sign_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
)

// TestBadCorpus: Sign refuses, and Verify reads without a panic, every
// file of the PDF engine's corpus of broken and encrypted PDFs (none of
// them has a signature). A file that pdfcpu repairs may be signed: then
// the signature must verify.
func TestBadCorpus(t *testing.T) {
	ca := signtest.NewCA(t)
	s := ca.NewSigner(t, "Trần Văn Quang", "Tỉnh ủy Hòa Bình", true)
	files, err := filepath.Glob(filepath.Join("..", "testdata", "bad", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if sigs, err := sign.Verify(b, ca.Roots()); err == nil && len(sigs) != 0 {
				t.Fatalf("Verify found %d signatures in an unsigned file", len(sigs))
			}
			out, err := sign.Sign(context.Background(), b, s, sign.Options{})
			if err != nil {
				return // refused: what most of them get
			}
			sigs, err := sign.Verify(out, ca.Roots())
			if err != nil || len(sigs) != 1 || !sigs[0].Valid || !sigs[0].Unchanged {
				t.Fatalf("signed a repaired file, but its signature does not verify: %+v, %v", sigs, err)
			}
		})
	}
}
