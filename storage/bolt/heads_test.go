package bolt

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/dais-meeting/dais/storage"
)

// openTemp opens a store in a fresh folder, closed when the test ends.
func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestReadPastTheHead: once a Store knows where a log ends, a read from
// beyond it opens no transaction; and every way records reach a log — an
// append, a ballot batch, an import, a consultation's append — moves the
// end, so a read from the old end finds them.
func TestReadPastTheHead(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	txs := func() int { return s.db.Stats().TxN }
	read := func(t *testing.T, from uint64, want []string, tx bool) {
		t.Helper()
		before := txs()
		recs, err := s.Read(ctx, "m", from, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs {
			got = append(got, string(r.Data))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Read(m, %d) = %v, want %v", from, got, want)
		}
		if opened := txs() - before; opened != 0 != tx {
			t.Fatalf("Read(m, %d) opened %d read transactions, want one: %v", from, opened, tx)
		}
	}

	read(t, 1, nil, true)  // unknown: looked up, found empty
	read(t, 1, nil, false) // known empty
	if _, err := s.Append(ctx, "m", 0, [][]byte{[]byte("e1"), []byte("e2")}); err != nil {
		t.Fatal(err)
	}
	read(t, 3, nil, false) // the append moved the head to 2
	read(t, 2, []string{"e2"}, true)

	if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "p", Choices: []string{"yes", "no"}}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p", Voter: "v", BallotID: "b", Choice: "yes"}, []byte("ballot")); err != nil || r.Seq != 3 {
		t.Fatalf("Cast: %+v, %v", r, err)
	}
	read(t, 3, []string{"ballot"}, true)
	read(t, 4, nil, false)

	// A meeting imported after a read found it empty.
	if recs, err := s.Read(ctx, "imported", 1, 0); err != nil || len(recs) != 0 {
		t.Fatalf("Read(imported) before the import: %v, %v", recs, err)
	}
	log := []storage.Record{{Seq: 1, Data: []byte("i1")}, {Seq: 2, Data: []byte("i2")}}
	if err := s.ImportMeeting(ctx, "imported", log, nil); err != nil {
		t.Fatal(err)
	}
	if recs, err := s.Read(ctx, "imported", 2, 0); err != nil || len(recs) != 1 || string(recs[0].Data) != "i2" {
		t.Fatalf("Read(imported, 2) after the import: %v, %v", recs, err)
	}

	// A consultation's log has a head of its own, apart from a meeting of the same id.
	if recs, err := s.ReadConsultation(ctx, "m", 1, 0); err != nil || len(recs) != 0 {
		t.Fatalf("ReadConsultation(m) before: %v, %v", recs, err)
	}
	if _, err := s.AppendConsultation(ctx, "m", 0, [][]byte{[]byte("c1")}); err != nil {
		t.Fatal(err)
	}
	if recs, err := s.ReadConsultation(ctx, "m", 1, 0); err != nil || len(recs) != 1 {
		t.Fatalf("ReadConsultation(m) after its append: %v, %v", recs, err)
	}
	read(t, 4, nil, false)
}

// TestHeadsOnlyRise: readers that saw an older end and appends racing
// them leave the head at the last committed record; no read from the
// writers' answers misses a record.
func TestHeadsOnlyRise(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	const n = 200
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Read(ctx, "m", 1, 0); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range uint64(n) {
		last, err := s.Append(ctx, "m", i, [][]byte{fmt.Appendf(nil, "e%d", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := s.Read(ctx, "m", last, 0)
		if err != nil || len(recs) != 1 || recs[0].Seq != last {
			t.Fatalf("Read(m, %d) right after its append: %v, %v", last, recs, err)
		}
	}
	close(stop)
	wg.Wait()
	if head, ok := s.heads.known(bucketLog, "m"); !ok || head != n {
		t.Fatalf("head %d (known %v), want %d", head, ok, n)
	}
}
