package storagetest

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/dais-meeting/dais/storage"
)

// runOffice checks storage.Registry (entries by kind, atomic updates, no
// lost update under concurrency, deletion, fn errors store nothing) and
// storage.ConsultationLogs (the Log guarantees in a namespace apart from
// the meetings').
func runOffice(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("RegistryEntries", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if _, err := s.GetEntry(ctx, "person", "huong"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetEntry(missing) err = %v, want ErrNotFound", err)
		}
		if list, err := s.ListEntries(ctx, "person"); err != nil || len(list) != 0 {
			t.Fatalf("ListEntries(empty) = %v, %v; want none", list, err)
		}
		put := func(kind, id, data string) {
			t.Helper()
			got, err := s.UpdateEntry(ctx, kind, id, func([]byte) ([]byte, error) { return []byte(data), nil })
			if err != nil || string(got) != data {
				t.Fatalf("UpdateEntry(%s, %s) = %q, %v", kind, id, got, err)
			}
		}
		put("person", "huong", `{"name":"Nguyễn Thị Hương"}`)
		put("person", "an", `{"name":"Lê Văn An"}`)
		put("committee", "huong", `{"name":"Ban Thường vụ"}`) // same id, another kind
		got, err := s.GetEntry(ctx, "person", "huong")
		if err != nil || string(got) != `{"name":"Nguyễn Thị Hương"}` {
			t.Fatalf("GetEntry = %q, %v", got, err)
		}
		list, err := s.ListEntries(ctx, "person")
		if err != nil || len(list) != 2 || list[0].ID != "an" || list[1].ID != "huong" || string(list[1].Data) != `{"name":"Nguyễn Thị Hương"}` {
			t.Fatalf("ListEntries(person) = %+v, %v; want an, huong", list, err)
		}
		// fn sees the old data; an error stores nothing.
		refusal := errors.New("refused")
		_, err = s.UpdateEntry(ctx, "person", "huong", func(old []byte) ([]byte, error) {
			if !bytes.Contains(old, []byte("Hương")) {
				t.Errorf("fn saw %q", old)
			}
			return nil, refusal
		})
		if !errors.Is(err, refusal) {
			t.Fatalf("UpdateEntry(fn error) err = %v, want fn's", err)
		}
		if got, _ := s.GetEntry(ctx, "person", "huong"); string(got) != `{"name":"Nguyễn Thị Hương"}` {
			t.Fatalf("a refused update changed the entry: %q", got)
		}
		// nil deletes.
		if _, err := s.UpdateEntry(ctx, "person", "an", func([]byte) ([]byte, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetEntry(ctx, "person", "an"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetEntry(deleted) err = %v", err)
		}
		if list, _ := s.ListEntries(ctx, "person"); len(list) != 1 {
			t.Fatalf("ListEntries after delete = %+v", list)
		}
		if list, _ := s.ListEntries(ctx, "committee"); len(list) != 1 || list[0].ID != "huong" {
			t.Fatalf("ListEntries(committee) = %+v", list)
		}
	})

	t.Run("RegistryNoLostUpdate", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		const n = 20
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = s.UpdateEntry(ctx, "counter", "c", func(old []byte) ([]byte, error) {
					v := 0
					if old != nil {
						v, _ = strconv.Atoi(string(old))
					}
					return []byte(strconv.Itoa(v + 1)), nil
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("update %d: %v", i, err)
			}
		}
		if got, err := s.GetEntry(ctx, "counter", "c"); err != nil || string(got) != fmt.Sprint(n) {
			t.Fatalf("after %d concurrent increments: %q, %v", n, got, err)
		}
	})

	t.Run("ConsultationLog", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if recs, err := s.ReadConsultation(ctx, "c1", 1, 0); err != nil || len(recs) != 0 {
			t.Fatalf("ReadConsultation(empty) = %v, %v", recs, err)
		}
		last, err := s.AppendConsultation(ctx, "c1", 0, events(`{"type":"ConsultationDrafted","data":{"title":"Lấy ý kiến về Đề án"}}`, "b"))
		if err != nil || last != 2 {
			t.Fatalf("AppendConsultation = %d, %v; want 2", last, err)
		}
		if _, err := s.AppendConsultation(ctx, "c1", 1, events("stale")); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("AppendConsultation(stale) err = %v, want ErrConflict", err)
		}
		if _, err := s.AppendConsultation(ctx, "c1", 2, nil); err == nil {
			t.Fatal("AppendConsultation(no events) succeeded")
		}
		if last, err = s.AppendConsultation(ctx, "c1", 2, events("c")); err != nil || last != 3 {
			t.Fatalf("AppendConsultation(2) = %d, %v", last, err)
		}
		recs, err := s.ReadConsultation(ctx, "c1", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantRecords(t, recs, 1, `{"type":"ConsultationDrafted","data":{"title":"Lấy ý kiến về Đề án"}}`, "b", "c")
		prev := storage.ZeroHash
		for _, r := range recs {
			if !bytes.Equal(r.Prev, prev) || !bytes.Equal(r.Hash, storage.ChainHash(prev, r.Seq, r.Data)) {
				t.Fatalf("record %d: chain link %x (prev %x), want %x", r.Seq, r.Hash, r.Prev, storage.ChainHash(prev, r.Seq, r.Data))
			}
			prev = r.Hash
		}
		part, err := s.ReadConsultation(ctx, "c1", 2, 1)
		if err != nil || len(part) != 1 || part[0].Seq != 2 || !bytes.Equal(part[0].Prev, recs[0].Hash) {
			t.Fatalf("ReadConsultation(2, 1) = %+v, %v", part, err)
		}
		// Apart from the meetings: same id, other log.
		if v := mustVersion(t, s, "c1"); v != 0 {
			t.Fatalf("a consultation's append shows in the meeting log c1: version %d", v)
		}
		mustAppend(t, s, "m1", 0, "x")
		ms, err := s.Meetings(ctx)
		if err != nil || len(ms) != 1 || ms[0] != "m1" {
			t.Fatalf("Meetings = %v, %v; want [m1]", ms, err)
		}
		if _, err := s.AppendConsultation(ctx, "c0", 0, events("a")); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Consultations(ctx)
		if err != nil || len(cs) != 2 || cs[0] != "c0" || cs[1] != "c1" {
			t.Fatalf("Consultations = %v, %v; want [c0 c1]", cs, err)
		}
	})

	t.Run("ConclusionLog", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if recs, err := s.ReadConclusion(ctx, "k1", 1, 0); err != nil || len(recs) != 0 {
			t.Fatalf("ReadConclusion(empty) = %v, %v", recs, err)
		}
		last, err := s.AppendConclusion(ctx, "k1", 0, events(`{"type":"ConclusionDrafted","data":{"title":"Kết luận về dự toán"}}`, "b"))
		if err != nil || last != 2 {
			t.Fatalf("AppendConclusion = %d, %v; want 2", last, err)
		}
		if _, err := s.AppendConclusion(ctx, "k1", 1, events("stale")); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("AppendConclusion(stale) err = %v, want ErrConflict", err)
		}
		if _, err := s.AppendConclusion(ctx, "k1", 2, nil); err == nil {
			t.Fatal("AppendConclusion(no events) succeeded")
		}
		if last, err = s.AppendConclusion(ctx, "k1", 2, events("c")); err != nil || last != 3 {
			t.Fatalf("AppendConclusion(2) = %d, %v", last, err)
		}
		recs, err := s.ReadConclusion(ctx, "k1", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantRecords(t, recs, 1, `{"type":"ConclusionDrafted","data":{"title":"Kết luận về dự toán"}}`, "b", "c")
		prev := storage.ZeroHash
		for _, r := range recs {
			if !bytes.Equal(r.Prev, prev) || !bytes.Equal(r.Hash, storage.ChainHash(prev, r.Seq, r.Data)) {
				t.Fatalf("record %d: chain link %x (prev %x), want %x", r.Seq, r.Hash, r.Prev, storage.ChainHash(prev, r.Seq, r.Data))
			}
			prev = r.Hash
		}
		// Apart from the meetings' and the consultations' logs.
		if v := mustVersion(t, s, "k1"); v != 0 {
			t.Fatalf("a conclusion's append shows in the meeting log k1: version %d", v)
		}
		if recs, err := s.ReadConsultation(ctx, "k1", 1, 0); err != nil || len(recs) != 0 {
			t.Fatalf("a conclusion's append shows in the consultation log k1: %v, %v", recs, err)
		}
		if _, err := s.AppendConsultation(ctx, "c9", 0, events("a")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AppendConclusion(ctx, "k0", 0, events("a")); err != nil {
			t.Fatal(err)
		}
		ks, err := s.Conclusions(ctx)
		if err != nil || len(ks) != 2 || ks[0] != "k0" || ks[1] != "k1" {
			t.Fatalf("Conclusions = %v, %v; want [k0 k1]", ks, err)
		}
		if cs, err := s.Consultations(ctx); err != nil || len(cs) != 1 || cs[0] != "c9" {
			t.Fatalf("Consultations = %v, %v; want [c9]", cs, err)
		}
	})
}
