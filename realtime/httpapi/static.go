package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Cache-Control of the static files. A file under assets/ has a content
// hash in its name (the build writes a new name for new content): a browser
// keeps it a year without asking. Everything else (index.html, sw.js,
// robots.txt, …) keeps its name across builds: a browser revalidates it on
// every use, and gets 304 Not Modified while its ETag still matches.
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// staticFile is one file of a Static tree with its precompressed forms.
type staticFile struct {
	name string // base name, for the Content-Type
	etag string // quoted strong tag of the uncompressed content; variants add a suffix
	raw  []byte
	gz   []byte // the build's name.gz, or nil
	br   []byte // the build's name.br, or nil
	// immutable: served with cacheImmutable (a hashed asset).
	immutable bool
}

// Static serves the files of a built web client (clients/web/dist): each
// file as it is, or, when the request accepts it (Accept-Encoding), its
// precompressed form that the build wrote beside it (name.br, name.gz:
// brotli preferred, then gzip), with Vary: Accept-Encoding. The ".br" and
// ".gz" files themselves are not served under their own names. Every answer
// has a strong ETag (one per encoding of the same content) and answers
// If-None-Match with 304; files under assets/ are immutable for a year, the
// others are revalidated (no-cache). "/" is index.html. Range requests work
// as http.ServeContent does them (over the bytes of the chosen encoding).
//
// The tree is read once, at construction; it must not change afterwards
// (an embedded file system does not).
func Static(fsys fs.FS) (http.Handler, error) {
	files := map[string]*staticFile{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".gz") || strings.HasSuffix(p, ".br") {
			return err
		}
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		f := &staticFile{
			name:      path.Base(p),
			etag:      base64.RawURLEncoding.EncodeToString(sum[:12]),
			raw:       raw,
			immutable: strings.HasPrefix(p, "assets/"),
		}
		if b, err := fs.ReadFile(fsys, p+".gz"); err == nil {
			f.gz = b
		}
		if b, err := fs.ReadFile(fsys, p+".br"); err == nil {
			f.br = b
		}
		files[p] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	if files["index.html"] == nil {
		return nil, errors.New("static files: no index.html")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if p == "" {
			p = "index.html"
		}
		f := files[p]
		if f == nil {
			http.NotFound(w, r)
			return
		}
		f.serve(w, r)
	}), nil
}

func (f *staticFile) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if f.immutable {
		h.Set("Cache-Control", cacheImmutable)
	} else {
		h.Set("Cache-Control", cacheRevalidate)
	}
	body, enc := f.raw, ""
	if f.gz != nil || f.br != nil {
		h.Add("Vary", "Accept-Encoding")
		switch {
		case f.br != nil && accepts(r.Header.Get("Accept-Encoding"), "br"):
			body, enc = f.br, "br"
		case f.gz != nil && accepts(r.Header.Get("Accept-Encoding"), "gzip"):
			body, enc = f.gz, "gzip"
		}
	}
	tag := `"` + f.etag + `"`
	if enc != "" {
		tag = `"` + f.etag + "-" + enc + `"`
		h.Set("Content-Encoding", enc)
	}
	h.Set("ETag", tag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		if noneMatchHits(inm, f.etag) {
			// Any encoding's tag names the same content: the client's
			// copy (which it decoded) is current.
			delete(h, "Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(body))
}

// noneMatchHits reports whether an If-None-Match value names the content
// whose tag is base ("*", or base with or without an encoding suffix,
// weak or strong: If-None-Match compares weakly).
func noneMatchHits(inm, base string) bool {
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		t = strings.Trim(t, `"`)
		if t == base || strings.HasPrefix(t, base+"-") {
			return true
		}
	}
	return false
}

// accepts reports whether an Accept-Encoding value accepts coding: listed
// (or matched by "*") with a q-value above 0. A coding listed with q=0 is
// refused even when "*" accepts others.
func accepts(header, coding string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := 1.0
		for _, prm := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(prm), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				} else {
					q = 0
				}
			}
		}
		switch name {
		case coding:
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}
