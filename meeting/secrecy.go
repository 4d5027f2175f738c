package meeting

import (
	"fmt"
	"slices"
	"time"
)

// Secrecy (issue 12): a document's level under the Law on Protection of
// State Secrets (Mật, Tối mật, Tuyệt mật), the rules each level has in a
// meeting, the take-back (thu hồi) of its copies and the copy register
// (sổ theo dõi tài liệu mật).

// SecrecyLevel is a document's secrecy level; "" is none.
type SecrecyLevel string

// The levels, from the lowest.
const (
	NotSecret SecrecyLevel = ""
	Mat       SecrecyLevel = "mat"       // Mật
	ToiMat    SecrecyLevel = "toi_mat"   // Tối mật
	TuyetMat  SecrecyLevel = "tuyet_mat" // Tuyệt mật
)

// SecretLevels are the secret levels, from the lowest.
var SecretLevels = []SecrecyLevel{Mat, ToiMat, TuyetMat}

// Valid reports whether l is a level (none included).
func (l SecrecyLevel) Valid() bool { return l == NotSecret || slices.Contains(SecretLevels, l) }

// Secret reports whether l is a secret level.
func (l SecrecyLevel) Secret() bool { return l != NotSecret }

// Label is the level's name in lang ("vi", else English): "Tối mật",
// "Secret"; "" for none.
func (l SecrecyLevel) Label(lang string) string {
	vi := lang != "en"
	switch l {
	case Mat:
		return viOrEn(vi, "Mật", "Confidential")
	case ToiMat:
		return viOrEn(vi, "Tối mật", "Secret")
	case TuyetMat:
		return viOrEn(vi, "Tuyệt mật", "Top secret")
	}
	return ""
}

// Stamp is the level as printed on every page of a copy and in the packet
// and the minutes: "MẬT", "TỐI MẬT", "TUYỆT MẬT"; "" for none.
func (l SecrecyLevel) Stamp() string {
	switch l {
	case Mat:
		return "MẬT"
	case ToiMat:
		return "TỐI MẬT"
	case TuyetMat:
		return "TUYỆT MẬT"
	}
	return ""
}

func viOrEn(vi bool, a, b string) string {
	if vi {
		return a
	}
	return b
}

// LevelRules are what a level means in one meeting. Chair and secretaries
// are not bound by them (they may always open, download and print; their
// copies are still watermarked and registered).
type LevelRules struct {
	// Watermark stamps each copy with its reader's name, seat and date
	// (without it, the level alone is stamped: every copy carries it).
	Watermark bool `json:"watermark"`
	// Offline lets a tablet keep a copy for offline reading, until the
	// take-back.
	Offline bool `json:"offline"`
	// Download lets a reader download and print it: the web client's
	// buttons, the plain file route, the packet, the annotated copy.
	Download bool `json:"download"`
	// PresentedOnly serves it to a participant who is not one of its
	// named readers only while the main hall presents it.
	PresentedOnly bool `json:"presented_only"`
	// LinkedDisplays lets a linked room's display show it; without it,
	// only a document the chair allowed (AllowRoomDisplay).
	LinkedDisplays bool `json:"linked_displays"`
}

// DefaultRules returns the rules of level l in a meeting that did not
// change them (the zero rules for none).
func DefaultRules(l SecrecyLevel) LevelRules {
	switch l {
	case Mat:
		return LevelRules{Watermark: true, Offline: true, Download: true, LinkedDisplays: true}
	case ToiMat:
		return LevelRules{Watermark: true, LinkedDisplays: true}
	case TuyetMat:
		return LevelRules{Watermark: true, PresentedOnly: true}
	}
	return LevelRules{}
}

// Rules returns the rules of level l in this meeting: the secretary's
// (SetSecrecyRules), else the default.
func (s *State) Rules(l SecrecyLevel) LevelRules {
	if r, ok := s.SecrecyRules[l]; ok {
		return r
	}
	return DefaultRules(l)
}

// AllRules returns the rules of every secret level in this meeting.
func (s *State) AllRules() map[SecrecyLevel]LevelRules {
	m := make(map[SecrecyLevel]LevelRules, len(SecretLevels))
	for _, l := range SecretLevels {
		m[l] = s.Rules(l)
	}
	return m
}

