package records_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/storage/bolt"
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
	svc := conclusions.New(st, reg, oneItem{}, nil, pages{}, conclusions.Options{})
	sec, chair, member := office.Actor{Secretary: true, Staff: true, Account: "vanphong"}, office.Actor{Person: "chu"}, office.Actor{Person: "an"}
	k, err := svc.Draft(ctx, sec, "btv", office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "Kết luận về dự toán ngân sách năm 2027",
		Text: "Ban Thường vụ thống nhất thông qua dự toán.", Tasks: []office.TaskDraft{{Title: "Hoàn thiện dự toán",
			Assignee: office.Assignee{Kind: office.AssignPerson, Person: "an"}, Deadline: time.Now().Add(72 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
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
	r, err := records.NewConclusions(records.Config{Signer: &server, TSA: &sign.TSAClient{URL: tsa.URL}, Roots: ca.Roots()}, svc, st, engine, nil)
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
	mine := ca.NewSigner(t, "Lê Thu Trang", "Văn phòng Tỉnh ủy Hòa Bình", true)
	signed, err := sign.Sign(ctx, cur, mine, sign.Options{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = r.Upload(ctx, sec, k.ID, "conclusion/vi", bytes.NewReader(signed))
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if len(rep.Signatures) != 2 || !rep.Signatures[0].Unchanged || rep.Signatures[1].Signer != "Lê Thu Trang" ||
		len(rep.Log) != 2 || rep.Log[1].Participant != "account:vanphong" || rep.Log[1].Where != "token" {
		t.Fatalf("after the upload: %+v", rep)
	}
	if _, err := r.Upload(ctx, sec, k.ID, "conclusion/vi", bytes.NewReader(signed)); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("uploading a stale version: %v, want conflict", err)
	}
	if _, err := r.Upload(ctx, sec, k.ID, "conclusion/vi", bytes.NewReader(mustSign(t, signed, signtest.NewCA(t).NewSigner(t, "Kẻ giả mạo", "Không rõ", true)))); err == nil {
		t.Fatal("an untrusted signer's upload was taken")
	}
	final, _, err := r.Current(ctx, chair, k.ID, "conclusion/vi")
	if err != nil || !bytes.Equal(final, signed) {
		t.Fatalf("Current: %d bytes, %v", len(final), err)
	}
	ps := signtest.Pdfsig(t, ca, final)
	if len(ps) != 2 || ps[0].Validation != "Signature is Valid." || ps[1].Validation != "Signature is Valid." || ps[1].Signer != "Lê Thu Trang" {
		t.Fatalf("pdfsig: %+v", ps)
	}
	// The English PDF is a record of its own, not signed yet.
	if rep, err := r.Report(ctx, chair, k.ID, "conclusion/en"); err != nil || rep.Issued {
		t.Fatalf("the English record: %+v, %v", rep, err)
	}
	arep, err := audit.VerifyConclusion(ctx, st, k.ID)
	if err != nil || !arep.OK() || arep.Numbered != "01-KL/TU" {
		t.Fatalf("the audit of the signed conclusion's log: %+v, %v (problem %v)", arep, err, arep.Problem)
	}
}
