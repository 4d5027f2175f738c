package audit_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/seal"
)

var (
	ot0       = time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	secretary = office.Actor{Secretary: true, Account: "vanphong"}
	people    = []office.Person{
		{ID: "m1", Name: "Trần Văn Bình"},
		{ID: "m2", Name: "Lê Thị Phương", Unit: "Ban Tuyên giáo"},
		{ID: "m3", Name: "Đặng Quốc Việt"},
	}
	committee = office.Committee{ID: "btv", Name: "Ban Thường vụ Tỉnh ủy", Members: []office.Member{
		{Person: "m1", Chair: true}, {Person: "m2"}, {Person: "m3"}}}
)

// officeStore is what the office tests write to and read from.
type officeStore interface {
	storage.ConsultationLogs
	storage.ConclusionLogs
	storage.Registry
}

// recordConsultation writes a consultation's log through the domain, as
// meeting/consultations does: drafted, approved, answered by m2 (twice)
// and m3, m1 reminded, closed by the chair. It returns the seq of m3's
// answer and of the close.
func recordConsultation(tb testing.TB, st officeStore, id string) (answer, closed uint64) {
	tb.Helper()
	ctx := context.Background()
	c := &office.Consultation{}
	do := func(actor office.Actor, cmd office.Command, at time.Time) uint64 {
		tb.Helper()
		evs, err := office.Decide(c, actor, cmd, at)
		if err != nil || len(evs) != 1 {
			tb.Fatalf("%T: %v, %d events", cmd, err, len(evs))
		}
		b, err := json.Marshal(evs[0])
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := st.AppendConsultation(ctx, id, c.Version, [][]byte{b}); err != nil {
			tb.Fatal(err)
		}
		if err := c.Apply(evs[0]); err != nil {
			tb.Fatal(err)
		}
		return evs[0].Seq
	}
	do(secretary, office.Draft{ID: id, Committee: committee, People: people, Title: "Lấy ý kiến về Đề án chuyển đổi số",
		Questions: []office.Question{{ID: "q1", Text: "Đồng ý thông qua Đề án?"}, {ID: "q2", Text: "Góp ý khác", Kind: office.QuestionFree}},
		Deadline:  ot0.Add(48 * time.Hour)}, ot0)
	do(office.Actor{Person: "m1"}, office.Approve{}, ot0.Add(time.Hour))
	do(office.Actor{Person: "m2"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Không đồng ý"}, {Question: "q2", Text: "Cần thêm kinh phí"}}}, ot0.Add(2*time.Hour))
	answer = do(office.Actor{Person: "m3"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}, {Question: "q2", Text: "Nhất trí"}}}, ot0.Add(3*time.Hour))
	do(office.Actor{Person: "m2"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}, {Question: "q2", Text: "Nhất trí, bổ sung kinh phí"}}}, ot0.Add(4*time.Hour))
	do(secretary, office.Remind{To: []string{"m1"}}, ot0.Add(5*time.Hour))
	closed = do(office.Actor{Person: "m1"}, office.Close{}, ot0.Add(6*time.Hour))
	return answer, closed
}