// Secrecy is the document's effective level: Level when set; else Mật for
// a document reserved to its readers (Confidential: what an old log's
// "confidential" document was — watermarked per reader and kept offline,
// which are Mật's rules); else none.
func (d Document) Secrecy() SecrecyLevel {
	if d.Level != NotSecret {
		return d.Level
	}
	if d.Confidential {
		return Mat
	}
	return NotSecret
}

// TakeBack records when a secret document was taken back (thu hồi).
type TakeBack struct {
	At  time.Time `json:"at"`
	Seq uint64    `json:"seq"`
	// Reason is TakeBackBySecretary or TakeBackClosed.
	Reason string `json:"reason"`
}

// Why a document was taken back.
const (
	TakeBackBySecretary = "secretary" // TakeBackDocument (by a secretary or the chair)
	TakeBackClosed      = "closed"    // the meeting closed
)

// Kinds of copies (CopyServed.Kind).
const (
	CopyView      = "view"      // the web viewer's copy (X-Dais-Viewer)
	CopyOffline   = "offline"   // a copy kept on the tablet for offline reading
	CopyDownload  = "download"  // the plain file route
	CopyPacket    = "packet"    // in the agenda packet
	CopyAnnotated = "annotated" // the reader's annotated copy
)

var copyKinds = []string{CopyView, CopyOffline, CopyDownload, CopyPacket, CopyAnnotated}

// Refusal reasons (Error.Reason) of the copy rules.
const (
	ReasonTakenBack         = "taken_back"
	ReasonNoDownload        = "no_download"
	ReasonNoOffline         = "no_offline"
	ReasonNotPresented      = "not_presented"
	ReasonDisplayNotAllowed = "display_not_allowed"
	ReasonNotReader         = "not_reader"
	ReasonTooManyDevices    = "too_many_devices"
)

// MaxConfirmed bounds the documents of one ConfirmDeletion.
const MaxConfirmed = 200

// CopyRecord is one entry of the copy register: a copy of a secret
// document served to a participant's device, and its deletion once the
// tablet confirmed it.
type CopyRecord struct {
	Seq         uint64    `json:"seq"`
	At          time.Time `json:"at"`
	Participant string    `json:"participant"`
	// Device is the tablet's device id ("" when the request named none).
	Device   string `json:"device"`
	Document string `json:"document"`
	// Version is the document's content hash (sha256).
	Version string       `json:"version"`
	Level   SecrecyLevel `json:"level"`
	Kind    string       `json:"kind"`
	// Watermark is the stamp's id (a hash of WatermarkText).
	Watermark     string `json:"watermark"`
	WatermarkText string `json:"watermark_text"`
	// DeletedSeq and DeletedAt: the CopiesDeleted that confirmed its
	// deletion (0 while the copy is out).
	DeletedSeq uint64    `json:"deleted_seq,omitempty"`
	DeletedAt  time.Time `json:"deleted_at,omitzero"`
}

// Out reports whether the copy is still out (not confirmed deleted).
func (r *CopyRecord) Out() bool { return r.DeletedSeq == 0 }

// Confirmation is one CopiesDeleted in the register.
type Confirmation struct {
	Seq         uint64    `json:"seq"`
	At          time.Time `json:"at"`
	Participant string    `json:"participant"`
	Device      string    `json:"device"`
	Documents   []string  `json:"documents"`
	Copies      int       `json:"copies"`
}

