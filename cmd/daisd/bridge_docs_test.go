package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// TestBridgeDocuments is stage 4 of issue 14: a document crosses the WAN
// once per site, not once per tablet (counted in bytes through the link),
// the edge serves it with ETag and ranges as a central node does, and a
// tablet that had it reads it again while the link is cut.
func TestBridgeDocuments(t *testing.T) {
	centre := startCentre(t)
	edge, link := startSite(t, centre, "bavi")
	link.Latency(t, 5, 2)
	site := siteDevices(t, centre, edge)

	var pdfBuf bytes.Buffer
	if err := centre.pdfs.Generate(context.Background(), &pdfBuf, "Báo cáo quy hoạch tỉnh", 120, nil); err != nil {
		t.Fatal(err)
	}
	pdf := pdfBuf.Bytes()
	sum := sha256.Sum256(pdf)
	sec := tokenFor(t, centre, bridgeMeeting, "sec")
	code, body := request(t, http.MethodPost, baseURL(centre)+"/api/v1/meetings/"+bridgeMeeting+"/documents?title=quy-hoach", sec, pdf)
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	var doc meeting.Document
	if err := json.Unmarshal(body, &doc); err != nil || doc.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("upload answered %s", body)
	}
	path := baseURL(edge) + "/api/v1/meetings/" + bridgeMeeting + "/documents/" + doc.ID + "/file"

	get := func(d *device, rng string) (*http.Response, []byte) {
		req, _ := http.NewRequestWithContext(timeoutCtx(t, 20*time.Second), http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+d.token)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", d.id, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	_, down0 := link.Bytes()
	// Every site tablet at once, twice.
	for round := range 2 {
		var wg sync.WaitGroup
		errs := make(chan error, len(site))
		for _, d := range site {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer "+d.token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK || !bytes.Equal(b, pdf) || resp.Header.Get("ETag") != `"`+doc.SHA256+`"` {
					errs <- fmt.Errorf("round %d, %s: %d, %d bytes (want %d), ETag %s", round, d.id, resp.StatusCode, len(b), len(pdf), resp.Header.Get("ETag"))
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	_, down1 := link.Bytes()
	crossed := down1 - down0
	t.Logf("a %d-byte document to %d tablets, twice: %d bytes crossed the WAN towards the site", len(pdf), len(site), crossed)
	// (The leaf connection compresses: once can be less than the file.)
	if crossed > int64(len(pdf))+int64(len(pdf))/20+64<<10 {
		t.Fatalf("%d bytes crossed the WAN for a %d-byte document: want it once (plus requests)", crossed, len(pdf))
	}

	// Ranges and revalidation, as at a central node.
	resp, part := get(site[0], "bytes=100-199")
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(part, pdf[100:200]) {
		t.Fatalf("range: %d, %d bytes", resp.StatusCode, len(part))
	}

	// Cut: a tablet that had it reads it from the edge.
	link.Cut()
	waitLink(t, edge, false)
	resp, b := get(site[1], "")
	if resp.StatusCode != http.StatusOK || !bytes.Equal(b, pdf) {
		t.Fatalf("during the cut: %d, %d bytes", resp.StatusCode, len(b))
	}
	link.Restore(t)
	waitLink(t, edge, true)
}