// recordConclusion writes a conclusion's log through the domain: drafted
// with two tasks, approved as number n of KL/TU 2026 by the chair,
// published, task t1 reported done, t2 reminded once late. It returns
// the seq of the done report.
func recordConclusion(tb testing.TB, st officeStore, id string, n int) (done uint64) {
	tb.Helper()
	ctx := context.Background()
	c := &office.Conclusion{}
	do := func(actor office.Actor, cmd office.Command, at time.Time) uint64 {
		tb.Helper()
		evs, err := office.DecideConclusion(c, actor, cmd, at)
		if err != nil || len(evs) != 1 {
			tb.Fatalf("%T: %v, %d events", cmd, err, len(evs))
		}
		b, err := json.Marshal(evs[0])
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := st.AppendConclusion(ctx, id, c.Version, [][]byte{b}); err != nil {
			tb.Fatal(err)
		}
		if err := c.Apply(evs[0]); err != nil {
			tb.Fatal(err)
		}
		return evs[0].Seq
	}
	pm := map[string]office.Person{}
	for _, p := range people {
		pm[p.ID] = p
	}
	do(secretary, office.DraftConclusion{ID: id, Meeting: "btv-12", AgendaItem: "a2", Title: "Kết luận về dự toán ngân sách năm 2027",
		Text: "Ban Thường vụ thống nhất thông qua dự toán.", Committee: committee, People: pm,
		Tasks: []office.TaskDraft{
			{ID: "t1", Title: "Hoàn thiện dự toán", Assignee: office.Assignee{Kind: office.AssignPerson, Person: "m2"}, Deadline: ot0.Add(72 * time.Hour)},
			{ID: "t2", Title: "Báo cáo Tỉnh ủy", Assignee: office.Assignee{Kind: office.AssignUnit, Name: "Sở Tài chính"}, Deadline: ot0.Add(24 * time.Hour)},
		}}, ot0)
	series := office.SeriesOf(office.KindConclusion, "TU")
	if _, err := st.UpdateEntry(ctx, "series", office.SeriesEntryID(series, 2026), func(old []byte) ([]byte, error) {
		v := map[string]any{"series": series, "year": 2026, "last": n, "given": map[string]int{id: n}}
		if old != nil {
			var o struct {
				Last  int            `json:"last"`
				Given map[string]int `json:"given"`
			}
			_ = json.Unmarshal(old, &o)
			o.Given[id] = n
			v["given"], v["last"] = o.Given, max(o.Last, n)
		}
		return json.Marshal(v)
	}); err != nil {
		tb.Fatal(err)
	}
	do(office.Actor{Person: "m1"}, office.ApproveConclusion{Series: series, Year: 2026, Number: n}, ot0.Add(time.Hour))
	do(secretary, office.PublishConclusion{}, ot0.Add(2*time.Hour))
	done = do(office.Actor{Person: "m2"}, office.ReportTask{Task: "t1", Done: true, Note: "Đã hoàn thành"}, ot0.Add(3*time.Hour))
	do(office.Actor{System: true}, office.RemindTasks{Tasks: []string{"t1", "t2"}}, ot0.Add(25*time.Hour))
	return done
}

func wantLogProblem(tb testing.TB, rep audit.LogReport, seq uint64, words string) {
	tb.Helper()
	if rep.Problem == nil {
		tb.Fatalf("%s %s verified; want a problem at event %d (…%s…)", rep.Kind, rep.ID, seq, words)
	}
	if rep.Problem.Seq != seq || !strings.Contains(rep.Problem.What, words) {
		tb.Fatalf("%s %s: %v; want event %d: …%s…", rep.Kind, rep.ID, rep.Problem, seq, words)
	}
}

