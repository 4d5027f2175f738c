package meeting

import (
	"fmt"
	"strings"
	"time"
)

// Signed records (issue 12). The minutes, the agenda packet and an
// election's counting minutes carry weight once signed with the signers'
// digital certificates (PAdES, package meeting/pdf/sign). A record is first
// issued for signing: its PDF is frozen (kept by its SHA-256 in blob
// storage, outside the log) and every signer then signs that version, one
// after the other, each signature an incremental update of the one before.
// The log keeps which version is current and who signed it; the PDF itself
// is the proof, checked by its signatures.
//
// Record keys: "minutes/vi", "minutes/en", "packet" and
// "counting/<election>/vi" or "counting/<election>/en".
//
// Who may issue and sign: the chair and the secretaries, any record; the
// members of the counting committee, an election's counting minutes.
// Both commands are accepted also once the meeting is closed: the minutes
// are signed after the meeting.
type (
	// IssueRecord freezes the PDF of Record (its SHA-256 and size) as the
	// version to sign. Issuing a record again starts over: the signatures
	// of the earlier version stay in the log, not on the new version.
	IssueRecord struct {
		Record string `json:"record"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}
	// SignRecord replaces the current version of Record (Prev, its
	// SHA-256) by the same PDF with one more signature (SHA256, Size),
	// made by the actor with a certificate whose common name is Signer, at
	// PAdES Level ("B-B" or "B-T"); Where says where the key was: "server"
	// (a certificate configured on the server) or "token" (the signer's
	// own token, signed with dais sign and uploaded).
	SignRecord struct {
		Record string `json:"record"`
		Prev   string `json:"prev"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
		Signer string `json:"signer"`
		Level  string `json:"level"`
		Where  string `json:"where"`
	}
)

type (
	// RecordIssued follows IssueRecord.
	RecordIssued IssueRecord
	// RecordSigned follows SignRecord.
	RecordSigned SignRecord
)

func (IssueRecord) CommandName() string { return "IssueRecord" }
func (SignRecord) CommandName() string  { return "SignRecord" }
func (RecordIssued) EventType() string  { return "RecordIssued" }
func (RecordSigned) EventType() string  { return "RecordSigned" }

// SignedRecord is the current version of a record issued for signing.
type SignedRecord struct {
	Record     string            `json:"record"`
	SHA256     string            `json:"sha256"`
	Size       int64             `json:"size"`
	IssuedBy   string            `json:"issued_by"`
	IssuedAt   time.Time         `json:"issued_at"`
	Signatures []RecordSignature `json:"signatures,omitempty"`
}

// RecordSignature is one signature on a record's current version, as the
// log has it (who signed, with which certificate name, when).
type RecordSignature struct {
	Participant string    `json:"participant"`
	Signer      string    `json:"signer"`
	Level       string    `json:"level"`
	Where       string    `json:"where"`
	At          time.Time `json:"at"`
}

// ParseRecord splits a record key into its kind ("minutes", "packet" or
// "counting"), election and language, or says why it is not one.
func ParseRecord(key string) (kind, election, lang string, err error) {
	parts := strings.Split(key, "/")
	bad := Errorf(Invalid, "Biên bản %q không hợp lệ (minutes/vi, minutes/en, packet, counting/<cuộc bầu cử>/vi)",
		"invalid record %q (minutes/vi, minutes/en, packet, counting/<election>/vi)", key)
	okLang := func(l string) bool { return l == "vi" || l == "en" }
	switch {
	case len(parts) == 2 && parts[0] == "minutes" && okLang(parts[1]):
		return "minutes", "", parts[1], nil
	case len(parts) == 1 && parts[0] == "packet":
		return "packet", "", "", nil
	case len(parts) == 3 && parts[0] == "counting" && idPattern.MatchString(parts[1]) && okLang(parts[2]):
		return "counting", parts[1], parts[2], nil
	}
	return "", "", "", bad
}

// CanSignRecord reports whether participant id may issue and sign the
// record key (which ParseRecord accepts): the chair and the secretaries
// any; the counting committee an election's counting minutes.
func (s *State) CanSignRecord(id, key string) bool {
	p := s.Participant(id)
	if p == nil {
		return false
	}
	if p.Role == RoleChair || p.Role == RoleSecretary {
		return true
	}
	kind, _, _, err := ParseRecord(key)
	return err == nil && kind == "counting" && s.OnCommittee(id)
}

