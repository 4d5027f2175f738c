package httpapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The fixture testdata/static is a small built client: its .gz and .br
// files were written by clients/web/scripts/compress.mjs, as `npm run
// build` writes them.
func staticHandler(t *testing.T) http.Handler {
	t.Helper()
	h, err := Static(os.DirFS("testdata/static"))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// decode returns body decoded from its Content-Encoding: gzip in Go,
// brotli through Node's zlib (the only brotli decoder on this machine; the
// test is skipped without node).
func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	switch enc {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		return out
	case "br":
		node, err := exec.LookPath("node")
		if err != nil {
			t.Fatalf("node (installed by make deps) decodes brotli in this test: %v", err)
		}
		cmd := exec.Command(node, "-e", `process.stdout.write(require("zlib").brotliDecompressSync(require("fs").readFileSync(0)))`)
		cmd.Stdin = bytes.NewReader(body)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("brotli body: %v", err)
		}
		return out
	}
	t.Fatalf("unexpected Content-Encoding %q", enc)
	return nil
}

func TestStaticEncodingsAndCaching(t *testing.T) {
	h := staticHandler(t)
	tests := []struct {
		path, accept string
		file         string // under testdata/static
		wantEnc      string
		wantCache    string
		wantVary     bool
	}{
		{"/", "", "index.html", "", cacheRevalidate, true},
		{"/", "gzip, deflate, br, zstd", "index.html", "br", cacheRevalidate, true},
		{"/index.html", "gzip", "index.html", "gzip", cacheRevalidate, true},
		{"/assets/app-Ab12Cd34.js", "gzip, deflate, br", "assets/app-Ab12Cd34.js", "br", cacheImmutable, true},
		{"/assets/app-Ab12Cd34.js", "br;q=0, gzip", "assets/app-Ab12Cd34.js", "gzip", cacheImmutable, true},
		{"/assets/app-Ab12Cd34.js", "gzip;q=0.5, br;q=0.1", "assets/app-Ab12Cd34.js", "br", cacheImmutable, true},
		{"/assets/app-Ab12Cd34.js", "*", "assets/app-Ab12Cd34.js", "br", cacheImmutable, true},
		{"/assets/app-Ab12Cd34.js", "*;q=0", "assets/app-Ab12Cd34.js", "", cacheImmutable, true},
		{"/assets/app-Ab12Cd34.js", "br;q=0, *", "assets/app-Ab12Cd34.js", "gzip", cacheImmutable, true},
		{"/assets/app-Ab12Cd34.js", "identity", "assets/app-Ab12Cd34.js", "", cacheImmutable, true},
		{"/assets/app-Ab12Cd34.js", "deflate, gzip;q=bad", "assets/app-Ab12Cd34.js", "", cacheImmutable, true},
		{"/sw.js", "gzip, br", "sw.js", "br", cacheRevalidate, true},
		{"/robots.txt", "gzip, br", "robots.txt", "", cacheRevalidate, false}, // no smaller form was written
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept-Encoding", tt.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			res := rec.Result()
			if got := res.Header.Get("Content-Encoding"); got != tt.wantEnc {
				t.Errorf("Content-Encoding %q, want %q", got, tt.wantEnc)
			}
			if got := res.Header.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control %q, want %q", got, tt.wantCache)
			}
			if got := res.Header.Get("Vary") == "Accept-Encoding"; got != tt.wantVary {
				t.Errorf("Vary %q, want Accept-Encoding: %v", res.Header.Get("Vary"), tt.wantVary)
			}
			if res.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
			ext := filepath.Ext(tt.file)
			if ct := res.Header.Get("Content-Type"); (ext == ".js" && !strings.Contains(ct, "javascript")) || (ext == ".html" && !strings.HasPrefix(ct, "text/html")) {
				t.Errorf("Content-Type %q for %s", ct, tt.file)
			}
			want, err := os.ReadFile(filepath.Join("testdata/static", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			body := rec.Body.Bytes()
			if tt.wantEnc != "" && len(body) >= len(want) {
				t.Errorf("%s body is %d bytes, the file %d", tt.wantEnc, len(body), len(want))
			}
			if got := decode(t, tt.wantEnc, body); !bytes.Equal(got, want) {
				t.Errorf("decoded body (%d bytes) differs from %s (%d bytes)", len(got), tt.file, len(want))
			}
		})
	}
}

func TestStaticNotModified(t *testing.T) {
	h := staticHandler(t)
	get := func(path, accept, inm string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, accept := range []string{"", "gzip", "br, gzip"} {
		first := get("/", accept, "")
		tag := first.Header().Get("ETag")
		if !strings.HasPrefix(tag, `"`) {
			t.Fatalf("ETag %q is not a strong tag", tag)
		}
		again := get("/", accept, tag)
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Fatalf("Accept-Encoding %q, If-None-Match %s: status %d, %d bytes; want 304 and no body", accept, tag, again.Code, again.Body.Len())
		}
		if again.Header().Get("ETag") != tag || again.Header().Get("Cache-Control") != cacheRevalidate || again.Header().Get("Content-Encoding") != "" {
			t.Errorf("304 headers: %v", again.Header())
		}
		// The tag of another encoding of the same content also matches,
		// a weak one too, and one among several.
		for _, inm := range []string{"W/" + tag, `"nope", ` + tag} {
			if c := get("/", "br", inm).Code; c != http.StatusNotModified {
				t.Errorf("If-None-Match %s: status %d, want 304", inm, c)
			}
		}
	}
	// Another file's tag does not match.
	js := get("/assets/app-Ab12Cd34.js", "gzip", "").Header().Get("ETag")
	if c := get("/", "gzip", js).Code; c != http.StatusOK {
		t.Errorf("index.html with the asset's tag: status %d, want 200", c)
	}
	if c := get("/", "gzip", `"0123456789abcdef-gzip"`).Code; c != http.StatusOK {
		t.Errorf("a stale tag: status %d, want 200", c)
	}
}

func TestStaticRangeAndNotFound(t *testing.T) {
	h := staticHandler(t)
	req := httptest.NewRequest(http.MethodGet, "/assets/app-Ab12Cd34.js", nil)
	req.Header.Set("Range", "bytes=0-9")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	want, _ := os.ReadFile("testdata/static/assets/app-Ab12Cd34.js")
	if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), want[:10]) {
		t.Errorf("Range 0-9: status %d, body %q", rec.Code, rec.Body.Bytes())
	}
	for _, p := range []string{"/nope.js", "/assets/app-Ab12Cd34.js.br", "/index.html.gz", "/../static_test.go"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, rec.Code)
		}
	}
}