// rechain rewrites the chain links of a bbolt log from seq on, as someone
// who can write the file and knows the chain's formula would after an
// edit: the chain then holds, and only the domain's checks see it.
func rechain(tb testing.TB, tx *bbolt.Tx, logRoot, chainRoot, id string) {
	tb.Helper()
	b := tx.Bucket([]byte(logRoot)).Bucket([]byte(id))
	cb := tx.Bucket([]byte(chainRoot)).Bucket([]byte(id))
	prev := storage.ZeroHash
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		seq := uint64(0)
		for _, x := range k {
			seq = seq<<8 | uint64(x)
		}
		prev = storage.ChainHash(prev, seq, v)
		if err := cb.Put(k, prev); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestVerifyOfficeBolt records a consultation and two conclusions in a
// bbolt file, verifies them, then edits the stored records as someone
// with the file would — with and without recomputing the chain — and
// sees each edit named at its event.
func TestVerifyOfficeBolt(t *testing.T) {
	dir := t.TempDir()
	key := seal.NewKey()
	st, err := bolt.Open(dir, bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	answer, closed := recordConsultation(t, st, "c1")
	done := recordConclusion(t, st, "k1", 1)
	recordConclusion(t, st, "k2", 2)
	ctx := context.Background()
	rep, err := audit.VerifyConsultation(ctx, st, "c1")
	if err != nil || !rep.OK() || rep.Records != closed || rep.Unchained != 0 || !rep.SummaryChecked ||
		rep.Members != 3 || rep.Answered != 2 || rep.Status != "closed" || len(rep.LastHash) != 64 {
		t.Fatalf("VerifyConsultation of an untouched log = %+v, %v (problem %v)", rep, err, rep.Problem)
	}
	var all []audit.LogReport
	for _, id := range []string{"k1", "k2"} {
		rep, err := audit.VerifyConclusion(ctx, st, id)
		if err != nil || !rep.OK() || rep.Status != "published" || rep.Tasks != 2 || rep.Reports != 1 || rep.Series != "KL/TU" {
			t.Fatalf("VerifyConclusion(%s) of an untouched log = %+v, %v (problem %v)", id, rep, err, rep.Problem)
		}
		all = append(all, rep)
	}
	if all[0].Numbered != "01-KL/TU" || all[1].Numbered != "02-KL/TU" {
		t.Fatalf("numbers %q, %q", all[0].Numbered, all[1].Numbered)
	}
	if probs, err := audit.CheckNumbers(ctx, all, st, ""); err != nil || len(probs) != 0 {
		t.Fatalf("CheckNumbers of two numbers = %v, %v", probs, err)
	}
	st.Close()

	edit := func(tx *bbolt.Tx, root, id string, seq uint64, from, to string) {
		t.Helper()
		b := tx.Bucket([]byte(root)).Bucket([]byte(id))
		old := string(b.Get(u64(seq)))
		if !strings.Contains(old, from) {
			t.Fatalf("event %d of %s holds no %q: %s", seq, id, from, old)
		}
		if err := b.Put(u64(seq), []byte(strings.Replace(old, from, to, 1))); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		edit       func(tx *bbolt.Tx)
		conclusion string // "" the consultation
		seq        uint64
		words      string
	}{
		{"an answer's choice", func(tx *bbolt.Tx) {
			edit(tx, "clog", "c1", answer, `"Đồng ý"`, `"Không đồng ý"`)
		}, "", answer, "content does not match its chain link"},
		{"an answer's choice, chain recomputed", func(tx *bbolt.Tx) {
			edit(tx, "clog", "c1", answer, `"Đồng ý"`, `"Không đồng ý"`)
			rechain(t, tx, "clog", "cchain", "c1")
		}, "", closed, "stored summary is not the count of the answers: question q1 counts [Đồng ý 2, Không đồng ý 0, Ý kiến khác 0], the answers give [Đồng ý 1, Không đồng ý 1"},
		{"the summary's count, chain recomputed", func(tx *bbolt.Tx) {
			edit(tx, "clog", "c1", closed, `"count":2`, `"count":3`)
			rechain(t, tx, "clog", "cchain", "c1")
		}, "", closed, "question q1 counts [Đồng ý 3"},
		{"the summary's base of all members, chain recomputed", func(tx *bbolt.Tx) {
			edit(tx, "clog", "c1", closed, `"members":3`, `"members":2`)
			rechain(t, tx, "clog", "cchain", "c1")
		}, "", closed, "counts against 2 members, 3 were asked"},
		{"a question answered twice, chain recomputed", func(tx *bbolt.Tx) {
			edit(tx, "clog", "c1", answer, `{"question":"q2"`, `{"question":"q1","choice":"Đồng ý"},{"question":"q2"`)
			rechain(t, tx, "clog", "cchain", "c1")
		}, "", answer, "answered twice"},
		{"an answer of someone not asked, chain recomputed", func(tx *bbolt.Tx) {
			edit(tx, "clog", "c1", answer, `"person":"m3"`, `"person":"m9"`)
			rechain(t, tx, "clog", "cchain", "c1")
		}, "", answer, `an answer of "m9", who is not a member asked`},
		{"a chain link", func(tx *bbolt.Tx) {
			cb := tx.Bucket([]byte("cchain")).Bucket([]byte("c1"))
			if err := cb.Put(u64(2), make([]byte, storage.HashSize)); err != nil {
				t.Fatal(err)
			}
		}, "", 2, "content does not match"},
		{"a task report's text", func(tx *bbolt.Tx) {
			edit(tx, "klog", "k1", done, "Đã hoàn thành", "Chưa làm")
		}, "k1", done, "content does not match its chain link"},
		{"a task done twice, chain recomputed", func(tx *bbolt.Tx) {
			b := tx.Bucket([]byte("klog")).Bucket([]byte("k1"))
			// The reminder becomes a second report of t1.
			rep := strings.Replace(string(b.Get(u64(done))), `"seq":`+itoa(done), `"seq":`+itoa(done+1), 1)
			if err := b.Put(u64(done+1), []byte(rep)); err != nil {
				t.Fatal(err)
			}
			rechain(t, tx, "klog", "kchain", "k1")
		}, "k1", done + 1, "a report on task t1 after it was reported done"},
		{"the number as written, chain recomputed", func(tx *bbolt.Tx) {
			edit(tx, "klog", "k2", 2, `"numbered":"02-KL/TU"`, `"numbered":"01-KL/TU"`)
			rechain(t, tx, "klog", "kchain", "k2")
		}, "k2", 2, `its number is written "01-KL/TU", number 2 of KL/TU is "02-KL/TU"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), "data")
			copyStore(t, dir, cp)
			db, err := bbolt.Open(filepath.Join(cp, "dais.db"), 0o600, &bbolt.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(tx *bbolt.Tx) error { tt.edit(tx); return nil }); err != nil {
				t.Fatal(err)
			}
			db.Close()
			ro, err := bolt.Open(cp, bolt.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			var rep audit.LogReport
			if tt.conclusion == "" {
				rep, err = audit.VerifyConsultation(ctx, ro, "c1")
			} else {
				rep, err = audit.VerifyConclusion(ctx, ro, tt.conclusion)
			}
			if err != nil {
				t.Fatal(err)
			}
			wantLogProblem(t, rep, tt.seq, tt.words)
		})
	}

	// Two conclusions with one number (k2's approval rewritten, chain
	// and all, to say 01): each log verifies alone, the numbers do not.
	t.Run("one number twice", func(t *testing.T) {
		cp := filepath.Join(t.TempDir(), "data")
		copyStore(t, dir, cp)
		db, err := bbolt.Open(filepath.Join(cp, "dais.db"), 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(func(tx *bbolt.Tx) error {
			edit(tx, "klog", "k2", 2, `"number":2,"numbered":"02-KL/TU"`, `"number":1,"numbered":"01-KL/TU"`)
			rechain(t, tx, "klog", "kchain", "k2")
			return nil
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		ro, err := bolt.Open(cp, bolt.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		var all []audit.LogReport
		for _, id := range []string{"k1", "k2"} {
			rep, err := audit.VerifyConclusion(ctx, ro, id)
			if err != nil || !rep.OK() {
				t.Fatalf("VerifyConclusion(%s) = %v, %v", id, rep.Problem, err)
			}
			all = append(all, rep)
		}
		probs, err := audit.CheckNumbers(ctx, all, ro, "k2")
		if err != nil || len(probs) != 2 ||
			!strings.Contains(probs[0], "number 01-KL/TU of 2026 is given to k1 too") ||
			!strings.Contains(probs[1], "the series' counter gave it 2") {
			t.Fatalf("CheckNumbers = %q, %v", probs, err)
		}
		if probs, _ := audit.CheckNumbers(ctx, all, nil, ""); len(probs) != 2 {
			t.Fatalf("CheckNumbers without the registry = %q, want both named", probs)
		}
	})
}

func itoa(n uint64) string { b, _ := json.Marshal(n); return string(b) }

// TestVerifyOfficeRedis records a consultation and a conclusion in Redis
// and edits their stored records with plain Redis commands.
func TestVerifyOfficeRedis(t *testing.T) {
	key := seal.NewKey()
	prefix := redistest.Prefix(t)
	client := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	st, err := redis.New(client, redis.Options{Prefix: prefix, BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	answer, closed := recordConsultation(t, st, "c1")
	done := recordConclusion(t, st, "k1", 1)
	ctx := context.Background()
	if rep, err := audit.VerifyConsultation(ctx, st, "c1"); err != nil || !rep.OK() || !rep.SummaryChecked {
		t.Fatalf("VerifyConsultation = %+v, %v", rep, err)
	}
	if rep, err := audit.VerifyConclusion(ctx, st, "k1"); err != nil || !rep.OK() || rep.Numbered != "01-KL/TU" {
		t.Fatalf("VerifyConclusion = %+v, %v", rep, err)
	}
	raw := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	defer raw.Close()
	edit := func(logKey string, seq uint64, from, to string) (restore func()) {
		t.Helper()
		old := raw.LIndex(ctx, logKey, int64(seq-1)).Val()
		if !strings.Contains(old, from) {
			t.Fatalf("event %d of %s holds no %q", seq, logKey, from)
		}
		if err := raw.LSet(ctx, logKey, int64(seq-1), strings.Replace(old, from, to, 1)).Err(); err != nil {
			t.Fatal(err)
		}
		return func() { raw.LSet(ctx, logKey, int64(seq-1), old) }
	}
	clog, cchain := prefix+"clog:{c1}", prefix+"cchain:{c1}"
	restore := edit(clog, answer, `"Đồng ý"`, `"Không đồng ý"`)
	rep, _ := audit.VerifyConsultation(ctx, st, "c1")
	wantLogProblem(t, rep, answer, "content does not match")
	restore()
	restore = edit(prefix+"klog:{k1}", done, "Đã hoàn thành", "Chưa làm")
	rep, _ = audit.VerifyConclusion(ctx, st, "k1")
	wantLogProblem(t, rep, done, "content does not match")
	restore()
	// The summary's count edited and the chain recomputed from it.
	edit(clog, closed, `"count":2`, `"count":3`)
	recs, err := st.ReadConsultation(ctx, "c1", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	prev := recs[closed-2].Hash
	if err := raw.LSet(ctx, cchain, int64(closed-1), string(storage.ChainHash(prev, closed, recs[closed-1].Data))).Err(); err != nil {
		t.Fatal(err)
	}
	rep, _ = audit.VerifyConsultation(ctx, st, "c1")
	wantLogProblem(t, rep, closed, "stored summary is not the count of the answers")
}

// TestVerifyOfficeUnchained: a consultation's log whose first records have
// no chain link (as one stored before the chain would) verifies, its
// unchained records counted; a record without a link after a chained one
// does not.
func TestVerifyOfficeUnchained(t *testing.T) {
	dir := t.TempDir()
	st, err := bolt.Open(dir, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, closed := recordConsultation(t, st, "c1")
	recs, err := st.ReadConsultation(context.Background(), "c1", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	forget := func(seqs ...uint64) {
		t.Helper()
		db, err := bbolt.Open(filepath.Join(dir, "dais.db"), 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Update(func(tx *bbolt.Tx) error {
			c := tx.Bucket([]byte("cchain")).Bucket([]byte("c1"))
			for _, seq := range seqs {
				if err := c.Delete(u64(seq)); err != nil {
					return err
				}
			}
			// The chain restarts after them from the zero hash.
			prev := storage.ZeroHash
			for _, r := range recs {
				if c.Get(u64(r.Seq)) == nil {
					continue
				}
				prev = storage.ChainHash(prev, r.Seq, r.Data)
				if err := c.Put(u64(r.Seq), prev); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	verify := func() audit.LogReport {
		t.Helper()
		ro, err := bolt.Open(dir, bolt.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		rep, err := audit.VerifyConsultation(context.Background(), ro, "c1")
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	forget(1, 2, 3)
	if rep := verify(); !rep.OK() || rep.Unchained != 3 || rep.Records != closed || !rep.SummaryChecked {
		t.Fatalf("Verify of a log with 3 unchained records first = %+v (problem %v)", rep, rep.Problem)
	}
	forget(5)
	wantLogProblem(t, verify(), 5, "has no chain link, though the events before it have")
}

// TestVerifyOfficeImportedMark: a log marked imported from an archive
// (office.ArchivedMark, as dais archive import appends it) verifies and
// reports the mark; a mark naming another event or another link, a second
// mark and any event after the mark are named at their event.
func TestVerifyOfficeImportedMark(t *testing.T) {
	ctx := context.Background()
	mark := func(t *testing.T, st officeStore, kind, id string, events uint64, hash string) {
		t.Helper()
		ev, err := office.ArchivedMark(kind, strings.Repeat("ab", 32), events, hash, ot0.Add(100*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(ev)
		app := st.AppendConsultation
		if kind == "conclusion" {
			app = st.AppendConclusion
		}
		if _, err := app(ctx, id, events, [][]byte{b}); err != nil {
			t.Fatal(err)
		}
	}
	open := func(t *testing.T) *bolt.Store {
		st, err := bolt.Open(t.TempDir(), bolt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	t.Run("good", func(t *testing.T) {
		st := open(t)
		_, closed := recordConsultation(t, st, "c1")
		before, _ := audit.VerifyConsultation(ctx, st, "c1")
		mark(t, st, "consultation", "c1", closed, before.LastHash)
		rep, err := audit.VerifyConsultation(ctx, st, "c1")
		if err != nil || !rep.OK() || rep.Records != closed+1 || rep.Imported == nil || rep.Imported.Events != closed || rep.Imported.LastHash != before.LastHash {
			t.Fatalf("a marked consultation: %+v, %v (problem %v)", rep, err, rep.Problem)
		}
		recordConclusion(t, st, "k1", 1)
		kb, _ := audit.VerifyConclusion(ctx, st, "k1")
		mark(t, st, "conclusion", "k1", kb.Records, kb.LastHash)
		if rep, err := audit.VerifyConclusion(ctx, st, "k1"); err != nil || !rep.OK() || rep.Imported == nil {
			t.Fatalf("a marked conclusion: %+v, %v (problem %v)", rep, err, rep.Problem)
		}
	})
	t.Run("another link", func(t *testing.T) {
		st := open(t)
		_, closed := recordConsultation(t, st, "c1")
		mark(t, st, "consultation", "c1", closed, strings.Repeat("00", 32))
		rep, _ := audit.VerifyConsultation(ctx, st, "c1")
		wantLogProblem(t, rep, closed+1, "marked imported after the link")
	})
	t.Run("an event after the mark", func(t *testing.T) {
		st := open(t)
		recordConclusion(t, st, "k1", 1)
		kb, _ := audit.VerifyConclusion(ctx, st, "k1")
		mark(t, st, "conclusion", "k1", kb.Records, kb.LastHash)
		// a report appended behind the read-only mark (the domain refuses
		// it; someone writing the store directly does not)
		ev := office.Event{Seq: kb.Records + 2, At: ot0.Add(101 * time.Hour), Actor: "m3", Data: office.TaskReported{Task: "t2", Percent: 10, Note: "x"}}
		b, _ := json.Marshal(ev)
		if _, err := st.AppendConclusion(ctx, "k1", kb.Records+1, [][]byte{b}); err != nil {
			t.Fatal(err)
		}
		rep, _ := audit.VerifyConclusion(ctx, st, "k1")
		wantLogProblem(t, rep, kb.Records+2, "TaskReported after the log was marked imported")
	})
	t.Run("a second mark", func(t *testing.T) {
		st := open(t)
		_, closed := recordConsultation(t, st, "c1")
		before, _ := audit.VerifyConsultation(ctx, st, "c1")
		mark(t, st, "consultation", "c1", closed, before.LastHash)
		after, _ := audit.VerifyConsultation(ctx, st, "c1")
		mark(t, st, "consultation", "c1", closed+1, after.LastHash)
		rep, _ := audit.VerifyConsultation(ctx, st, "c1")
		wantLogProblem(t, rep, closed+2, "ConsultationArchived after the log was marked imported")
	})
	t.Run("the summary signed", func(t *testing.T) {
		st := open(t)
		_, closed := recordConsultation(t, st, "c1")
		sha := strings.Repeat("ab", 32)
		add := func(seq uint64, d office.EventData) {
			t.Helper()
			b, _ := json.Marshal(office.Event{Seq: seq, At: ot0.Add(60 * time.Hour), Actor: "m1", Data: d})
			if _, err := st.AppendConsultation(ctx, "c1", seq-1, [][]byte{b}); err != nil {
				t.Fatal(err)
			}
		}
		add(closed+1, office.ConsultationRecordIssued{Record: "summary/vi", SHA256: sha, Size: 10})
		add(closed+2, office.ConsultationRecordSigned{Record: "summary/vi", Prev: sha, SHA256: strings.Repeat("cd", 32), Size: 12, Signer: "Bình", Level: "B-B", Where: "token"})
		if rep, err := audit.VerifyConsultation(ctx, st, "c1"); err != nil || !rep.OK() || !rep.SummaryChecked {
			t.Fatalf("a closed consultation with its summary signed: %+v, %v (problem %v)", rep, err, rep.Problem)
		}
		// a signature of a version that is not the current one
		add(closed+3, office.ConsultationRecordSigned{Record: "summary/vi", Prev: sha, SHA256: strings.Repeat("ef", 32), Size: 12, Signer: "Bình", Level: "B-B", Where: "token"})
		rep, _ := audit.VerifyConsultation(ctx, st, "c1")
		wantLogProblem(t, rep, closed+3, "signs a version of summary/vi that is not its current one")
	})
}