// Secrecy commands.
type (
	// SetSecrecyRules sets a level's rules in this meeting (secretary).
	SetSecrecyRules struct {
		Level SecrecyLevel `json:"level"`
		Rules LevelRules   `json:"rules"`
	}
	// SetDocumentLevel sets a document's level (secretary); "" is none,
	// refused for a document reserved to readers (at least Mật).
	SetDocumentLevel struct {
		Document string       `json:"document"`
		Level    SecrecyLevel `json:"level"`
	}
	// TakeBackDocument takes a secret document back before the close
	// (a secretary or the chair): every tablet deletes its copies, and
	// delegates get none any more.
	TakeBackDocument struct {
		Document string `json:"document"`
	}
	// AllowRoomDisplay lets (or stops letting) linked rooms' displays
	// show a secret document whose level keeps it off them (chair).
	AllowRoomDisplay struct {
		Document string `json:"document"`
		Allow    bool   `json:"allow"`
	}
	// ConfirmDeletion is a tablet's report that it holds no copy of
	// Documents any more (any participant, a display too, also after the
	// close). Device is the tablet's device id.
	ConfirmDeletion struct {
		Device    string   `json:"device"`
		Documents []string `json:"documents"`
	}
	// RecordCopy registers a copy of a secret document served to the
	// actor, or refuses it by the level's rules. Made by the server's
	// document routes only: DecodeCommand refuses it from the wire.
	RecordCopy struct {
		Device        string `json:"device"`
		Document      string `json:"document"`
		Kind          string `json:"kind"`
		Watermark     string `json:"watermark"`
		WatermarkText string `json:"watermark_text"`
	}
)

func (SetSecrecyRules) CommandName() string  { return "SetSecrecyRules" }
func (SetDocumentLevel) CommandName() string { return "SetDocumentLevel" }
func (TakeBackDocument) CommandName() string { return "TakeBackDocument" }
func (AllowRoomDisplay) CommandName() string { return "AllowRoomDisplay" }
func (ConfirmDeletion) CommandName() string  { return "ConfirmDeletion" }
func (RecordCopy) CommandName() string       { return "RecordCopy" }

// Secrecy events.
type (
	SecrecyRulesSet struct {
		Level SecrecyLevel `json:"level"`
		Rules LevelRules   `json:"rules"`
	}
	DocumentLevelSet struct {
		Document string       `json:"document"`
		Level    SecrecyLevel `json:"level"`
	}
	DocumentTakenBack struct {
		Document string `json:"document"`
		Reason   string `json:"reason"`
	}
	RoomDisplayAllowed struct {
		Document string `json:"document"`
		Allow    bool   `json:"allow"`
	}
	// CopyServed is a copy register entry: Visible to the chair and the
	// secretaries only.
	CopyServed struct {
		Participant   string       `json:"participant"`
		Device        string       `json:"device"`
		Document      string       `json:"document"`
		Version       string       `json:"version"`
		Level         SecrecyLevel `json:"level"`
		Kind          string       `json:"kind"`
		Watermark     string       `json:"watermark"`
		WatermarkText string       `json:"watermark_text"`
	}
	// CopiesDeleted is a tablet's confirmation that it deleted its copies
	// of Documents (Copies register entries closed): Visible to the chair
	// and the secretaries only.
	CopiesDeleted struct {
		Participant string   `json:"participant"`
		Device      string   `json:"device"`
		Documents   []string `json:"documents"`
		Copies      int      `json:"copies"`
	}
)

func (SecrecyRulesSet) EventType() string    { return "SecrecyRulesSet" }
func (DocumentLevelSet) EventType() string   { return "DocumentLevelSet" }
func (DocumentTakenBack) EventType() string  { return "DocumentTakenBack" }
func (RoomDisplayAllowed) EventType() string { return "RoomDisplayAllowed" }
func (CopyServed) EventType() string         { return "CopyServed" }
func (CopiesDeleted) EventType() string      { return "CopiesDeleted" }

// ForStaff reports whether only the chair and the secretaries may receive
// e (the copy register, revocations): a server need not ask Visible of
// any other connection.
func ForStaff(e Event) bool {
	switch e.Data.(type) {
	case CopyServed, CopiesDeleted, SessionsRevoked:
		return true
	}
	return false
}

// needStaff refuses an actor who is neither a secretary nor the chair.
func (d decider) needStaff() error {
	if d.me.Role != RoleSecretary && d.me.Role != RoleChair {
		return Errorf(Forbidden, "Chỉ thư ký và chủ tọa mới được thu hồi tài liệu mật", "only a secretary or the chair may take a secret document back")
	}
	return nil
}