// checkRecord checks the record key and the actor's right to it.
func (d decider) checkRecord(key string) error {
	kind, election, _, err := ParseRecord(key)
	if err != nil {
		return err
	}
	if !d.s.CanSignRecord(d.me.ID, key) {
		return Errorf(Forbidden,
			"Chỉ chủ tọa, thư ký (và ban kiểm phiếu, với biên bản kiểm phiếu) mới được ký biên bản.",
			"only the chair and the secretaries (and the counting committee, for the counting minutes) may sign a record")
	}
	if kind == "counting" && d.s.Elections[election] == nil {
		return Errorf(NotFound, "Không có cuộc bầu cử %q", "no election %q", election)
	}
	return nil
}

func checkDigest(sha string, size int64) error {
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" || size <= 0 {
		return Errorf(Invalid, "Mã băm hoặc kích thước của tệp không hợp lệ", "invalid file hash or size")
	}
	return nil
}

func (c IssueRecord) decide(d decider) ([]Event, error) {
	if err := d.checkRecord(c.Record); err != nil {
		return nil, err
	}
	if err := checkDigest(c.SHA256, c.Size); err != nil {
		return nil, err
	}
	if r := d.s.Records[c.Record]; r != nil && r.SHA256 == c.SHA256 {
		return nil, nil // issued already
	}
	return d.emit(RecordIssued(c))
}

func (c SignRecord) decide(d decider) ([]Event, error) {
	if err := d.checkRecord(c.Record); err != nil {
		return nil, err
	}
	if err := checkDigest(c.SHA256, c.Size); err != nil {
		return nil, err
	}
	if err := checkText("the signer's name", "tên người ký", c.Signer, true, MaxTextLength); err != nil {
		return nil, err
	}
	if c.Level != "B-B" && c.Level != "B-T" {
		return nil, Errorf(Invalid, "Mức chữ ký %q không hợp lệ (B-B hoặc B-T)", "invalid signature level %q (B-B or B-T)", c.Level)
	}
	if c.Where != "server" && c.Where != "token" {
		return nil, Errorf(Invalid, "Nơi ký %q không hợp lệ", "invalid signing place %q", c.Where)
	}
	r := d.s.Records[c.Record]
	if r == nil {
		return nil, Errorf(Conflict, "Biên bản chưa được chốt để ký", "the record has not been issued for signing")
	}
	if r.SHA256 != c.Prev {
		return nil, Errorf(Conflict, "Biên bản vừa được người khác ký hoặc chốt lại; hãy tải bản mới nhất và ký lại",
			"the record was signed or issued again meanwhile: download the current version and sign it")
	}
	return d.emit(RecordSigned(c))
}

func (d RecordIssued) fits(s *State, full bool) error {
	if _, _, _, err := ParseRecord(d.Record); err != nil {
		return fmt.Errorf("bad record %q", d.Record)
	}
	return nil
}

func (d RecordIssued) change(s *State, e Event) {
	if s.Records == nil {
		s.Records = map[string]*SignedRecord{}
	}
	s.Records[d.Record] = &SignedRecord{Record: d.Record, SHA256: d.SHA256, Size: d.Size, IssuedBy: e.Actor, IssuedAt: e.At}
}

func (d RecordSigned) fits(s *State, full bool) error {
	r := s.Records[d.Record]
	if r == nil {
		return fmt.Errorf("record %q not issued", d.Record)
	}
	return need(r.SHA256 == d.Prev, "record %q is at %s, not %s", d.Record, r.SHA256, d.Prev)
}

func (d RecordSigned) change(s *State, e Event) {
	r := s.Records[d.Record]
	r.SHA256, r.Size = d.SHA256, d.Size
	r.Signatures = append(r.Signatures, RecordSignature{Participant: e.Actor, Signer: d.Signer, Level: d.Level, Where: d.Where, At: e.At})
}

// acceptedAfterClose reports whether cmd is accepted once the meeting is
// closed: revoking sessions (a tablet can be lost after the meeting) and
// issuing and signing its records.
func acceptedAfterClose(cmd Command) bool {
	switch cmd.(type) {
	case IssueRecord, SignRecord:
		return true
	}
	return false
}

// foldedAfterClose is acceptedAfterClose for events.
func foldedAfterClose(data EventData) bool {
	switch data.(type) {
	case RecordIssued, RecordSigned:
		return true
	}
	return false
}
