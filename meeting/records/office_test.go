package records_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/storage/bolt"
)

// The office documents' signed records (a conclusion's, a consultation's
// summary) are tested on the same setting: this file's helpers.

// btv opens a store with the committee "btv" (Ban Thường vụ Tỉnh ủy):
// its chair "chu" (Bùi Văn Tỉnh) and member "an" (Nguyễn Văn An).
func btv(t *testing.T, ctx context.Context) (*bolt.Store, *committees.Service) {
	t.Helper()
	st, err := bolt.Open(t.TempDir(), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	reg := committees.New(st, nil, nil, committees.Options{})
	meetingtest.Committee(t, reg, office.Person{ID: "chu", Name: "Bùi Văn Tỉnh"}, office.Person{ID: "an", Name: "Nguyễn Văn An"})
	return st, reg
}

// officeSigning returns a PDF engine, a CA and the Config of a node that
// signs with the CA's certificate of the office, time-stamped (B-T), and
// trusts the CA.
func officeSigning(t *testing.T) (*pdf.Engine, *signtest.CA, records.Config) {
	t.Helper()
	engine, err := pdf.New(pdf.Config{FontDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	ca := signtest.NewCA(t)
	server := ca.NewSigner(t, "Văn phòng Tỉnh ủy Hòa Bình", "Tỉnh ủy Hòa Bình", false)
	tsa := httptest.NewServer(ca.NewTSA(t))
	t.Cleanup(tsa.Close)
	return engine, ca, records.Config{Signer: &server, TSA: &sign.TSAClient{URL: tsa.URL}, Roots: ca.Roots()}
}

// officeRecords is records.Conclusions and records.Consultations.
type officeRecords interface {
	Current(ctx context.Context, actor office.Actor, id, key string) ([]byte, *meeting.SignedRecord, error)
	Upload(ctx context.Context, actor office.Actor, id, key string, body io.Reader) (*records.Report, error)
}

// secretaryUploads has the secretary sec sign cur, the current version of
// id's record key, on her own token (Lê Thu Trang, of ca) and upload it:
// the report has both signatures and the log names her after the server;
// the same upload again is refused as stale. It returns what she signed.
func secretaryUploads(t *testing.T, ctx context.Context, r officeRecords, ca *signtest.CA, sec office.Actor, id, key string, cur []byte) []byte {
	t.Helper()
	mine := ca.NewSigner(t, "Lê Thu Trang", "Văn phòng Tỉnh ủy Hòa Bình", true)
	signed, err := sign.Sign(ctx, cur, mine, sign.Options{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Upload(ctx, sec, id, key, bytes.NewReader(signed))
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if len(rep.Signatures) != 2 || !rep.Signatures[0].Unchanged || rep.Signatures[1].Signer != "Lê Thu Trang" ||
		len(rep.Log) != 2 || rep.Log[1].Participant != "account:vanphong" || rep.Log[1].Where != "token" {
		t.Fatalf("after the upload: %+v", rep)
	}
	if _, err := r.Upload(ctx, sec, id, key, bytes.NewReader(signed)); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("uploading a stale version: %v, want conflict", err)
	}
	return signed
}

// signedTwice checks that the current version of id's record key is
// signed, as the chair reads it, and that pdfsig finds both signatures
// valid, the second Lê Thu Trang's.
func signedTwice(t *testing.T, ctx context.Context, r officeRecords, ca *signtest.CA, chair office.Actor, id, key string, signed []byte) {
	t.Helper()
	final, _, err := r.Current(ctx, chair, id, key)
	if err != nil || !bytes.Equal(final, signed) {
		t.Fatalf("Current: %d bytes, %v", len(final), err)
	}
	ps := signtest.Pdfsig(t, ca, final)
	if len(ps) != 2 || ps[0].Validation != "Signature is Valid." || ps[1].Validation != "Signature is Valid." || ps[1].Signer != "Lê Thu Trang" {
		t.Fatalf("pdfsig: %+v", ps)
	}
}
