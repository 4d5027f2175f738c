package office

import (
	"fmt"
	"strings"

	"github.com/dais-meeting/dais/meeting"
)

// The rules of an office document's signed record (a conclusion's PDF, a
// consultation's summary), shared by the documents: their commands and
// events are meeting.IssueRecord and meeting.SignRecord under their own
// names, decided and folded here once the document has checked who may
// and whether it can be signed (checkRecordCommand of each).

// checkRecordFile checks a record command's file digest and size.
func checkRecordFile(sha string, size int64) error {
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" || size <= 0 {
		return meeting.Errorf(meeting.Invalid, "Mã băm hoặc kích thước của tệp không hợp lệ", "invalid file hash or size")
	}
	return nil
}

// issuedAlready reports whether cmd's version is the current one of
// records already (issuing it again decides nothing).
func issuedAlready(records map[string]*meeting.SignedRecord, cmd meeting.IssueRecord) bool {
	r := records[cmd.Record]
	return r != nil && r.SHA256 == cmd.SHA256
}

// checkSignRecord normalises cmd's signer and checks its level and place,
// and that it signs the current version of records.
func checkSignRecord(records map[string]*meeting.SignedRecord, cmd *meeting.SignRecord) error {
	if cmd.Signer, _ = text(cmd.Signer, 300); cmd.Signer == "" {
		return meeting.Errorf(meeting.Invalid, "Cần tên người ký", "the signer's name is needed")
	}
	if cmd.Level != "B-B" && cmd.Level != "B-T" {
		return meeting.Errorf(meeting.Invalid, "Mức chữ ký %q không hợp lệ (B-B hoặc B-T)", "invalid signature level %q (B-B or B-T)", cmd.Level)
	}
	if cmd.Where != "server" && cmd.Where != "token" {
		return meeting.Errorf(meeting.Invalid, "Nơi ký %q không hợp lệ", "invalid signing place %q", cmd.Where)
	}
	r := records[cmd.Record]
	if r == nil {
		return meeting.Errorf(meeting.Conflict, "Văn bản chưa được chốt để ký", "the record has not been issued for signing")
	}
	if r.SHA256 != cmd.Prev {
		return meeting.Errorf(meeting.Conflict, "Văn bản vừa được người khác ký hoặc chốt lại; hãy tải bản mới nhất và ký lại",
			"the record was signed or issued again meanwhile: download the current version and sign it")
	}
	return nil
}

// applyRecordIssued folds an issued version into *records.
func applyRecordIssued(records *map[string]*meeting.SignedRecord, d meeting.IssueRecord, e Event) {
	if *records == nil {
		*records = map[string]*meeting.SignedRecord{}
	}
	(*records)[d.Record] = &meeting.SignedRecord{Record: d.Record, SHA256: d.SHA256, Size: d.Size, IssuedBy: e.Actor, IssuedAt: e.At}
}

// applyRecordSigned folds a signature into records; it must sign the
// current version.
func applyRecordSigned(records map[string]*meeting.SignedRecord, d meeting.SignRecord, e Event) error {
	r := records[d.Record]
	if r == nil || r.SHA256 != d.Prev {
		return errNotCurrent(d.Record, d.Prev)
	}
	r.SHA256, r.Size = d.SHA256, d.Size
	r.Signatures = append(r.Signatures, meeting.RecordSignature{Participant: e.Actor, Signer: d.Signer, Level: d.Level, Where: d.Where, At: e.At})
	return nil
}

func errNotCurrent(key, prev string) error {
	return fmt.Errorf("office: record %q signed at %s, not its current version", key, prev)
}
