package documents_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
)

// BenchmarkFirstCopy measures the first request for a reader's
// watermarked copy of a 20-page confidential document (the cache is emptied
// before each one).
func BenchmarkFirstCopy(b *testing.B) {
	fx := documentstest.New(b, pdf.Config{}, documents.Config{})
	conf := upload(b, fx, fx.Generate(b, "Báo cáo mật", 20), "Báo cáo mật", true, d1)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		if err := os.RemoveAll(filepath.Join(fx.CacheDir, "copies")); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		f, err := fx.Docs.Open(ctx, fx.Session(d1), conf.ID)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// BenchmarkCachedCopy measures a request for a copy already in the cache.
func BenchmarkCachedCopy(b *testing.B) {
	fx := documentstest.New(b, pdf.Config{}, documents.Config{})
	conf := upload(b, fx, fx.Generate(b, "Báo cáo mật", 20), "Báo cáo mật", true, d1)
	ctx := context.Background()
	for b.Loop() {
		f, err := fx.Docs.Open(ctx, fx.Session(d1), conf.ID)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
