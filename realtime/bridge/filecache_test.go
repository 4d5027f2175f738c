package bridge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/bolt"
	storeseal "github.com/dais-meeting/dais/storage/seal"
)

// fakeDocs is the centre's documents: fixed bytes per document, public
// (the ETag is their sha256).
type fakeDocs struct {
	files map[string][]byte
}

type readSeekNopCloser struct{ *bytes.Reader }

func (readSeekNopCloser) Close() error { return nil }

func (f *fakeDocs) Open(_ context.Context, _ access.Session, docID string, _ ...documents.Request) (*documents.File, error) {
	b, ok := f.files[docID]
	if !ok {
		return nil, meeting.Errorf(meeting.NotFound, "không có", "no such document")
	}
	sum := sha256.Sum256(b)
	return &documents.File{ReadSeekCloser: readSeekNopCloser{bytes.NewReader(b)}, Name: docID + ".pdf", ETag: hex.EncodeToString(sum[:])}, nil
}

// edgeWithDocs is a centre (store, service, sessions, a hub serving docs)
// and an edge following meeting id, with its replica's service.
type edgeWithDocs struct {
	svc    *service.Service
	acc    *access.Service
	edge   *Edge
	local  *service.Service
	link   *countingLink
	centre *bolt.Store
	// store is the edge's (its replica, sessions and records); cfg is
	// the edge's, to start it again on the same store.
	store *bolt.Store
	cfg   EdgeConfig
}

