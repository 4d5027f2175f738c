package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/backup"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/seal"
)

// officeRecords adds the office's PDFs to records.
type officeRecords struct{ records }

func (r officeRecords) ConsultationSummary(ctx context.Context, w io.Writer, c *office.Consultation, lang string, seq uint64, hash string) error {
	return r.e.ConsultationSummary(ctx, w, c, pdf.SummaryOptions{Lang: lang, ChainSeq: seq, ChainHash: hash})
}

func (r officeRecords) Conclusion(ctx context.Context, w io.Writer, c *office.Conclusion, lang string) error {
	return r.e.Conclusion(ctx, w, c, lang, nil)
}

type agenda struct{}

func (agenda) Agenda(_ context.Context, id string) (conclusions.MeetingInfo, error) {
	if id != mid {
		return conclusions.MeetingInfo{}, meeting.Errorf(meeting.NotFound, "Không có cuộc họp", "no meeting %q", id)
	}
	return conclusions.MeetingInfo{Title: "Phiên họp thường kỳ", Chair: "chair", Items: map[string]string{"i2": "Báo cáo tình hình kinh tế - xã hội"}}, nil
}

type onePage struct{}

func (onePage) PageCount(context.Context, io.ReadSeeker) (int, error) { return 1, nil }

// officeWork records, in st, the small meeting and the committee btv's
// work: a closed consultation with a document, and a published conclusion
// of the meeting's item i2 with a task reported done with a PDF. It
// returns the consultation's and the conclusion's ids and the PDF's bytes.
func officeWork(t *testing.T, st storage.Store) (cid, kid string, doc []byte) {
	t.Helper()
	ctx := context.Background()
	doc, err := os.ReadFile(filepath.Join("..", "pdf", "testdata", "encrypt-source.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.PutBlob(ctx, bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(st, nil, service.Options{})
	for _, c := range meetingtest.SmallMeeting(mid) {
		if d, ok := c.(meeting.AddDocument); ok {
			d.Document.SHA256, d.Document.Size = info.SHA256, info.Size
			c = d
		}
		if _, err := svc.Execute(ctx, mid, meetingtest.Secretary, c); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	reg := committees.New(st, nil, nil, committees.Options{})
	meetingtest.Committee(t, reg, office.Person{ID: "chair", Name: "Lê Trường Lưu"}, office.Person{ID: "d1", Name: "Nguyễn Thị Hương"}, office.Person{ID: "d2", Name: "Trần Văn Đức"})
	sec := office.Actor{Secretary: true, Staff: true, Account: "vanphong"}
	cs := consultations.New(st, reg, nil, onePage{}, consultations.Options{Now: clock, RemindBefore: -1})
	c, err := cs.Draft(ctx, sec, "btv", office.Draft{Title: "Lấy ý kiến về Đề án chuyển đổi số", Deadline: now.Add(48 * time.Hour),
		Questions: []office.Question{{ID: "q1", Text: "Đồng ý thông qua Đề án?"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AddDocument(ctx, c.ID, sec, "Dự thảo Đề án", bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		who office.Actor
		cmd office.Command
	}{
		{office.Actor{Person: "chair"}, office.Approve{}},
		{office.Actor{Person: "d1"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}}}},
		{office.Actor{Person: "d2"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Ý kiến khác", Text: "Cần bổ sung kinh phí"}}}},
		{office.Actor{Person: "chair"}, office.Close{}},
	} {
		if _, err := cs.Execute(ctx, c.ID, step.who, step.cmd); err != nil {
			t.Fatalf("%T: %v", step.cmd, err)
		}
	}
	ks := conclusions.New(st, reg, agenda{}, nil, onePage{}, conclusions.Options{Now: clock})
	k, err := ks.Draft(ctx, sec, "btv", office.DraftConclusion{Meeting: mid, AgendaItem: "i2", Title: "Kết luận về tình hình kinh tế - xã hội",
		Text: "Thống nhất báo cáo.", Tasks: []office.TaskDraft{{Title: "Hoàn thiện báo cáo",
			Assignee: office.Assignee{Kind: office.AssignPerson, Person: "d1"}, Deadline: now.Add(72 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Approve(ctx, k.ID, office.Actor{Person: "chair"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Execute(ctx, k.ID, sec, office.PublishConclusion{}); err != nil {
		t.Fatal(err)
	}
	// The attachment: the same PDF with a byte more, another blob.
	att := append(bytes.Clone(doc), '\n')
	if _, err := ks.Report(ctx, k.ID, office.Actor{Person: "d1"}, office.ReportTask{Task: "t1", Done: true}, "Báo cáo hoàn thành", bytes.NewReader(att)); err != nil {
		t.Fatal(err)
	}
	return c.ID, k.ID, doc
}

// TestArchiveOffice: a meeting's archive holds its conclusion, a
// committee's archive its consultation and conclusion — logs with their
// chains, PDFs made from them, the documents and attachments they name —
// and Verify checks them from the file alone; an edited answer, a summary
// edited with its chain recomputed, a missing document and a log left out
// are refused. Import brings them back with the same chain into a new
// bbolt store and a Redis prefix, once.
func TestArchiveOffice(t *testing.T) {
	ctx := context.Background()
	key := seal.NewKey()
	st, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cid, kid, doc := officeWork(t, st)
	docSHA := fmt.Sprintf("%x", sha256.Sum256(doc))
	e, err := pdf.New(pdf.Config{FontDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rec := officeRecords{records{e}}

	// The meeting's archive: its conclusion.
	var mbuf bytes.Buffer
	msum, err := archive.Write(ctx, &mbuf, st, rec, mid)
	if err != nil {
		t.Fatal(err)
	}
	if len(msum.Office) != 1 || msum.Office[0].ID != kid || msum.Office[0].Numbered != "01-KL/TU" || len(msum.Office[0].LastHash) != 64 {
		t.Fatalf("meeting archive's office list %+v", msum.Office)
	}
	mrep, err := archive.Verify(ctx, bytes.NewReader(mbuf.Bytes()))
	if err != nil {
		t.Fatalf("Verify of the meeting's archive: %v", err)
	}
	if len(mrep.Office) != 1 || !mrep.Office[0].OK() || mrep.Office[0].Reports != 1 || !hasRecord(mrep.Records, "conclusion-"+kid+"-vi.pdf") {
		t.Fatalf("meeting archive report: office %+v, records %v", mrep.Office, mrep.Records)
	}
	// The meeting's document and the task's attachment.
	if mrep.PDFs != 2 {
		t.Fatalf("meeting archive holds %d PDFs, want the document and the attachment", mrep.PDFs)
	}

	// The committee's archive: the consultation and the conclusion.
	var cbuf bytes.Buffer
	csum, err := archive.WriteCommittee(ctx, &cbuf, st, rec, "btv")
	if err != nil {
		t.Fatal(err)
	}
	if csum.Meeting != "" || csum.Committee != "btv" || csum.Title != "Ban Thường vụ Tỉnh ủy" || len(csum.Office) != 2 || len(csum.PDFs) != 2 {
		t.Fatalf("committee archive's summary %+v", csum)
	}
	good := cbuf.Bytes()
	crep, err := archive.Verify(ctx, bytes.NewReader(good))
	if err != nil {
		t.Fatalf("Verify of the committee's archive: %v", err)
	}
	for _, w := range []string{"consultation-" + cid + "-vi.pdf", "consultation-" + cid + "-en.pdf", "conclusion-" + kid + "-vi.pdf", "conclusion-" + kid + "-en.pdf"} {
		if !hasRecord(crep.Records, w) {
			t.Errorf("the committee's archive lacks %s (has %v)", w, crep.Records)
		}
	}
	if len(crep.Office) != 2 || !crep.Office[0].SummaryChecked || crep.Office[0].Answered != 2 || crep.PDFs != 2 {
		t.Fatalf("committee archive report: %+v", crep)
	}
	if _, err := archive.WriteCommittee(ctx, io.Discard, st, rec, "nobody"); err == nil {
		t.Fatal("an archive of a committee with nothing")
	}

	rewrite := func(change func(name string, b []byte) ([]byte, bool)) []byte {
		var out bytes.Buffer
		bw := backup.NewWriter(&out, backup.KindArchive)
		err := backup.Each(bytes.NewReader(good), func(name string, _ int64, r io.Reader) error {
			b, _ := io.ReadAll(r)
			nb, keep := change(name, bytes.Clone(b))
			if !keep {
				return nil
			}
			return bw.Add(name, int64(len(nb)), bytes.NewReader(nb))
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := bw.Close(); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	clog := "consultations/" + cid + ".jsonl"
	tests := []struct {
		name   string
		change func(name string, b []byte) ([]byte, bool)
		words  string
	}{
		{"an answer", func(name string, b []byte) ([]byte, bool) {
			if name == clog {
				b = bytes.Replace(b, []byte(`"choice":"Đồng ý"`), []byte(`"choice":"Không đồng ý"`), 1)
			}
			return b, true
		}, "content does not match its chain link"},
		{"the summary, its chain recomputed", func(name string, b []byte) ([]byte, bool) {
			if name == clog {
				b = rechainLines(t, bytes.Replace(b, []byte(`"count":1`), []byte(`"count":2`), 1))
			}
			return b, true
		}, "the stored summary is not the count of the answers"},
		{"the consultation's document", func(name string, b []byte) ([]byte, bool) {
			return b, name != "pdf/"+docSHA+".pdf"
		}, "does not hold"},
		{"the conclusion's log", func(name string, b []byte) ([]byte, bool) {
			return b, !strings.HasPrefix(name, "conclusions/")
		}, "whose log the archive does not hold"},
		{"a log not listed", func(name string, b []byte) ([]byte, bool) {
			if name == "meeting.json" {
				var s archive.Summary
				if err := json.Unmarshal(b, &s); err != nil {
					t.Fatal(err)
				}
				s.Office = s.Office[:1]
				b, _ = json.Marshal(s)
			}
			return b, true
		}, "is not listed in meeting.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := rewrite(tt.change)
			if bytes.Equal(bad, good) {
				t.Fatal("the change changed nothing")
			}
			if _, err := archive.Verify(ctx, bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), tt.words) {
				t.Fatalf("Verify = %v, want …%s…", err, tt.words)
			}
		})
	}

	// Import: the committee's archive into an empty bbolt store, the
	// meeting's into a Redis prefix.
	dst, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	imp, err := archive.Import(ctx, bytes.NewReader(good), dst, time.Now())
	if err != nil || imp.Office != 2 || imp.OfficeHeld != 0 {
		t.Fatalf("Import of the committee's archive = %+v, %v", imp, err)
	}
	sameChain(t, st, dst, cid, kid)
	importedReadOnly(t, dst, cid, kid)
	// The number is the store's now: its counter will not give it again,
	// and the audit of the number passes there.
	krep, err := audit.VerifyConclusion(ctx, dst, kid)
	if err != nil || !krep.OK() {
		t.Fatalf("the imported conclusion: %+v, %v", krep, err)
	}
	if probs, err := audit.CheckNumbers(ctx, []audit.LogReport{krep}, dst, kid); err != nil || len(probs) != 0 {
		t.Fatalf("the imported number: %q, %v", probs, err)
	}
	if _, err := archive.Import(ctx, bytes.NewReader(good), dst, time.Now()); !errors.Is(err, archive.ErrExists) {
		t.Fatalf("a second import = %v, want ErrExists", err)
	}
	// The meeting's archive into the same store: its conclusion is there
	// with this chain already; the meeting is new.
	imp, err = archive.Import(ctx, bytes.NewReader(mbuf.Bytes()), dst, time.Now())
	if err != nil || imp.Office != 0 || imp.OfficeHeld != 1 {
		t.Fatalf("Import of the meeting's archive next to its conclusion = %+v, %v", imp, err)
	}

	client := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	rst, err := redis.New(client, redis.Options{Prefix: redistest.Prefix(t), BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	defer rst.Close()
	if imp, err := archive.Import(ctx, bytes.NewReader(mbuf.Bytes()), rst, time.Now()); err != nil || imp.Office != 1 {
		t.Fatalf("Import of the meeting's archive into Redis = %+v, %v", imp, err)
	}
	if rep, err := audit.VerifyConclusion(ctx, rst, kid); err != nil || !rep.OK() || rep.LastSeq != msum.Office[0].Events+1 {
		t.Fatalf("the conclusion imported into Redis (its events and the mark): %+v, %v", rep, err)
	}
	if recs, err := rst.ReadConclusion(ctx, kid, msum.Office[0].Events, 1); err != nil || len(recs) != 1 || fmt.Sprintf("%x", recs[0].Hash) != msum.Office[0].LastHash {
		t.Fatalf("the conclusion imported into Redis has another chain: %v", err)
	}
	rk := conclusions.New(rst, committees.New(rst, nil, nil, committees.Options{}), agenda{}, nil, onePage{}, conclusions.Options{})
	if _, err := rk.Execute(ctx, kid, office.Actor{Person: "d1"}, office.ReportTask{Task: "t1", Note: "x"}); meeting.ErrorCode(err) != meeting.Archived {
		t.Fatalf("a report on the conclusion imported into Redis = %v", err)
	}
	// A store with another history of the conclusion refuses the import,
	// before anything is written.
	other, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.AppendConclusion(ctx, kid, 0, [][]byte{[]byte(`{"type":"ConclusionDrafted","at":"2026-12-01T00:00:00Z","data":{"id":"` + kid + `"}}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := archive.Import(ctx, bytes.NewReader(mbuf.Bytes()), other, time.Now()); !errors.Is(err, archive.ErrExists) || !strings.Contains(err.Error(), "another history") {
		t.Fatalf("Import over another history = %v", err)
	}
	if v, _ := other.Version(ctx, mid); v != 0 {
		t.Fatalf("a refused import wrote the meeting (%d events)", v)
	}
	// A store whose series gave 01-KL/TU to another conclusion refuses it
	// too, before anything is written.
	taken, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	if _, err := taken.UpdateEntry(ctx, "series", "KL-TU-2026", func([]byte) ([]byte, error) {
		return []byte(`{"series":"KL/TU","year":2026,"last":1,"given":{"kl-khac":1}}`), nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := archive.Import(ctx, bytes.NewReader(good), taken, time.Now()); !errors.Is(err, archive.ErrExists) || !strings.Contains(err.Error(), "is given to conclusion kl-khac") {
		t.Fatalf("Import over a number given to another = %v", err)
	}
	if cs, _ := taken.Consultations(ctx); len(cs) != 0 {
		t.Fatalf("a refused import wrote %v", cs)
	}
}

// importedReadOnly: in the importing store, the imported consultation and
// conclusion refuse every command through their use cases (meeting.Archived,
// in both languages), their logs and the blobs unchanged; the audit passes.
func importedReadOnly(t *testing.T, dst storage.Store, cid, kid string) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC) // before the task's deadline
	clock := func() time.Time { return now }
	reg := committees.New(dst, nil, nil, committees.Options{})
	cs := consultations.New(dst, reg, nil, onePage{}, consultations.Options{Now: clock, RemindBefore: -1})
	ks := conclusions.New(dst, reg, agenda{}, nil, onePage{}, conclusions.Options{Now: clock})
	c, err := cs.Get(ctx, cid)
	if err != nil || c.Archived == nil || c.Archived.Events != c.Version-1 {
		t.Fatalf("the imported consultation: %+v, %v", c, err)
	}
	k, err := ks.Get(ctx, kid)
	if err != nil || k.Archived == nil || k.Status != office.StatusPublished {
		t.Fatalf("the imported conclusion: %+v, %v", k, err)
	}
	docPDF, attPDF := []byte("%PDF-1.4 a document"), []byte("%PDF-1.4 an attachment")
	sec := office.Actor{Secretary: true, Staff: true, Account: "vanphong"}
	archived := func(what string, err error) {
		t.Helper()
		var me *meeting.Error
		if meeting.ErrorCode(err) != meeting.Archived || !errors.As(err, &me) || !strings.Contains(me.MessageVI, "bản lưu trữ") || !strings.Contains(me.Message, "read only") {
			t.Fatalf("%s on an imported log = %v, want the archive's refusal", what, err)
		}
	}
	_, err = cs.Execute(ctx, cid, office.Actor{Person: "d1"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}}})
	archived("an answer", err)
	_, _, err = cs.Remind(ctx, cid, sec, []string{"chair"})
	archived("a reminder", err)
	_, err = cs.AddDocument(ctx, cid, sec, "Tài liệu", bytes.NewReader(docPDF))
	archived("a document", err)
	_, err = ks.Report(ctx, kid, sec, office.ReportTask{Task: "t1", Percent: 50, Note: "Đang làm"}, "Báo cáo", bytes.NewReader(attPDF))
	archived("a report on a task", err)
	_, err = ks.Edit(ctx, kid, sec, office.EditConclusion{Title: "Sửa", Text: "Sửa"})
	archived("an edit", err)
	_, err = ks.Execute(ctx, kid, sec, office.IssueConclusionRecord{Record: "conclusion/vi", SHA256: strings.Repeat("a", 64), Size: 1})
	archived("issuing its PDF for signing", err)
	if _, err := cs.Check(ctx); err != nil {
		t.Fatalf("the consultations' scheduler on an imported log: %v", err)
	}
	if _, err := ks.Check(ctx); err != nil {
		t.Fatalf("the conclusions' scheduler on an imported log: %v", err)
	}
	c2, _ := cs.Get(ctx, cid)
	k2, _ := ks.Get(ctx, kid)
	if c2.Version != c.Version || k2.Version != k.Version {
		t.Fatalf("a refused command changed something: consultation %d→%d, conclusion %d→%d", c.Version, c2.Version, k.Version, k2.Version)
	}
	for _, b := range [][]byte{docPDF, attPDF} {
		if _, _, err := dst.OpenBlob(ctx, fmt.Sprintf("%x", sha256.Sum256(b))); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a refused upload was stored (%v)", err)
		}
	}
	for _, rep := range []func() (audit.LogReport, error){
		func() (audit.LogReport, error) { return audit.VerifyConsultation(ctx, dst, cid) },
		func() (audit.LogReport, error) { return audit.VerifyConclusion(ctx, dst, kid) },
	} {
		if r, err := rep(); err != nil || !r.OK() {
			t.Fatalf("the audit of an imported log: %+v, %v", r, err)
		}
	}
}

func hasRecord(recs []string, name string) bool {
	for _, r := range recs {
		if r == name {
			return true
		}
	}
	return false
}

// rechainLines recomputes the chain of an archived log (log.jsonl's form)
// after an edit, as someone who knows the formula would.
func rechainLines(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	prev := storage.ZeroHash
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var l struct {
			Seq  uint64          `json:"seq"`
			Data json.RawMessage `json:"data"`
			Prev string          `json:"prev,omitempty"`
			Hash string          `json:"hash,omitempty"`
		}
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatal(err)
		}
		h := storage.ChainHash(prev, l.Seq, l.Data)
		l.Prev, l.Hash = hexs(prev), hexs(h)
		prev = h
		nb, _ := json.Marshal(l)
		out.Write(nb)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

func hexs(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, x := range b {
		out[2*i], out[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(out)
}

// sameChain: the imported logs hold the records and links of the source.
func sameChain(t *testing.T, src, dst storage.Store, cid, kid string) {
	t.Helper()
	ctx := context.Background()
	for _, read := range []func(s storage.Store) ([]storage.Record, error){
		func(s storage.Store) ([]storage.Record, error) { return s.ReadConsultation(ctx, cid, 1, 0) },
		func(s storage.Store) ([]storage.Record, error) { return s.ReadConclusion(ctx, kid, 1, 0) },
	} {
		a, err1 := read(src)
		b, err2 := read(dst)
		// The archived records, and the mark that makes them read only.
		if err1 != nil || err2 != nil || len(a) == 0 || len(a)+1 != len(b) {
			t.Fatalf("imported log: %d records (%v), source %d (%v) and the mark", len(b), err2, len(a), err1)
		}
		ev, err := office.DecodeRecord(b[len(a)].Data, b[len(a)].Seq)
		if err != nil {
			t.Fatal(err)
		}
		var mark office.ConsultationArchived
		switch d := ev.Data.(type) {
		case office.ConsultationArchived:
			mark = d
		case office.ConclusionArchived:
			mark = office.ConsultationArchived(d)
		default:
			t.Fatalf("the imported log ends with %s", ev.Type())
		}
		if mark.Events != a[len(a)-1].Seq || mark.LastHash != fmt.Sprintf("%x", a[len(a)-1].Hash) || len(mark.Archive) != 64 {
			t.Fatalf("the mark %+v after event %d", mark, a[len(a)-1].Seq)
		}
		for i := range a {
			if !bytes.Equal(a[i].Data, b[i].Data) || !bytes.Equal(a[i].Hash, b[i].Hash) {
				t.Fatalf("imported record %d differs from the source's", a[i].Seq)
			}
		}
	}
}
