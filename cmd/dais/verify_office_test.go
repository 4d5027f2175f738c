package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage/bolt"
)

type fakeAgenda struct{}

func (fakeAgenda) Agenda(_ context.Context, id string) (conclusions.MeetingInfo, error) {
	if id != "btv-12" {
		return conclusions.MeetingInfo{}, meeting.Errorf(meeting.NotFound, "Không có cuộc họp", "no meeting %q", id)
	}
	return conclusions.MeetingInfo{Title: "Hội nghị Ban Thường vụ tháng 12", Chair: "m1", Items: map[string]string{"a2": "Dự toán ngân sách 2027"}}, nil
}

type onePage struct{}

func (onePage) PageCount(context.Context, io.ReadSeeker) (int, error) { return 1, nil }

// officeRecord runs a consultation and a conclusion through their services
// on a bbolt store in dir and closes it.
func officeRecord(t *testing.T, dir string) (consultation, conclusion string) {
	t.Helper()
	st, err := bolt.Open(dir, bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	reg := committees.New(st, nil, nil, committees.Options{})
	meetingtest.Committee(t, reg, office.Person{ID: "m1", Name: "Trần Văn Bình"}, office.Person{ID: "m2", Name: "Lê Thị Phương"}, office.Person{ID: "m3", Name: "Đặng Quốc Việt"})
	sec := office.Actor{Secretary: true, Staff: true, Account: "vanphong"}
	cs := consultations.New(st, reg, nil, onePage{}, consultations.Options{Now: clock, RemindBefore: -1})
	c, err := cs.Draft(ctx, sec, "btv", office.Draft{Title: "Lấy ý kiến về Đề án", Deadline: now.Add(48 * time.Hour),
		Questions: []office.Question{{ID: "q1", Text: "Đồng ý thông qua Đề án?"}}})
	if err != nil {
		t.Fatal(err)
	}
	run := func(actor office.Actor, cmd office.Command) {
		t.Helper()
		if _, err := cs.Execute(ctx, c.ID, actor, cmd); err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
	}
	run(office.Actor{Person: "m1"}, office.Approve{})
	run(office.Actor{Person: "m2"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}}})
	run(office.Actor{Person: "m3"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}}})
	run(office.Actor{Person: "m1"}, office.Close{})

	ks := conclusions.New(st, reg, fakeAgenda{}, nil, onePage{}, conclusions.Options{Now: clock})
	k, err := ks.Draft(ctx, sec, "btv", office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "Kết luận về dự toán",
		Text: "Thông qua dự toán.", Tasks: []office.TaskDraft{{Title: "Hoàn thiện dự toán",
			Assignee: office.Assignee{Kind: office.AssignPerson, Person: "m2"}, Deadline: now.Add(72 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Approve(ctx, k.ID, office.Actor{Person: "m1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Execute(ctx, k.ID, sec, office.PublishConclusion{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Report(ctx, k.ID, office.Actor{Person: "m2"}, office.ReportTask{Task: "t1", Done: true, Note: "Đã xong"}, "", nil); err != nil {
		t.Fatal(err)
	}
	return c.ID, k.ID
}

// TestVerifyOffice runs dais verify -consultation and -conclusion on a
// stopped node's folder: both pass, then an edited answer and an edited
// report make each fail with exit code 3, naming the event.
func TestVerifyOffice(t *testing.T) {
	dir := t.TempDir()
	cid, kid := officeRecord(t, dir)
	verify := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"verify", "-data", dir}, args...), func(string) string { return "" }, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	code, out := verify("-consultation", cid)
	for _, w := range []string{"5 events, closed, 2 of 3 members answered", "last event 5, chain hash", "summary was counted again", "OK"} {
		if code != exitOK || !strings.Contains(out, w) {
			t.Fatalf("verify -consultation: exit %d, want …%s…\n%s", code, w, out)
		}
	}
	code, out = verify("-conclusion", kid)
	for _, w := range []string{"4 events, published, 1 tasks, 1 reports", "number 01-KL/TU of 2026: checked against 0 other", "OK"} {
		if code != exitOK || !strings.Contains(out, w) {
			t.Fatalf("verify -conclusion: exit %d, want …%s…\n%s", code, w, out)
		}
	}
	if code, out := verify("-conclusion", cid); code != exitError || !strings.Contains(out, "no events") {
		t.Fatalf("verify -conclusion of a consultation's id: exit %d\n%s", code, out)
	}
	if code, _ := verify("-conclusion", "-consultation", kid); code != exitUsage {
		t.Fatalf("verify with both: exit %d", code)
	}

	db, err := bbolt.Open(filepath.Join(dir, "dais.db"), 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("clog")).Bucket([]byte(cid))
		k := []byte{0, 0, 0, 0, 0, 0, 0, 4}
		if err := b.Put(k, bytes.Replace(b.Get(k), []byte(`"Đồng ý"`), []byte(`"Không đồng ý"`), 1)); err != nil {
			return err
		}
		b = tx.Bucket([]byte("klog")).Bucket([]byte(kid))
		return b.Put(k, bytes.Replace(b.Get(k), []byte("Đã xong"), []byte("Chưa xong"), 1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out := verify("-consultation", cid); code != exitNotVerified || !strings.Contains(out, "FAILED at event 4: its content does not match its chain link") {
		t.Fatalf("verify -consultation of an edited answer: exit %d\n%s", code, out)
	}
	if code, out := verify("-conclusion", kid); code != exitNotVerified || !strings.Contains(out, "FAILED at event 4: its content does not match its chain link") {
		t.Fatalf("verify -conclusion of an edited report: exit %d\n%s", code, out)
	}
}

// TestCommitteeArchiveCommand: a committee's archive (its consultation
// and conclusion) passes dais archive verify, which lists both; dais
// archive import brings them into an empty folder, where dais verify
// -consultation and -conclusion pass with the archive's chain hashes; a
// second import is refused.
func TestCommitteeArchiveCommand(t *testing.T) {
	dir := t.TempDir()
	cid, kid := officeRecord(t, dir)
	st, err := bolt.Open(dir, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sum, err := archive.WriteCommittee(context.Background(), &buf, st, nil, "btv")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "btv.dais-archive")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	dais := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	code, out := dais("archive", "verify", file)
	for _, w := range []string{"committee btv (Ban Thường vụ Tỉnh ủy)", "consultation " + cid + ": 5 events, closed, chain hash " + sum.Office[0].LastHash + "; summary counted again",
		"conclusion " + kid + ": 4 events, published", "number 01-KL/TU", "OK"} {
		if code != exitOK || !strings.Contains(out, w) {
			t.Fatalf("archive verify: exit %d, want …%s…\n%s", code, w, out)
		}
	}
	into := filepath.Join(t.TempDir(), "records")
	if code, out := dais("archive", "import", "-data", into, file); code != exitOK || !strings.Contains(out, "imported committee btv (Ban Thường vụ Tỉnh ủy): 2 consultations and conclusions (0 held already)") {
		t.Fatalf("archive import: exit %d\n%s", code, out)
	}
	if code, out := dais("verify", "-data", into, "-consultation", cid); code != exitOK ||
		!strings.Contains(out, fmt.Sprintf("after event %d (chain hash %s): read only", sum.Office[0].Events, sum.Office[0].LastHash)) {
		t.Fatalf("verify of the imported consultation: exit %d\n%s", code, out)
	}
	if code, out := dais("verify", "-data", into, "-conclusion", kid); code != exitOK ||
		!strings.Contains(out, fmt.Sprintf("after event %d (chain hash %s): read only", sum.Office[1].Events, sum.Office[1].LastHash)) {
		t.Fatalf("verify of the imported conclusion: exit %d\n%s", code, out)
	}
	if code, out := dais("archive", "import", "-data", into, file); code != exitError || !strings.Contains(out, "already holds") {
		t.Fatalf("a second import: exit %d\n%s", code, out)
	}
}