func startEdgeWithDocs(t *testing.T, ctx context.Context, id string, docs HubDocuments, extra []meeting.Command) *edgeWithDocs {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus, err := natsbus.Open(ctx, natsbus.Config{Name: "docs-test", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	centreStore, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: new(storeseal.NewKey())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { centreStore.Close() })
	svc := service.New(centreStore, bus, service.Options{Logger: log})
	cmds := meetingtest.SmallMeeting(id)
	cmds = append(append(cmds[:len(cmds)-1:len(cmds)-1], extra...), cmds[len(cmds)-1])
	for _, c := range cmds {
		if _, err := svc.Execute(ctx, id, meetingtest.Secretary, c); err != nil {
			t.Fatalf("seeding %s: %v", c.CommandName(), err)
		}
	}
	acc := access.New(centreStore, svc, access.Options{Logger: log})
	hub, err := NewHub(HubConfig{Key: testKey, Logger: log}, bus, centreStore, acc, svc, docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	edgeStore, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { edgeStore.Close() })
	link := &countingLink{cuttableLink: &cuttableLink{Bus: bus}, fetches: map[string]int{}}
	cfg := EdgeConfig{Site: "s1", Meetings: []string{id}, CentreKey: testPublic, LinkCheck: 10 * time.Millisecond,
		TailCheck: 20 * time.Millisecond, Given: edgeStore, Logger: log}
	edge := NewEdge(cfg, link, edgeStore)
	t.Cleanup(edge.Close)
	waitUntil(t, ctx, edge.LinkUp, "the link to come up")
	return &edgeWithDocs{svc: svc, acc: acc, edge: edge, local: service.New(edgeStore, nil, service.Options{Logger: log}), link: link, centre: centreStore,
		store: edgeStore, cfg: cfg}
}

// caughtUp waits until the edge's replica holds the centre's log.
func (w *edgeWithDocs) caughtUp(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	want, err := w.svc.Version(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, ctx, func() bool { v, _ := w.local.Version(ctx, id); return v >= want }, "the replica to catch up")
}

// signIn is a session of participant at the centre (its token is what the
// edge forwards).
func (w *edgeWithDocs) signIn(t *testing.T, ctx context.Context, id, participant string) access.Session {
	t.Helper()
	code, err := w.acc.Invite(ctx, id, participant)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := w.acc.Join(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// TestFilesFolderBound: the edge's documents folder is kept within its
// bound by removing the least recently used files — never a document on
// the agenda of the meeting in session, even past the bound, and again
// after a restart of the edge's folder (the references kept beside each
// file) — and a removed file is fetched again when it is next opened. Once
// the meeting is closed its agenda's documents go like any other.
func TestFilesFolderBound(t *testing.T) {
	const id = "bound"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	docs := &fakeDocs{files: map[string][]byte{}}
	var extra []meeting.Command
	for i, d := range []string{"doc1", "doc2", "doc3", "doc4", "doc5"} {
		b := bytes.Repeat([]byte{byte('a' + i)}, 1000)
		docs.files[d] = b
		if d == "doc1" {
			continue // SmallMeeting's, on the agenda (i2)
		}
		sum := sha256.Sum256(b)
		extra = append(extra, meeting.AddDocument{Document: meeting.Document{ID: d, Title: "Tài liệu " + d, Pages: 1, SHA256: hex.EncodeToString(sum[:])}})
	}
	w := startEdgeWithDocs(t, ctx, id, docs, extra)
	chair := meeting.Actor{Participant: meetingtest.Chair}
	// (doc1's stored hash is SmallMeeting's, not its bytes' here: the edge
	// keeps it by what it is a copy of, meeting/doc.)
	if _, err := w.svc.Execute(ctx, id, chair, meeting.OpenSession{}); err != nil {
		t.Fatal(err)
	}
	w.caughtUp(t, ctx, id)
	sess := w.signIn(t, ctx, id, "d1")

	dir := t.TempDir()
	fs, err := w.edge.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	fs.Bound(ctx, 3500, w.local)
	open := func(fs *Files, doc string) {
		t.Helper()
		f, err := fs.Open(ctx, sess, doc)
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil || !bytes.Equal(b, docs.files[doc]) {
			t.Fatalf("%s: %d bytes (%v)", doc, len(b), err)
		}
		time.Sleep(2 * time.Millisecond) // distinct last uses, in order
	}
	inFolder := func(fs *Files, want ...string) {
		t.Helper()
		var got []string
		for d, b := range docs.files {
			sum := sha256.Sum256(b)
			if _, err := os.Stat(filepath.Join(dir, cacheName(hex.EncodeToString(sum[:])))); err == nil {
				got = append(got, d)
			}
		}
		sort.Strings(got)
		if !equalStrings(got, want) {
			t.Fatalf("the folder holds %v, want %v", got, want)
		}
		if n := fs.Size(); n != int64(1000*len(want)) {
			t.Fatalf("the folder counts %d bytes, want %d", n, 1000*len(want))
		}
	}

	for _, d := range []string{"doc1", "doc2", "doc3"} {
		open(fs, d)
	}
	inFolder(fs, "doc1", "doc2", "doc3")
	open(fs, "doc4") // over: doc2 goes (doc1 is older, but on the agenda)
	inFolder(fs, "doc1", "doc3", "doc4")
	open(fs, "doc3")
	open(fs, "doc5") // over: doc4 goes, the least recently used now
	inFolder(fs, "doc1", "doc3", "doc5")
	open(fs, "doc2") // fetched again
	inFolder(fs, "doc1", "doc2", "doc5")
	if n := w.link.count("doc2"); n != 2 {
		t.Fatalf("doc2 fetched %d times, want 2 (once more after it was removed)", n)
	}

	// The edge restarts: the folder is read again, with what each file
	// is a copy of; a smaller bound keeps doc1 even past it.
	fs2, err := w.edge.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := fs2.Size(); n != 3000 {
		t.Fatalf("the folder read again counts %d bytes", n)
	}
	fs2.Bound(ctx, 500, w.local)
	inFolder(fs2, "doc1")

	// The meeting closes: doc1 is an old file like any other.
	if _, err := w.svc.Execute(ctx, id, chair, meeting.CloseMeeting{}); err != nil {
		t.Fatal(err)
	}
	w.caughtUp(t, ctx, id)
	fs2.Bound(ctx, 1500, w.local)
	open(fs2, "doc3")
	inFolder(fs2, "doc3")
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (f *fakeDocs) Annotated(ctx context.Context, sess access.Session, docID string, req ...documents.Request) (*documents.File, error) {
	return f.Open(ctx, sess, docID, req...)
}

func (f *fakeDocs) Packet(context.Context, access.Session, ...documents.Request) (*documents.File, error) {
	return nil, meeting.Errorf(meeting.NotFound, "không có", "no packet")
}

// countingLink counts the edge's requests for a file's bytes (not only
// what it is) by document and kind: each file fetched is one such request
// per MB.
type countingLink struct {
	*cuttableLink
	mu      sync.Mutex
	fetches map[string]int // by "kind doc"
}

func (l *countingLink) RequestFirst(ctx context.Context, subject string, data []byte, accept func([]byte) bool) ([]byte, error) {
	if _, kind, _, ok := parseSubject(subject); ok && kind == "file" {
		var req fileRequest
		if json.Unmarshal(data, &req) == nil && req.Length > 0 {
			l.mu.Lock()
			l.fetches[strings.TrimSpace(req.Kind+" "+req.Doc)]++
			l.mu.Unlock()
		}
	}
	return l.cuttableLink.RequestFirst(ctx, subject, data, accept)
}

func (l *countingLink) count(what string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fetches[what]
}
