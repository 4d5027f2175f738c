package bridge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/meetingtest"
)

// readerDocs is the centre's documents made for each reader, as a
// watermarked copy, an annotated copy and a packet are: bytes naming the
// reader, personal (no public hash).
type readerDocs struct{}

func (readerDocs) file(what, docID string, sess access.Session) (*documents.File, error) {
	if docID != "doc1" && what != whatPacket {
		return nil, meeting.Errorf(meeting.NotFound, "không có", "no such document")
	}
	b := bytes.Repeat([]byte(fmt.Sprintf("%s %s for %s\n", what, docID, sess.Participant)), 40)
	sum := sha256.Sum256(b)
	return &documents.File{ReadSeekCloser: readSeekNopCloser{bytes.NewReader(b)}, Name: docID + ".pdf",
		ETag: "p-" + hex.EncodeToString(sum[:8]), Personal: true}, nil
}

func (d readerDocs) Open(_ context.Context, sess access.Session, docID string, _ ...documents.Request) (*documents.File, error) {
	return d.file("copy", docID, sess)
}

func (d readerDocs) Annotated(_ context.Context, sess access.Session, docID string, _ ...documents.Request) (*documents.File, error) {
	return d.file(whatAnnotated, docID, sess)
}

func (d readerDocs) Packet(_ context.Context, sess access.Session, _ ...documents.Request) (*documents.File, error) {
	return d.file(whatPacket, "", sess)
}