// secretDocument returns the document id, refusing an unknown or
// non-secret one.
func (d decider) secretDocument(id string) (*Document, error) {
	doc := d.s.Documents[id]
	if doc == nil {
		return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", id)
	}
	if !doc.Secrecy().Secret() {
		return nil, Errorf(Invalid, "Tài liệu %q không phải tài liệu mật", "document %q is not a secret document", id)
	}
	return doc, nil
}

func (c SetSecrecyRules) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	if !c.Level.Secret() || !c.Level.Valid() {
		return nil, Errorf(Invalid, "Độ mật không hợp lệ: %q (mat, toi_mat, tuyet_mat)", "invalid secrecy level %q (mat, toi_mat, tuyet_mat)", c.Level)
	}
	if d.s.Rules(c.Level) == c.Rules {
		return nil, nil
	}
	return d.emit(SecrecyRulesSet(c))
}

func (c SetDocumentLevel) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	if !c.Level.Valid() {
		return nil, Errorf(Invalid, "Độ mật không hợp lệ: %q (mat, toi_mat, tuyet_mat hoặc rỗng)", "invalid secrecy level %q (mat, toi_mat, tuyet_mat or empty)", c.Level)
	}
	doc := d.s.Documents[c.Document]
	if doc == nil {
		return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", c.Document)
	}
	if doc.TakenBack != nil {
		return nil, Errorf(Conflict, "Tài liệu đã được thu hồi; không đổi được độ mật", "the document was taken back; its level cannot change")
	}
	if c.Level == NotSecret && doc.Confidential {
		return nil, Errorf(Invalid, "Tài liệu chỉ dành cho người đọc được chỉ định luôn có độ mật ít nhất là Mật",
			"a document reserved to named readers is at least Mật (confidential)")
	}
	if doc.Secrecy() == c.Level {
		return nil, nil
	}
	return d.emit(DocumentLevelSet(c))
}

func (c TakeBackDocument) decide(d decider) ([]Event, error) {
	if err := d.needStaff(); err != nil {
		return nil, err
	}
	doc, err := d.secretDocument(c.Document)
	if err != nil {
		return nil, err
	}
	if doc.TakenBack != nil {
		return nil, nil
	}
	return d.emit(DocumentTakenBack{Document: c.Document, Reason: TakeBackBySecretary})
}

func (c AllowRoomDisplay) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	doc, err := d.secretDocument(c.Document)
	if err != nil {
		return nil, err
	}
	if doc.DisplayAllowed == c.Allow {
		return nil, nil
	}
	return d.emit(RoomDisplayAllowed(c))
}

// checkDevice refuses a malformed device id ("" is no device).
func checkDevice(device string) error {
	if device != "" && !idPattern.MatchString(device) {
		return Errorf(Invalid, "Mã thiết bị không hợp lệ: %q (chữ, số, '-', '_', '.'; tối đa 64 ký tự)",
			"invalid device id %q (letters, digits, '-', '_', '.'; at most 64)", device)
	}
	return nil
}

// decide: Decide calls it before the closed check (a tablet reports after
// the close too) and before the role check (a display reports too).
func (c ConfirmDeletion) decide(d decider) ([]Event, error) {
	if err := checkDevice(c.Device); err != nil {
		return nil, err
	}
	if len(c.Documents) == 0 || len(c.Documents) > MaxConfirmed {
		return nil, Errorf(Invalid, "Cần từ 1 đến %d tài liệu", "name 1 to %d documents", MaxConfirmed)
	}
	for _, id := range c.Documents {
		if d.s.Documents[id] == nil {
			return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", id)
		}
	}
	var docs []string
	n := 0
	for _, r := range d.s.Copies {
		if r.Out() && r.Participant == d.me.ID && (r.Device == c.Device || r.Device == "") && slices.Contains(c.Documents, r.Document) {
			n++
			if !slices.Contains(docs, r.Document) {
				docs = append(docs, r.Document)
			}
		}
	}
	if n == 0 {
		return nil, nil // nothing of these was out on this device
	}
	slices.Sort(docs)
	return d.emit(CopiesDeleted{Participant: d.me.ID, Device: c.Device, Documents: docs, Copies: n})
}

