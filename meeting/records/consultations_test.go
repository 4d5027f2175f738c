package records_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/records"
)

// TestConsultationSummarySigned: an open consultation's summary cannot be
// signed; once closed, the chair signs the Báo cáo tổng hợp ý kiến on the
// server (B-T) and a secretary signs the same version on her own token
// and uploads it; both signatures verify (pdfsig agrees), the log names
// both, a member may not, a stale upload is refused, and the audit of the consultation's log passes with
// the signed versions after its close.
func TestConsultationSummarySigned(t *testing.T) {
	ctx := context.Background()
	st, reg := btv(t, ctx)
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
	engine, ca, cfg := officeSigning(t)
	r, err := records.NewConsultations(cfg, svc, st, engine, nil)
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
	signed := secretaryUploads(t, ctx, r, ca, sec, c.ID, key, cur)
	signedTwice(t, ctx, r, ca, chair, c.ID, key, signed)
	if rep, err := r.Report(ctx, chair, c.ID, "summary/en"); err != nil || rep.Issued {
		t.Fatalf("the English record: %+v, %v", rep, err)
	}
	arep, err := audit.VerifyConsultation(ctx, st, c.ID)
	if err != nil || !arep.OK() || !arep.SummaryChecked || arep.Records != closed.Version+3 {
		t.Fatalf("the audit of the signed consultation's log: %+v, %v (problem %v)", arep, err, arep.Problem)
	}
}
