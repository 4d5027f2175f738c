package storagetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/dais-meeting/dais/storage"
)

// runImport: a meeting's log and closed boxes read from one store and
// imported into another read back the same (records, chain links,
// tallies); a store that holds the meeting refuses a second import and
// changes nothing; a log whose chain was altered is refused and leaves
// nothing.
func runImport(t *testing.T, open func(t *testing.T) storage.Store) {
	src, ctx := open(t), t.Context()
	mustOpenBox(t, src, "m", spec("named", false))
	mustOpenBox(t, src, "m", spec("secret", true))
	mustAppend(t, src, "m", 0, "e1", "e2")
	voters := map[string]map[string]uint64{"named": {}, "secret": {}}
	for i, v := range []string{"v1", "v2", "v3"} {
		for _, p := range []string{"named", "secret"} {
			r := castWant(t, src, "m", ballot(p, v, p+v, choices[i%2]), storage.Accepted)
			voters[p][v] = r.Seq
		}
	}
	var boxes []storage.ArchivedBox
	for _, p := range []string{"named", "secret"} {
		tally, err := src.CloseBox(ctx, "m", p)
		if err != nil {
			t.Fatal(err)
		}
		boxes = append(boxes, storage.ArchivedBox{Spec: spec(p, p == "secret"), Tally: tally, Voters: voters[p]})
	}
	mustAppend(t, src, "m", 8, "e9")
	log := mustRead(t, src, "m", 1, 0)

	dst := open(t)
	imp, ok := dst.(storage.Importer)
	if !ok {
		t.Fatalf("%T does not implement storage.Importer", dst)
	}
	// An altered record: refused, nothing stored.
	bad := slices.Clone(log)
	bad[3].Data = []byte("ballot named/v1/changed")
	if err := imp.ImportMeeting(ctx, "m", bad, boxes); err == nil {
		t.Fatal("a log with an altered record was imported")
	}
	if v := mustVersion(t, dst, "m"); v != 0 {
		t.Fatalf("a refused import left a log at version %d", v)
	}
	if _, err := dst.Tally(ctx, "m", "named"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a refused import left a box: %v", err)
	}

	if err := imp.ImportMeeting(ctx, "m", log, boxes); err != nil {
		t.Fatalf("ImportMeeting: %v", err)
	}
	if got := mustRead(t, dst, "m", 1, 0); !reflect.DeepEqual(got, log) {
		t.Fatalf("imported log differs:\n%+v\n%+v", got, log)
	}
	if got := mustRead(t, dst, "m", 5, 2); !reflect.DeepEqual(got, log[4:6]) {
		t.Fatalf("a range of the imported log differs (its first Prev?):\n%+v\n%+v", got, log[4:6])
	}
	for _, b := range boxes {
		got := mustTally(t, dst, "m", b.Spec.Poll)
		if got.Voters != b.Tally.Voters || !got.Closed || !reflect.DeepEqual(got.Counts, b.Tally.Counts) || len(got.Ballots) != len(b.Tally.Ballots) {
			t.Fatalf("imported box %s: %+v, want %+v", b.Spec.Poll, got, b.Tally)
		}
		// Closed: a ballot is refused, even from a voter of the archive.
		castWant(t, dst, "m", ballot(b.Spec.Poll, "v9", "x", choices[0]), storage.BoxClosed)
	}
	if v := mustVersion(t, dst, "m"); v != 9 {
		t.Fatalf("version after import = %d, want 9", v)
	}
	// The chain goes on from the imported links.
	mustAppend(t, dst, "m", 9, "e10")
	after := mustRead(t, dst, "m", 10, 0)
	if want := storage.ChainHash(log[8].Hash, 10, []byte("e10")); !reflect.DeepEqual(after[0].Hash, want) {
		t.Fatalf("the append after an import does not chain on: %x", after[0].Hash)
	}
	ids, err := dst.Meetings(ctx)
	if err != nil || !slices.Equal(ids, []string{"m"}) {
		t.Fatalf("Meetings after import = %v, %v", ids, err)
	}
	// Twice: refused, nothing changed.
	if err := imp.ImportMeeting(ctx, "m", log, boxes); !errors.Is(err, storage.ErrExists) {
		t.Fatalf("second import: %v, want ErrExists", err)
	}
	if v := mustVersion(t, dst, "m"); v != 10 {
		t.Fatalf("version after a refused import = %d, want 10", v)
	}
}
