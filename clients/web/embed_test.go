package web

import (
	"io/fs"
	"strings"
	"testing"
)

func TestAssetsServesIndex(t *testing.T) {
	b, err := fs.ReadFile(Assets(), "index.html")
	if err != nil {
		t.Fatalf("reading index.html from the embedded client: %v", err)
	}
	if !strings.Contains(string(b), "<html") {
		t.Fatalf("index.html does not look like HTML: %.80q", b)
	}
}
