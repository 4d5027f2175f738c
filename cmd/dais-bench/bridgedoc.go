package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/bridge/wantest"
)

// The bridge document's pages: one uncompressed RGB image of random bytes
// each (512 × 341 × 3 = 523,776 bytes), so that neither the leaf
// connection's compression nor anything else makes it smaller on the WAN.
const (
	docImageW     = 512
	docImageH     = 341
	docImageBytes = docImageW * docImageH * 3
	// docSeed makes the document the same in every run.
	docSeed = 14
	// docPhaseBound bounds the document phase (upload, show, downloads).
	docPhaseBound = 5 * time.Minute
)

// benchPDF returns a valid PDF of about size bytes that does not
// compress: pages of one image of random bytes (deterministic: seed),
// unfiltered, and a content stream drawing it. It passes Dais's upload
// pre-scan and validation like any scanned document.
func benchPDF(size int64, seed uint64) []byte {
	pages := int(max(1, (size+docImageBytes/2)/docImageBytes))
	rng := rand.NewChaCha8([32]byte{0: byte(seed), 1: byte(seed >> 8), 2: byte(seed >> 16), 3: byte(seed >> 24)})
	var b bytes.Buffer
	b.Grow(pages*(docImageBytes+400) + 1024)
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	// Objects: 1 catalog, 2 pages, then per page p (from 0): 3+3p page,
	// 4+3p contents, 5+3p image.
	n := 2 + 3*pages
	offsets := make([]int, n+1)
	obj := func(id int, body string) {
		offsets[id] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", id, body)
	}
	obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	var kids bytes.Buffer
	for p := range pages {
		fmt.Fprintf(&kids, "%d 0 R ", 3+3*p)
	}
	obj(2, fmt.Sprintf("<< /Type /Pages /Kids [ %s] /Count %d >>", kids.String(), pages))
	img := make([]byte, docImageBytes)
	for p := range pages {
		page, contents, image := 3+3*p, 4+3*p, 5+3*p
		obj(page, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>", image, contents))
		draw := fmt.Sprintf("q %d 0 0 %d 41 400 cm /Im1 Do Q", docImageW, docImageH)
		obj(contents, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(draw), draw))
		_, _ = rng.Read(img)
		offsets[image] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>\nstream\n",
			image, docImageW, docImageH, len(img))
		b.Write(img)
		b.WriteString("\nendstream\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", n+1)
	for id := 1; id <= n; id++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[id])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", n+1, xref)
	return b.Bytes()
}

