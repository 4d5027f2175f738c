package records_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/storage/bolt"
)

// TestConsultationSummarySigned: an open consultation's summary cannot be
// signed; once closed, the chair signs the Báo cáo tổng hợp ý kiến on the
// server (B-T) and a secretary signs the same version on her own token
// and uploads it; both signatures verify (pdfsig agrees), the log names
// both, a member may not, a stale upload is refused, and the audit of the consultation's log passes with
// the signed versions after its close.
func TestConsultationSummarySigned(t *testing.T) {
	ctx := context.Background()
	st, err := bolt.Open(t.TempDir(), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := committees.New(st, nil, nil, committees.Options{})
	com := office.Committee{ID: "btv", Name: "Ban Thường vụ Tỉnh ủy"}
	for i, p := range []office.Person{{ID: "chu", Name: "Bùi Văn Tỉnh"}, {ID: "an", Name: "Nguyễn Văn An"}} {
		if _, err := reg.PutPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		com.Members = append(com.Members, office.Member{Person: p.ID, Chair: i == 0})
	}
	if _, err := reg.PutCommittee(ctx, com); err != nil {
		t.Fatal(err)
	}
	svc := consultations.New(st, reg, nil, pages{}, consultations.Options{RemindBefore: -1})
	sec, chair, member := office.Actor{Secretary: true, Account: "vanphong"}, office.Actor{Person: "chu"}, office.Actor{Person: "an"}
	c, err := svc.Draft(ctx, sec, "btv", office.Draft{Title: "Lấy ý kiến về Đề án chuyển đổi số", Deadline: time.Now().Add(48 * time.Hour),
		Questions: []office.Question{{ID: "q1", Text: "Đồng ý thông qua Đề án?"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		who office.Actor
		cmd office.Command
	}{
		{chair, office.Approve{}},
		{member, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}}}},
	} {
		if _, err := svc.Execute(ctx, c.ID, step.who, step.cmd); err != nil {
			t.Fatal(err)
		}
	}
	engine, err := pdf.New(pdf.Config{FontDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	ca := signtest.NewCA(t)
	server := ca.NewSigner(t, "Văn phòng Tỉnh ủy Hòa Bình", "Tỉnh ủy Hòa Bình", false)
	tsa := httptest.NewServer(ca.NewTSA(t))
	defer tsa.Close()
	r, err := records.NewConsultations(records.Config{Signer: &server, TSA: &sign.TSAClient{URL: tsa.URL}, Roots: ca.Roots()}, svc, st, engine, nil)
	if err != nil {
		t.Fatal(err)
	}
	const key = "summary/vi"
	if _, err := r.Sign(ctx, chair, c.ID, key, false); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("signing an open consultation's summary: %v, want conflict", err)
	}
	if _, err := svc.Execute(ctx, c.ID, chair, office.Close{}); err != nil {
		t.Fatal(err)
	}
	closed, _ := svc.Get(ctx, c.ID)
	if _, err := r.Report(ctx, member, c.ID, key); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("a member's report: %v, want forbidden", err)
	}
	if _, err := r.Sign(ctx, member, c.ID, key, false); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("a member signs: %v, want forbidden", err)
	}
	if _, err := r.Report(ctx, chair, c.ID, "conclusion/vi"); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("another record's key: %v, want invalid", err)
	}
	if _, _, err := r.Current(ctx, chair, c.ID, key); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("Current before issue: %v", err)
	}
	if v, _ := svc.Get(ctx, c.ID); v.Version != closed.Version {
		t.Fatalf("refusals appended events: %d → %d", closed.Version, v.Version)
	}
	rep, err := r.Sign(ctx, chair, c.ID, key, false)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if len(rep.Signatures) != 1 || !rep.Signatures[0].Valid || !rep.Signatures[0].Trusted || rep.Signatures[0].Level != "B-T" ||
		len(rep.Log) != 1 || rep.Log[0].Participant != "chu" || rep.Log[0].Where != "server" {
		t.Fatalf("after the server's signature: %+v", rep)
	}
	// The secretary downloads the current version and signs it herself.
	cur, rec, err := r.Issue(ctx, sec, c.ID, key, false)
	if err != nil || rec.IssuedBy != "chu" {
		t.Fatal(err, rec)
	}
	if !bytes.HasPrefix(cur, []byte("%PDF")) || len(rep.Signatures) != 1 {
		t.Fatalf("the current version: %.20q", cur)
	}
	mine := ca.NewSigner(t, "Lê Thu Trang", "Văn phòng Tỉnh ủy Hòa Bình", true)
	signed, err := sign.Sign(ctx, cur, mine, sign.Options{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = r.Upload(ctx, sec, c.ID, key, bytes.NewReader(signed))
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if len(rep.Signatures) != 2 || !rep.Signatures[0].Unchanged || rep.Signatures[1].Signer != "Lê Thu Trang" ||
		len(rep.Log) != 2 || rep.Log[1].Participant != "account:vanphong" || rep.Log[1].Where != "token" {
		t.Fatalf("after the upload: %+v", rep)
	}
	if _, err := r.Upload(ctx, sec, c.ID, key, bytes.NewReader(signed)); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("uploading a stale version: %v, want conflict", err)
	}
	final, _, err := r.Current(ctx, chair, c.ID, key)
	if err != nil || !bytes.Equal(final, signed) {
		t.Fatalf("Current: %d bytes, %v", len(final), err)
	}
	ps := signtest.Pdfsig(t, ca, final)
	if len(ps) != 2 || ps[0].Validation != "Signature is Valid." || ps[1].Validation != "Signature is Valid." || ps[1].Signer != "Lê Thu Trang" {
		t.Fatalf("pdfsig: %+v", ps)
	}
	if rep, err := r.Report(ctx, chair, c.ID, "summary/en"); err != nil || rep.Issued {
		t.Fatalf("the English record: %+v, %v", rep, err)
	}
	arep, err := audit.VerifyConsultation(ctx, st, c.ID)
	if err != nil || !arep.OK() || !arep.SummaryChecked || arep.Records != closed.Version+3 {
		t.Fatalf("the audit of the signed consultation's log: %+v, %v (problem %v)", arep, err, arep.Problem)
	}
}