// decide: Decide calls it before the closed check (the chair and the
// secretaries still get copies after the close, and a delegate is told the
// document was taken back) and before the role check (a display's copy).
func (c RecordCopy) decide(d decider) ([]Event, error) {
	if !slices.Contains(copyKinds, c.Kind) {
		return nil, Errorf(Invalid, "Loại bản sao không hợp lệ: %q", "invalid copy kind %q", c.Kind)
	}
	if err := checkDevice(c.Device); err != nil {
		return nil, err
	}
	if err := checkText("the watermark", "dấu chìm", c.WatermarkText, true, MaxTextLength); err != nil {
		return nil, err
	}
	if !idPattern.MatchString(c.Watermark) {
		return nil, badID("watermark", "dấu chìm", c.Watermark)
	}
	doc, err := d.secretDocument(c.Document)
	if err != nil {
		return nil, err
	}
	if err := d.s.MayCopy(d.me.ID, c.Document, c.Kind); err != nil {
		return nil, err
	}
	if d.s.HasCopy(d.me.ID, c.Device, c.Document, c.Watermark) {
		return nil, nil
	}
	if d.me.Role != RoleChair && d.me.Role != RoleSecretary && d.s.devicesHolding(d.me.ID, c.Document, c.Device) >= MaxCopyDevices {
		// A script that names a new device per request would grow the
		// log without bound (issue 11, finding 5).
		return nil, refuse(Conflict, ReasonTooManyDevices,
			fmt.Sprintf("Bạn đã có bản sao tài liệu này trên %d thiết bị; hãy xóa bớt (thu hồi) trước khi nhận thêm.", MaxCopyDevices),
			fmt.Sprintf("you already hold copies of this document on %d devices; delete some before getting another", MaxCopyDevices))
	}
	return d.emit(CopyServed{Participant: d.me.ID, Device: c.Device, Document: c.Document, Version: doc.SHA256,
		Level: doc.Secrecy(), Kind: c.Kind, Watermark: c.Watermark, WatermarkText: c.WatermarkText})
}

// MaxCopyDevices bounds the devices on which a participant who is neither
// chair nor secretary may hold copies of one document at a time.
const MaxCopyDevices = 8

// devicesHolding counts the other devices (not device) on which
// participant holds out copies of document.
func (s *State) devicesHolding(participant, document, device string) int {
	var seen []string
	for _, r := range s.Copies {
		if r.Out() && r.Participant == participant && r.Document == document && r.Device != device && !slices.Contains(seen, r.Device) {
			seen = append(seen, r.Device)
		}
	}
	return len(seen)
}

// HasCopy reports whether the register holds an out copy of the
// document's current version for (participant, device) with that
// watermark: serving it again adds nothing.
func (s *State) HasCopy(participant, device, document, watermark string) bool {
	doc := s.Documents[document]
	if doc == nil {
		return false
	}
	for _, r := range s.Copies {
		if r.Out() && r.Participant == participant && r.Device == device && r.Document == document &&
			r.Watermark == watermark && r.Version == doc.SHA256 {
			return true
		}
	}
	return false
}

