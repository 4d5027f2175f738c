package records_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/records"
)

func newRecords(tb testing.TB, fx *documentstest.Fixture, cfg records.Config) *records.Records {
	tb.Helper()
	r, err := records.New(cfg, fx.Service, fx.Store, fx.Docs, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestServerThenToken: the chair signs the minutes on the server (B-T,
// with an in-process authority), the secretary signs the same version on
// her own token (here a software key, as dais sign would) and uploads it;
// both signatures verify, the log names both, pdfsig agrees; the meeting
// is closed meanwhile, which signing does not mind.
func TestServerThenToken(t *testing.T) {
	ctx := context.Background()
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ca := signtest.NewCA(t)
	office := ca.NewSigner(t, "Văn phòng Tỉnh ủy Hòa Bình", "Tỉnh ủy Hòa Bình", false)
	tsa := httptest.NewServer(ca.NewTSA(t))
	t.Cleanup(tsa.Close)
	r := newRecords(t, fx, records.Config{Signer: &office, TSA: &sign.TSAClient{URL: tsa.URL}, Roots: ca.Roots()})

	chair, secretary := fx.Session(documentstest.Chair), fx.Session(documentstest.Secretary)
	rep, err := r.Report(ctx, chair, "minutes/vi")
	if err != nil || rep.Issued || len(rep.Signatures) != 0 || rep.ServerSigner != "Văn phòng Tỉnh ủy Hòa Bình" {
		t.Fatalf("before: %+v, %v", rep, err)
	}
	rep, err = r.Sign(ctx, chair, "minutes/vi", false)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if len(rep.Signatures) != 1 || !rep.Signatures[0].Valid || !rep.Signatures[0].Trusted || rep.Signatures[0].Level != "B-T" ||
		len(rep.Log) != 1 || rep.Log[0].Participant != documentstest.Chair || rep.Log[0].Where != "server" {
		t.Fatalf("after the server's signature: %+v", rep)
	}

	fx.Execute(t, documentstest.Chair, meeting.CloseMeeting{})

	// The secretary downloads the current version, signs it on her side.
	cur, _, err := r.Issue(ctx, secretary, "minutes/vi", false)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	mine := ca.NewSigner(t, "Lê Thu Trang", "Văn phòng Tỉnh ủy Hòa Bình", true)
	signed, err := sign.Sign(ctx, cur, mine, sign.Options{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	// Not hers to upload twice, nor anything but the current version.
	rep, err = r.Upload(ctx, secretary, "minutes/vi", bytes.NewReader(signed))
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if len(rep.Signatures) != 2 || !rep.Signatures[0].Unchanged || !rep.Signatures[1].Valid ||
		rep.Signatures[1].Signer != "Lê Thu Trang" || len(rep.Log) != 2 || rep.Log[1].Where != "token" {
		t.Fatalf("after the upload: %+v", rep)
	}
	if _, err := r.Upload(ctx, secretary, "minutes/vi", bytes.NewReader(signed)); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("uploading a stale version: %v, want conflict", err)
	}
	final, _, err := r.Current(ctx, chair, "minutes/vi")
	if err != nil || !bytes.Equal(final, signed) {
		t.Fatalf("Current: %d bytes, %v", len(final), err)
	}
	ps := signtest.Pdfsig(t, ca, final)
	if len(ps) != 2 || ps[0].Validation != "Signature is Valid." || ps[1].Validation != "Signature is Valid." || ps[1].Signer != "Lê Thu Trang" {
		t.Fatalf("pdfsig: %+v", ps)
	}
}

// TestRefusals: who may not, what is not accepted.
func TestRefusals(t *testing.T) {
	ctx := context.Background()
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ca := signtest.NewCA(t)
	noServer := newRecords(t, fx, records.Config{Roots: ca.Roots()})
	chair, delegate := fx.Session(documentstest.Chair), fx.Session(documentstest.D1)

	if _, err := noServer.Sign(ctx, chair, "minutes/vi", false); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("Sign without a server certificate: %v", err)
	}
	if _, err := noServer.Report(ctx, delegate, "minutes/vi"); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("a delegate's report: %v", err)
	}
	if _, _, err := noServer.Issue(ctx, delegate, "packet", false); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("a delegate issues: %v", err)
	}
	if _, _, err := noServer.Current(ctx, chair, "minutes/en"); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("Current before issue: %v", err)
	}
	if _, err := noServer.Report(ctx, chair, "minutes/xx"); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("a bad key: %v", err)
	}
	doc, err := fx.Docs.Upload(ctx, fx.Session(documentstest.Secretary), bytes.NewReader(fx.Generate(t, "Tờ trình số 12", 2)), "Tờ trình số 12", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx.Execute(t, documentstest.Secretary, meeting.AttachDocument{Item: "i1", Document: doc.ID})
	cur, _, err := noServer.Issue(ctx, chair, "packet", false)
	if err != nil {
		t.Fatalf("Issue packet: %v", err)
	}
	for _, tc := range []struct {
		name, want string
		body       []byte
	}{
		{"unsigned, appended", "exactly one signature", append(bytes.Clone(cur), cur[bytes.LastIndex(cur, []byte("startxref")):]...)},
		{"too much appended", "too large for a signature", append(bytes.Clone(cur), bytes.Repeat([]byte(" "), 3<<20)...)},
		{"another CA's signer", "does not chain", mustSign(t, cur, signtest.NewCA(t).NewSigner(t, "Kẻ giả mạo", "Không rõ", true))},
		{"not the current one", "not the record's current version", mustSign(t, signtest.ClassicPDF(), ca.NewSigner(t, "Trần Văn Quang", "Tỉnh ủy", false))},
		{"tampered after sign", "not valid", tamper(mustSign(t, cur, ca.NewSigner(t, "Trần Văn Quang", "Tỉnh ủy", false)), len(cur))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := noServer.Upload(ctx, chair, "packet", bytes.NewReader(tc.body)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Upload: %v, want %q", err, tc.want)
			}
			if st := fx.State(t); len(st.Records["packet"].Signatures) != 0 {
				t.Fatal("a refused upload changed the record")
			}
		})
	}
}

func mustSign(tb testing.TB, pdf []byte, s sign.Signer) []byte {
	tb.Helper()
	out, err := sign.Sign(context.Background(), pdf, s, sign.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// tamper flips a byte of the signature's own update (after from), in
// the bytes it covers: the widget's subtype.
func tamper(b []byte, from int) []byte {
	b = bytes.Clone(b)
	i := from + bytes.Index(b[from:], []byte("/Subtype/Widget"))
	b[i+10] ^= 1
	return b
}
