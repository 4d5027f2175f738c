package main

import (
	"bytes"
	"compress/flate"
	"context"
	"testing"

	"github.com/dais-meeting/dais/meeting/pdf"
)

// TestBenchPDF: the bridge scenario's document passes Dais's upload
// validation (pre-scan included), is the same for the same seed, and does
// not compress.
func TestBenchPDF(t *testing.T) {
	const size = 1500 << 10
	doc := benchPDF(size, docSeed)
	if !bytes.Equal(doc, benchPDF(size, docSeed)) || bytes.Equal(doc, benchPDF(size, docSeed+1)) {
		t.Fatal("the document is not determined by its seed")
	}
	if len(doc) < size*9/10 || len(doc) > size*11/10 {
		t.Fatalf("%d bytes for %d asked", len(doc), size)
	}
	e, err := pdf.New(pdf.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	info, err := e.Validate(context.Background(), bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if info.Pages != 3 {
		t.Fatalf("%d pages, want 3", info.Pages)
	}
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	_, _ = w.Write(doc)
	_ = w.Close()
	if z.Len() < len(doc)*99/100 {
		t.Fatalf("it compresses: %d bytes to %d", len(doc), z.Len())
	}
}
