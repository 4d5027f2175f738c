package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// TestBridgeCopies: a site tablet's watermarked copy of a secret document,
// its annotated copy and its agenda packet are served by the edge: each
// made at the centre for that reader, its bytes crossing the WAN once per
// copy (counted through the link), re-downloads served from the edge's
// folder; another reader's copy is theirs (other bytes, fetched for them).
// During a cut a reader gets again what they had, and a copy they never
// had is refused 503 unavailable — also after the edge restarted during
// the cut (the record of who got which copy is in its store).
func TestBridgeCopies(t *testing.T) {
	const id = "bridge-copies"
	centre := startCentre(t)
	var cmds []meeting.Command
	for _, c := range largeMeeting(id, siteDelegates) {
		switch c := c.(type) {
		case meeting.AddDocument: // its blob is not stored: the packet needs real ones
			continue
		case meeting.AddAgendaItem:
			c.Item.Documents = nil
			cmds = append(cmds, c)
		default:
			cmds = append(cmds, c)
		}
	}
	seed(t, centre, id, cmds)
	data := t.TempDir()
	edge, link := startSite(t, centre, "bavi", func(c *config) { c.Data = data })
	link.Latency(t, 5, 2)

	// A Mật document (downloads allowed, watermarked per reader) on the
	// agenda, uploaded at the centre.
	sec := tokenFor(t, centre, id, "sec")
	var pdf bytes.Buffer
	if err := centre.pdfs.Generate(context.Background(), &pdf, "Báo cáo mật về quy hoạch", 80, nil); err != nil {
		t.Fatal(err)
	}
	A := "/api/v1/meetings/" + id
	code, body := request(t, http.MethodPost, baseURL(centre)+A+"/documents?title=quy-hoach&level=mat", sec, pdf.Bytes())
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	var doc meeting.Document
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if _, err := centre.svc.Execute(timeoutCtx(t, 10*time.Second), id, meeting.Actor{Participant: "sec"}, meeting.AttachDocument{Item: "i2", Document: doc.ID}); err != nil {
		t.Fatal(err)
	}

	// Two Ba Vì delegates, signed in at the edge; d05 annotates the
	// document through the edge.
	d05 := signIn(t, centre, edge, id, delegateID(4), meeting.RoleDelegate)
	d06 := signIn(t, centre, edge, id, delegateID(5), meeting.RoleDelegate)
	d05.dial(t, []*node{centre, edge}, 1)
	d05.do(t, meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "n1", Document: doc.ID, Page: 1, Kind: meeting.AnnotationHighlight,
		Color: "#FFEB3B", Rect: [4]float64{0.1, 0.1, 0.6, 0.2}}})

	E := baseURL(edge) + A
	get := func(d *device, path string) (int, []byte) {
		t.Helper()
		code, body, _ := fetch(t, E+path, d.token, map[string]string{"X-Dais-Device": "tab-" + d.id})
		return code, body
	}
	// crossed runs f and returns the bytes that crossed the WAN towards
	// the site meanwhile.
	crossed := func(f func()) int64 {
		_, down0 := link.Bytes()
		f()
		_, down1 := link.Bytes()
		return down1 - down0
	}
	copies := map[string][]byte{}
	for _, c := range []struct{ name, path string }{
		{"watermarked", "/documents/" + doc.ID + "/file"},
		{"annotated", "/documents/" + doc.ID + "/annotated"},
		{"packet", "/packet.pdf"},
	} {
		var first []byte
		once := crossed(func() {
			code, body := get(d05, c.path)
			if code != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) {
				t.Fatalf("%s: %d %.200s", c.name, code, body)
			}
			first = body
		})
		again := crossed(func() {
			for range 3 {
				if code, body := get(d05, c.path); code != http.StatusOK || !bytes.Equal(body, first) {
					t.Fatalf("%s again: %d, %d bytes (want the same %d)", c.name, code, len(body), len(first))
				}
			}
		})
		t.Logf("%s copy: %d bytes; its first download crossed %d bytes of the WAN, three more %d", c.name, len(first), once, again)
		// (The leaf connection compresses: a copy may cross as less than
		// its size; the re-downloads cross only their questions.)
		if once < int64(len(first))/4 || once > int64(len(first))+64<<10 {
			t.Fatalf("%s: the first download crossed %d bytes for a %d-byte copy", c.name, once, len(first))
		}
		if again > 32<<10 || again > once/4 {
			t.Fatalf("%s: three re-downloads crossed %d bytes: the copy crossed again", c.name, again)
		}
		copies[c.name] = first
	}
	if bytes.Equal(copies["watermarked"], copies["annotated"]) || bytes.Equal(copies["watermarked"], pdf.Bytes()) {
		t.Fatal("the annotated copy, or the document as uploaded, is the watermarked copy")
	}
	// d06's watermarked copy is its own: other bytes, fetched for d06.
	var theirs []byte
	once := crossed(func() {
		code, body := get(d06, "/documents/"+doc.ID+"/file")
		if code != http.StatusOK {
			t.Fatalf("d06's copy: %d %s", code, body)
		}
		theirs = body
	})
	if bytes.Equal(theirs, copies["watermarked"]) || once < int64(len(theirs))/4 {
		t.Fatalf("d06's copy: the same bytes as d05's %v, crossed %d bytes for %d", bytes.Equal(theirs, copies["watermarked"]), once, len(theirs))
	}

	// The centre registered d05's copy once (its device's), however many
	// chunks and opens it took.
	st, err := centre.svc.State(timeoutCtx(t, 5*time.Second), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range st.Copies {
		if r.Participant == d05.id && r.Document == doc.ID {
			n++
			if r.Device != "tab-"+d05.id {
				t.Fatalf("d05's copy registered for device %q", r.Device)
			}
		}
	}
	if n != 1 {
		t.Fatalf("d05's copies in the register: %d, want 1", n)
	}

	// The cut: d05 has its three copies; d06 never had an annotated copy
	// or a packet.
	link.Cut()
	waitLink(t, edge, false)
	duringCut := func(when string) {
		t.Helper()
		for name, path := range map[string]string{"watermarked": "/documents/" + doc.ID + "/file", "annotated": "/documents/" + doc.ID + "/annotated", "packet": "/packet.pdf"} {
			if code, body := get(d05, path); code != http.StatusOK || !bytes.Equal(body, copies[name]) {
				t.Fatalf("d05's %s copy during the cut%s: %d, %d bytes", name, when, code, len(body))
			}
		}
		if code, body := get(d06, "/documents/"+doc.ID+"/file"); code != http.StatusOK || !bytes.Equal(body, theirs) {
			t.Fatalf("d06's copy during the cut%s: %d", when, code)
		}
		for _, path := range []string{"/documents/" + doc.ID + "/annotated", "/packet.pdf"} {
			code, body := get(d06, path)
			if c, _ := refusal(t, body); code != http.StatusServiceUnavailable || c != meeting.Unavailable {
				t.Fatalf("d06's %s during the cut%s: %d %s", path, when, code, body)
			}
			if !bytes.Contains(body, []byte("mất kết nối")) {
				t.Fatalf("d06's %s during the cut%s does not say why: %s", path, when, body)
			}
		}
	}
	duringCut("")

	// The edge restarts during the cut, on its folder: each reader still
	// gets the copies they had, and only those.
	if err := edge.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	again, err := startNode(timeoutCtx(t, 15*time.Second), config{
		Listen: "127.0.0.1:0", Data: data, Name: "bavi",
		Edge:         &edgeConfig{Remotes: edge.cfg.Edge.Remotes, PingEvery: 200 * time.Millisecond, CentreKey: testBridgePublic()},
		DrainTimeout: 5 * time.Second, Logger: testLogger("bavi-again"),
	})
	if err != nil {
		t.Fatalf("starting the edge again: %v", err)
	}
	t.Cleanup(func() { _ = again.shutdown(context.Background()) })
	if again.edge.LinkUp() {
		t.Fatal("the restarted edge sees the link up during the cut")
	}
	edge, E = again, baseURL(again)+A
	duringCut(" after the edge's restart")
	link.Restore(t)
	waitLink(t, edge, true)
	if code, _ := get(d06, "/packet.pdf"); code != http.StatusOK {
		t.Fatalf("d06's packet after the cut: %d", code)
	}
}