// bridgeDocPhase: the secretary uploads a document of cfg.DocBytes (which
// does not compress) at the centre and the chair shows it; then
// cfg.DocTablets tablets at every site (all of them when 0) download it
// from their edge at once, by the document file route a tablet uses — in
// ranges of cfg.DocRange bytes as the web client's pdf.js does (its first
// two ranges in one request), or whole when 0. The
// bytes that crossed each site's WAN link towards the site meanwhile,
// divided by the document's size, say whether it crossed once per site
// (≈ 1) or once per tablet (≈ K). Every download's sha256 must be the
// uploaded file's.
func bridgeDocPhase(ctx context.Context, t *Target, cfg Config, res *Result, sec daisclient.Session, chair *daisclient.Client,
	links []*wantest.Link, urls []string, sess []daisclient.Session) error {
	ctx, cancel := context.WithTimeout(ctx, docPhaseBound)
	defer cancel()
	sites := len(links)
	per := len(sess) / sites
	k := cfg.DocTablets
	if k <= 0 || k > per {
		k = per
	}
	pdf := benchPDF(cfg.DocBytes, docSeed)
	path := filepath.Join(t.Bridge.Work, "bridge-doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		return err
	}
	sum := sha256.Sum256(pdf)
	want := hex.EncodeToString(sum[:])
	res.Params["doc_bytes"], res.Params["doc_tablets_per_site"], res.Params["doc_range_bytes"] = len(pdf), k, cfg.DocRange

	var doc meeting.Document
	up := time.Now()
	api := &daisclient.API{Base: t.url(0), Token: sec.Token}
	if err := api.Upload(ctx, url.Values{"title": {"Tài liệu điểm cầu (thử tải)"}}, bytes.NewReader(pdf), int64(len(pdf)), &doc); err != nil {
		return fmt.Errorf("uploading the %d-byte document: %w", len(pdf), err)
	}
	res.Metrics["doc_upload_ms"] = float64(time.Since(up).Milliseconds())
	if doc.SHA256 != want {
		res.fail("the uploaded document's sha256 is %s, the file's %s", doc.SHA256, want)
	}
	if _, err := chair.Do(ctx, meeting.ShowDocument{Document: doc.ID, Page: 1}); err != nil {
		return fmt.Errorf("showing the document: %w", err)
	}
	t.logf("bridge: a %d-byte document (%d pages) uploaded in %v and shown; %d tablets per site download it", len(pdf), doc.Pages, time.Since(up).Round(time.Millisecond), k)

	down0 := make([]int64, sites)
	for i, l := range links {
		_, down0[i] = l.Bytes()
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: k}}
	defer client.CloseIdleConnections()
	route := "/api/v1/meetings/" + url.PathEscape(t.Meetings[0].ID) + "/documents/" + url.PathEscape(doc.ID) + "/file"
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		bad  []string
		done int
	)
	start := time.Now()
	for s := range sites {
		for j := range k {
			tab := sess[s+j*sites] // tablet i is at site i % sites
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := sha256.New()
				err := fetchDoc(ctx, client, urls[s]+route, tab.Token, int64(len(pdf)), cfg.DocRange, h)
				got := hex.EncodeToString(h.Sum(nil))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					bad = append(bad, fmt.Sprintf("%s at site %d: %v", tab.Participant, s+1, err))
				case got != want:
					bad = append(bad, fmt.Sprintf("%s at site %d: sha256 %s, not the uploaded %s", tab.Participant, s+1, got, want))
				default:
					done++
				}
			}()
		}
	}
	wg.Wait()
	all := time.Since(start)
	for i, b := range bad {
		if i == 5 {
			res.fail("… and %d more downloads failed", len(bad)-5)
			break
		}
		res.fail("document download: %s", b)
	}
	var total int64
	worst := 0.0
	for i, l := range links {
		_, d := l.Bytes()
		d -= down0[i]
		total += d
		worst = max(worst, float64(d)/float64(len(pdf)))
	}
	mean := float64(total) / float64(sites)
	res.Metrics["doc_wan_bytes_per_site"] = mean
	res.Metrics["doc_wan_ratio_per_site"] = mean / float64(len(pdf))
	res.Metrics["doc_wan_ratio_worst_site"] = worst
	res.Metrics["doc_downloads"] = float64(done)
	res.Metrics["doc_all_tablets_ms"] = float64(all.Milliseconds())
	res.check("a document crosses the WAN once per site", fmt.Sprintf("≤ 1.1 × the document per site (%d tablets each: %d× if per tablet)", k, k),
		fmt.Sprintf("%.3f× (worst site), %d of %d downloads whole and equal", worst, done, sites*k), worst <= 1.1 && done == sites*k)
	res.Notes = append(res.Notes, fmt.Sprintf("document phase: %d bytes (%d pages of random images), %d tablets at each of %d sites, every one had it whole after %.2f s",
		len(pdf), doc.Pages, k, sites, all.Seconds()))
	return ctx.Err()
}

// fetchDoc reads the document at u (a document file route) into w, as the
// web client does when rng > 0 (clients/web core/ranges.ts): its first
// 2 × rng bytes, then rng bytes at a time, one range after the other, each
// answered 206 with its Content-Range; whole (200) when rng is 0. size is
// the file's size, what every range's Content-Range must say.
func fetchDoc(ctx context.Context, c *http.Client, u, token string, size, rng int64, w io.Writer) error {
	get := func(from, to int64) (int64, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		want := http.StatusOK
		if rng > 0 {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", from, to-1))
			want = http.StatusPartialContent
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != want {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			return 0, fmt.Errorf("GET %d-%d: %s %s", from, to-1, resp.Status, bytes.TrimSpace(b))
		}
		if rng > 0 {
			if cr, wantCR := resp.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-%d/%d", from, to-1, size); cr != wantCR {
				return 0, fmt.Errorf("Content-Range %q, want %q", cr, wantCR)
			}
		}
		return io.Copy(w, resp.Body)
	}
	if rng <= 0 {
		n, err := get(0, size)
		if err == nil && n != size {
			err = fmt.Errorf("%d bytes of %d", n, size)
		}
		return err
	}
	for off, first := int64(0), true; off < size; first = false {
		end := off + rng
		if first {
			end = off + 2*rng
		}
		end = min(end, size)
		n, err := get(off, end)
		if err != nil {
			return err
		}
		if n != end-off {
			return fmt.Errorf("range %d-%d: %d bytes", off, end-1, n)
		}
		off = end
	}
	return nil
}