// MayCopy reports why participant may not be served a copy of a secret
// document of that kind (an *Error whose Reason names the rule), or nil.
// The chair and the secretaries always may. For everyone else: not after
// the take-back (or the close); a presented-only level only to its named
// readers or while the main hall presents it; otherwise only to those who
// may read it; a linked room's display only where the level or the chair
// allows; an offline copy or a download only where the level allows.
func (s *State) MayCopy(participant, document, kind string) error {
	p, doc := s.Participants[participant], s.Documents[document]
	if p == nil || doc == nil {
		return Errorf(NotFound, "Không có tài liệu %q", "no document %q", document)
	}
	if p.Role == RoleChair || p.Role == RoleSecretary {
		return nil
	}
	level := doc.Secrecy()
	rules := s.Rules(level)
	if doc.TakenBack != nil || (s.Status == StatusClosed && level.Secret()) {
		return refuse(Conflict, ReasonTakenBack,
			"Tài liệu mật này đã được thu hồi; không thể nhận thêm bản sao.",
			"this secret document has been taken back; no more copies are served")
	}
	if rules.PresentedOnly && level.Secret() {
		if !readerOf(doc, p) && s.Presentation.Document != document {
			return refuse(Forbidden, ReasonNotPresented,
				"Tài liệu "+level.Label("vi")+" chỉ được xem khi chủ tọa đang trình chiếu, hoặc bởi người đọc được chỉ định.",
				"a "+level.Label("en")+" document is shown only while the chair presents it, or to its named readers")
		}
	} else if !s.CanRead(participant, document) {
		return refuse(Forbidden, ReasonNotReader,
			"Đây là tài liệu mật, chỉ dành cho những người được chỉ định, chủ tọa và thư ký; bạn không có trong danh sách người đọc.",
			"this document is confidential: only its assigned readers, the chair and the secretaries may read it, and you are not one of them")
	}
	if p.Role == RoleDisplay && level.Secret() && !rules.LinkedDisplays && !doc.DisplayAllowed {
		if r := s.Room(p.Room); r == nil || !r.Main {
			return refuse(Forbidden, ReasonDisplayNotAllowed,
				"Màn hình điểm cầu không được hiển thị tài liệu "+level.Label("vi")+" khi chủ tọa chưa cho phép.",
				"a linked room's display may not show a "+level.Label("en")+" document unless the chair allows it")
		}
	}
	switch kind {
	case CopyOffline:
		if !rules.Offline {
			return refuse(Forbidden, ReasonNoOffline,
				"Tài liệu "+level.Label("vi")+" không được lưu trên máy để đọc ngoại tuyến.",
				"a "+level.Label("en")+" document may not be kept on the tablet for offline reading")
		}
	case CopyDownload, CopyPacket, CopyAnnotated:
		if !rules.Download {
			return refuse(Forbidden, ReasonNoDownload,
				"Tài liệu "+level.Label("vi")+" không được tải về hoặc in; chỉ xem trong ứng dụng.",
				"a "+level.Label("en")+" document may not be downloaded or printed; read it in the app")
		}
	}
	return nil
}

// refuse makes an *Error with a Reason.
func refuse(code Code, reason, vi, en string) *Error {
	return &Error{Code: code, Message: en, MessageVI: vi, Reason: reason}
}

// PendingTakeBack returns the taken-back documents of which the register
// has copies of participant still out on device (or on no named device):
// what the tablet is told to delete when it connects. Sorted.
func (s *State) PendingTakeBack(participant, device string) []string {
	var out []string
	for _, r := range s.Copies {
		if !r.Out() || r.Participant != participant || (r.Device != device && r.Device != "") || slices.Contains(out, r.Document) {
			continue
		}
		if doc := s.Documents[r.Document]; doc != nil && doc.TakenBack != nil {
			out = append(out, r.Document)
		}
	}
	slices.Sort(out)
	return out
}

// OutByDevice returns, for the given documents, the documents with copies
// out per participant and device: participant → device → documents. A
// server computes it once to tell every connected tablet what to delete.
func (s *State) OutByDevice(documents []string) map[string]map[string][]string {
	m := map[string]map[string][]string{}
	for _, r := range s.Copies {
		if !r.Out() || !slices.Contains(documents, r.Document) {
			continue
		}
		if m[r.Participant] == nil {
			m[r.Participant] = map[string][]string{}
		}
		if !slices.Contains(m[r.Participant][r.Device], r.Document) {
			m[r.Participant][r.Device] = append(m[r.Participant][r.Device], r.Document)
		}
	}
	return m
}

// Folding.

func (d SecrecyRulesSet) fits(s *State, full bool) error {
	return need(d.Level.Secret() && d.Level.Valid(), "invalid level %q", d.Level)
}

func (d SecrecyRulesSet) change(s *State, e Event) {
	if s.SecrecyRules == nil {
		s.SecrecyRules = map[SecrecyLevel]LevelRules{}
	}
	s.SecrecyRules[d.Level] = d.Rules
}

func (d DocumentLevelSet) fits(s *State, full bool) error {
	doc := s.Documents[d.Document]
	return need(d.Level.Valid() && doc != nil && doc.TakenBack == nil, "document %q unknown or taken back, or level %q invalid", d.Document, d.Level)
}

