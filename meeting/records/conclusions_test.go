package records_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/records"
)

type oneItem struct{}

func (oneItem) Agenda(_ context.Context, id string) (conclusions.MeetingInfo, error) {
	if id != "btv-12" {
		return conclusions.MeetingInfo{}, meeting.Errorf(meeting.NotFound, "Không có cuộc họp", "no meeting %q", id)
	}
	return conclusions.MeetingInfo{Title: "Hội nghị Ban Thường vụ tháng 12", Chair: "chu", Items: map[string]string{"a2": "Dự toán ngân sách 2027"}}, nil
}

type pages struct{}

func (pages) PageCount(context.Context, io.ReadSeeker) (int, error) { return 1, nil }

// TestConclusionSigned: a draft conclusion cannot be signed; once approved
// and numbered, its chair signs its PDF on the server (B-T) and a
// secretary signs the same version on her own token and uploads it; both
// signatures verify (and pdfsig agrees), the conclusion's log names both,
// a member may not, a stale upload is refused, and dais verify's audit of
// the conclusion's log passes with the signed versions in it.
func TestConclusionSigned(t *testing.T) {
	ctx := context.Background()
	st, reg := btv(t, ctx)
	svc := conclusions.New(st, reg, oneItem{}, nil, pages{}, conclusions.Options{})
	sec, chair, member := office.Actor{Secretary: true, Staff: true, Account: "vanphong"}, office.Actor{Person: "chu"}, office.Actor{Person: "an"}
	k, err := svc.Draft(ctx, sec, "btv", office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "Kết luận về dự toán ngân sách năm 2027",
		Text: "Ban Thường vụ thống nhất thông qua dự toán.", Tasks: []office.TaskDraft{{Title: "Hoàn thiện dự toán",
			Assignee: office.Assignee{Kind: office.AssignPerson, Person: "an"}, Deadline: time.Now().Add(72 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	engine, ca, cfg := officeSigning(t)
	r, err := records.NewConclusions(cfg, svc, st, engine, nil)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := r.Sign(ctx, chair, k.ID, "conclusion/vi", false); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("signing a draft: %v, want conflict", err)
	}
	if _, err := svc.Approve(ctx, k.ID, chair); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Report(ctx, member, k.ID, "conclusion/vi"); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("a member's report: %v, want forbidden", err)
	}
	if _, err := r.Report(ctx, chair, k.ID, "minutes/vi"); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("another record's key: %v, want invalid", err)
	}
	if _, _, err := r.Current(ctx, chair, k.ID, "conclusion/vi"); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("Current before issue: %v", err)
	}
	rep, err := r.Sign(ctx, chair, k.ID, "conclusion/vi", false)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if len(rep.Signatures) != 1 || !rep.Signatures[0].Valid || !rep.Signatures[0].Trusted || rep.Signatures[0].Level != "B-T" ||
		len(rep.Log) != 1 || rep.Log[0].Participant != "chu" || rep.Log[0].Where != "server" || rep.ServerSigner != "Văn phòng Tỉnh ủy Hòa Bình" {
		t.Fatalf("after the server's signature: %+v", rep)
	}

	// The secretary downloads the current version and signs it herself.
	cur, _, err := r.Issue(ctx, sec, k.ID, "conclusion/vi", false)
	if err != nil {
		t.Fatal(err)
	}
	signed := secretaryUploads(t, ctx, r, ca, sec, k.ID, "conclusion/vi", cur)
	if _, err := r.Upload(ctx, sec, k.ID, "conclusion/vi", bytes.NewReader(mustSign(t, signed, signtest.NewCA(t).NewSigner(t, "Kẻ giả mạo", "Không rõ", true)))); err == nil {
		t.Fatal("an untrusted signer's upload was taken")
	}
	signedTwice(t, ctx, r, ca, chair, k.ID, "conclusion/vi", signed)
	// The English PDF is a record of its own, not signed yet.
	if rep, err := r.Report(ctx, chair, k.ID, "conclusion/en"); err != nil || rep.Issued {
		t.Fatalf("the English record: %+v, %v", rep, err)
	}
	arep, err := audit.VerifyConclusion(ctx, st, k.ID)
	if err != nil || !arep.OK() || arep.Numbered != "01-KL/TU" {
		t.Fatalf("the audit of the signed conclusion's log: %+v, %v (problem %v)", arep, err, arep.Problem)
	}
}