// TestGivenCopiesAcrossRestart: the copies readers were given (watermarked,
// annotated, packet) are given again during a cut by an edge restarted
// during that cut — the record of who got which is in the edge's store;
// a copy a reader never had is still refused Unavailable, and an edge
// without the store (as before) refuses them all. The records go with
// their files when the folder's bound removes them.
func TestGivenCopiesAcrossRestart(t *testing.T) {
	const id = "given"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	w := startEdgeWithDocs(t, ctx, id, readerDocs{}, nil)
	w.caughtUp(t, ctx, id)
	d1, d2 := w.signIn(t, ctx, id, "d1"), w.signIn(t, ctx, id, "d2")
	dir := t.TempDir()
	fs, err := w.edge.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	fs.Bound(ctx, -1, w.local)

	type copyOf struct {
		name string
		open func(*Files, access.Session) (*documents.File, error)
	}
	copies := []copyOf{
		{"watermarked", func(fs *Files, s access.Session) (*documents.File, error) { return fs.Open(ctx, s, "doc1") }},
		{"annotated", func(fs *Files, s access.Session) (*documents.File, error) { return fs.Annotated(ctx, s, "doc1") }},
		{"packet", func(fs *Files, s access.Session) (*documents.File, error) { return fs.Packet(ctx, s) }},
	}
	read := func(f *documents.File, err error) ([]byte, error) {
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	had := map[string][]byte{}
	for _, c := range copies {
		b, err := read(c.open(fs, d1))
		if err != nil || !bytes.Contains(b, []byte("for d1")) {
			t.Fatalf("d1's %s copy: %q, %v", c.name, b, err)
		}
		had[c.name] = b
	}
	d2Copy, err := read(copies[0].open(fs, d2))
	if err != nil || !bytes.Contains(d2Copy, []byte("for d2")) || bytes.Equal(d2Copy, had["watermarked"]) {
		t.Fatalf("d2's watermarked copy: %q, %v", d2Copy, err)
	}
	records := func() int {
		entries, err := w.store.ListEntries(ctx, givenKind)
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	waitUntil(t, ctx, func() bool { return records() == 4 }, "the 4 records in the edge's store")

	// The link is cut, and the edge restarts during the cut, on its store
	// and folder.
	w.link.cut.Store(true)
	waitUntil(t, ctx, func() bool { return !w.edge.LinkUp() }, "the link to be cut")
	w.edge.Close()
	edge2 := NewEdge(w.cfg, w.link, w.store)
	t.Cleanup(edge2.Close)
	fs2, err := edge2.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	fs2.Bound(ctx, -1, w.local)
	if edge2.LinkUp() {
		t.Fatal("the restarted edge sees the link up during the cut")
	}
	for _, c := range copies {
		b, err := read(c.open(fs2, d1))
		if err != nil || !bytes.Equal(b, had[c.name]) {
			t.Fatalf("after the restart during the cut, d1's %s copy: %d bytes, %v; want the %d bytes d1 had", c.name, len(b), err, len(had[c.name]))
		}
	}
	if b, err := read(copies[0].open(fs2, d2)); err != nil || !bytes.Equal(b, d2Copy) {
		t.Fatalf("after the restart, d2's watermarked copy: %q, %v", b, err)
	}
	// What d2 never had is not given (not d1's, not anything).
	for _, c := range copies[1:] {
		_, err := c.open(fs2, d2)
		var me *meeting.Error
		if !errors.As(err, &me) || me.Code != meeting.Unavailable {
			t.Fatalf("d2's %s copy during the cut, never had: %v; want unavailable", c.name, err)
		}
	}
	// Without the store (in memory, as before) the restarted edge has no
	// record: d1 is refused what they had.
	noStore := w.cfg
	noStore.Given = nil
	edge3 := NewEdge(noStore, w.link, w.store)
	t.Cleanup(edge3.Close)
	fs3, err := edge3.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := copies[0].open(fs3, d1); err == nil {
		t.Fatal("an edge without the records gave d1 a copy during the cut")
	}
	edge3.Close()

	// The folder's bound removes the files (none is kept: the meeting is
	// not in session), and their records go with them, in the store too.
	fs2.Bound(ctx, 1, w.local)
	if n := fs2.Size(); n != 0 {
		t.Fatalf("the folder holds %d bytes under a 1-byte bound", n)
	}
	waitUntil(t, ctx, func() bool { return records() == 0 }, "no record left in the store after their files went")
	if _, err := copies[0].open(fs2, d1); err == nil {
		t.Fatal("a copy whose file was removed was given during the cut")
	}
	if des, _ := os.ReadDir(dir); len(des) != 0 {
		t.Fatalf("the folder still holds %d files", len(des))
	}
}

// TestGivenBounded: past maxGiven records the oldest tenth is forgotten.
func TestGivenBounded(t *testing.T) {
	fs := &Files{given: map[string]givenCopy{}}
	start := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for i := range maxGiven {
		fs.given[fmt.Sprintf("m/d%05d/doc1", i)] = givenCopy{fileMeta: fileMeta{ETag: "e"}, At: start.Add(time.Duration(i) * time.Second)}
	}
	if dropped := fs.trimGiven(); len(dropped) != 0 {
		t.Fatalf("%d dropped at the bound", len(dropped))
	}
	fs.given["m/new/doc1"] = givenCopy{fileMeta: fileMeta{ETag: "e"}, At: start.Add(time.Hour * 24)}
	dropped := fs.trimGiven()
	if len(fs.given) != maxGiven*9/10 || len(dropped) != maxGiven+1-maxGiven*9/10 {
		t.Fatalf("%d kept, %d dropped", len(fs.given), len(dropped))
	}
	for _, k := range dropped {
		if k >= fmt.Sprintf("m/d%05d", len(dropped)) {
			t.Fatalf("%s dropped, not among the oldest", k)
		}
	}
	if _, ok := fs.given["m/new/doc1"]; !ok {
		t.Fatal("the newest record was dropped")
	}
}

// countingDocs counts the centre's opens of a reader's copy.
type countingDocs struct {
	readerDocs
	opens *atomic.Int32
}

func (d countingDocs) Open(ctx context.Context, sess access.Session, docID string, req ...documents.Request) (*documents.File, error) {
	d.opens.Add(1)
	return d.readerDocs.Open(ctx, sess, docID, req...)
}

// TestConfirmedRangesAskOnce: a reader's next ranges of the copy the
// centre just gave them are served without asking again (one WAN round
// trip per range made a 20 MB file take 26.6 s at a site), but only for
// that reader and copy, and only until the meeting takes a new event — a
// take-back or a revocation is an event, and the next range asks again.
func TestConfirmedRangesAskOnce(t *testing.T) {
	const id = "confirm"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var opens atomic.Int32
	w := startEdgeWithDocs(t, ctx, id, countingDocs{opens: &opens}, nil)
	w.caughtUp(t, ctx, id)
	d1, d2 := w.signIn(t, ctx, id, "d1"), w.signIn(t, ctx, id, "d2")
	fs, err := w.edge.Files(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fs.Bound(ctx, -1, w.local)
	read := func(s access.Session) []byte {
		t.Helper()
		f, err := fs.Open(ctx, s, "doc1")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := read(d1)
	once := opens.Load() // the centre's opens of one ask (its answer, the download)
	if once == 0 {
		t.Fatal("the centre was not asked")
	}
	for range 5 {
		if b := read(d1); !bytes.Equal(b, first) {
			t.Fatal("a range of the confirmed copy is another file")
		}
	}
	if n := opens.Load(); n != once {
		t.Fatalf("six opens of one reader's copy: the centre opened it %d times, %d for the first alone", n, once)
	}
	// Another reader is asked about (their copy is theirs).
	if b := read(d2); !bytes.Contains(b, []byte("for d2")) || opens.Load() <= once {
		t.Fatalf("another reader was not asked about: %d opens", opens.Load())
	}
	// A new event of the meeting: the next range asks again.
	before := w.edge.epochs.get(id)
	if _, err := w.svc.Execute(ctx, id, meetingtest.Secretary, meeting.AddParticipant{Participant: meeting.Participant{ID: "d9", Name: "Phạm Văn Chín", Role: meeting.RoleDelegate, Room: "main"}}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, ctx, func() bool { return w.edge.epochs.get(id) > before }, "the replica to take the event")
	asked := opens.Load()
	read(d1)
	if opens.Load() == asked {
		t.Fatal("after an event of the meeting, a range was served without asking the centre")
	}
	asked = opens.Load()
	read(d1)
	if opens.Load() != asked {
		t.Fatal("the range right after a fresh yes asked again")
	}
}