func (d DocumentLevelSet) change(s *State, e Event) { s.Documents[d.Document].Level = d.Level }

func (d DocumentLevelSet) visibleTo(s *State, p *Participant, viewer string) bool {
	return s.CanRead(viewer, d.Document) || s.listsWithheld()
}

func (d DocumentTakenBack) fits(s *State, full bool) error {
	doc := s.Documents[d.Document]
	return need(doc != nil && doc.TakenBack == nil, "document %q unknown or already taken back", d.Document)
}

func (d DocumentTakenBack) change(s *State, e Event) {
	s.Documents[d.Document].TakenBack = &TakeBack{At: e.At, Seq: e.Seq, Reason: d.Reason}
}

func (d DocumentTakenBack) visibleTo(s *State, p *Participant, viewer string) bool {
	return s.CanRead(viewer, d.Document) || s.listsWithheld()
}

func (d RoomDisplayAllowed) fits(s *State, full bool) error {
	return need(s.Documents[d.Document] != nil, "unknown document %q", d.Document)
}

func (d RoomDisplayAllowed) change(s *State, e Event) {
	s.Documents[d.Document].DisplayAllowed = d.Allow
}

func (d RoomDisplayAllowed) visibleTo(s *State, p *Participant, viewer string) bool {
	return s.CanRead(viewer, d.Document) || s.listsWithheld()
}

// fits: a client following a filtered stream never receives it; the
// server's state checks it. A register event is also folded after the
// close (see State.fits).
func (d CopyServed) fits(s *State, full bool) error {
	return need(s.known(d.Participant) && s.Documents[d.Document] != nil, "copy of unknown document %q or for unknown %q", d.Document, d.Participant)
}

// change keeps the register: only Apply (the server's state) does, like
// SignIns; ViewFor leaves it out.
func (d CopyServed) change(s *State, e Event) {}

func (d CopyServed) visibleTo(s *State, p *Participant, viewer string) bool {
	return p.Role == RoleChair || p.Role == RoleSecretary
}

func (d CopiesDeleted) fits(s *State, full bool) error {
	return need(s.known(d.Participant) && len(d.Documents) > 0, "deletion by unknown %q or of nothing", d.Participant)
}

func (d CopiesDeleted) change(s *State, e Event) {}

func (d CopiesDeleted) visibleTo(s *State, p *Participant, viewer string) bool {
	return p.Role == RoleChair || p.Role == RoleSecretary
}

// recordCopies keeps the copy register (Copies, Confirmations) in the
// server's state: called by Apply only. A record, once in Copies, is never
// changed in place (clones share them): a deletion replaces it.
func (s *State) recordCopies(e Event) {
	switch d := e.Data.(type) {
	case CopyServed:
		s.Copies = append(s.Copies, &CopyRecord{Seq: e.Seq, At: e.At, Participant: d.Participant, Device: d.Device,
			Document: d.Document, Version: d.Version, Level: d.Level, Kind: d.Kind, Watermark: d.Watermark, WatermarkText: d.WatermarkText})
	case CopiesDeleted:
		// Copy on write: clones of this state share the slice and its
		// records (Clone).
		copies := slices.Clone(s.Copies)
		for i, r := range copies {
			if r.Out() && r.Participant == d.Participant && (r.Device == d.Device || r.Device == "") && slices.Contains(d.Documents, r.Document) {
				deleted := *r
				deleted.DeletedSeq, deleted.DeletedAt = e.Seq, e.At
				copies[i] = &deleted
			}
		}
		s.Copies = copies
		s.Confirmations = append(s.Confirmations, &Confirmation{Seq: e.Seq, At: e.At, Participant: d.Participant,
			Device: d.Device, Documents: slices.Clone(d.Documents), Copies: d.Copies})
	}
}

// takeBackAll takes back every secret document not yet taken back: the
// close does (MeetingClosed).
func (s *State) takeBackAll(e Event) {
	for _, doc := range s.Documents {
		if doc.Secrecy().Secret() && doc.TakenBack == nil {
			doc.TakenBack = &TakeBack{At: e.At, Seq: e.Seq, Reason: TakeBackClosed}
		}
	}
}
