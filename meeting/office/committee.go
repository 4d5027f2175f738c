package office

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/dais-meeting/dais/meeting"
)

// Person is someone the office serves: a member of one or more committees.
// A person's id is the participant id they get in a meeting made from a
// committee, so their meetings can be found again.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Title is the person's office ("Phó Bí thư Tỉnh ủy"); Unit their
	// organisation ("Văn phòng Tỉnh ủy").
	Title string `json:"title,omitempty"`
	Unit  string `json:"unit,omitempty"`
	// Email receives reminders of consultations.
	Email string `json:"email,omitempty"`
	// Account is the office account the person signs in with (to answer
	// consultations, to see their calendar); empty: none.
	Account string `json:"account,omitempty"`
	// Staff: the person works for the office (văn phòng): their account
	// manages people and committees and prepares consultations, as an
	// administrator's does.
	Staff bool `json:"staff,omitempty"`
	// FeedHash is the SHA-256 (hex) of the person's private calendar feed
	// token; empty: no feed. Never shown.
	FeedHash string    `json:"feed_hash,omitempty"`
	Updated  time.Time `json:"updated,omitzero"`
}

// Public is the person as shown: without the feed's hash.
func (p Person) Public() Person {
	p.FeedHash = ""
	return p
}

// Member is a person's seat on a committee.
type Member struct {
	Person string `json:"person"`
	// Title is the person's title on this committee ("Bí thư", "Ủy viên
	// Ban Thường vụ"); empty: the person's own.
	Title string `json:"title,omitempty"`
	// Unit is the office or unit the member stands for; empty: the
	// person's own.
	Unit string `json:"unit,omitempty"`
	// Chair: the member who chairs the committee (approves its
	// consultations). At most one.
	Chair bool `json:"chair,omitempty"`
}

// Committee is a body of the office (Ban Chấp hành, Ban Thường vụ, a
// commune committee) and its members.
type Committee struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Members in the order they are listed (the chair first, usually).
	Members []Member `json:"members"`
	// Majority is how a consultation of this committee passes: "" or
	// MajorityAllMembers (more than half of all members, the default of
	// the Party's working rules), MajorityAnswered (more than half of
	// those who answered), or MajorityTwoThirds (at least two thirds of
	// all members).
	Majority string    `json:"majority,omitempty"`
	Updated  time.Time `json:"updated,omitzero"`
}

// The majority rules of consultations.
const (
	MajorityAllMembers = "all_members"
	MajorityAnswered   = "answered"
	MajorityTwoThirds  = "two_thirds"
)

// Chair returns the committee's chair, if any.
func (c Committee) Chair() (Member, bool) {
	for _, m := range c.Members {
		if m.Chair {
			return m, true
		}
	}
	return Member{}, false
}

// HasMember reports whether person sits on the committee.
func (c Committee) HasMember(person string) bool {
	return slices.ContainsFunc(c.Members, func(m Member) bool { return m.Person == person })
}

// idPattern is a person's or a committee's id: lower-case letters a–z,
// digits, dots, dashes and underscores, 2–64 characters; valid as a
// meeting participant id too.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,63}$`)

// ValidID reports whether id may name a person or a committee.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// MaxMembers bounds a committee (a provincial Party committee has about 50
// to 80 members; a congress is a meeting, not a committee).
const MaxMembers = 500

// text normalises a one-line text (clean) and reports whether it is one
// line of at most max characters.
func text(s string, max int) (string, bool) {
	s, ok := clean(s, false)
	return s, ok && utf8.RuneCountInString(s) <= max
}

// Body normalises a text of several lines (clean): a consultation's
// description, an answer, a report's note, a conclusion's text. ok is
// false for what clean refuses.
func Body(s string) (string, bool) { return clean(s, true) }

// CheckTitle normalises the title of an uploaded document (a
// consultation's, a report's attachment) and refuses one that is not one
// line of at most 300 characters (empty is allowed: the service names it).
func CheckTitle(title string) (string, error) {
	t, ok := text(title, 300)
	if !ok {
		return "", meeting.Errorf(meeting.Invalid, "Tên tài liệu phải là một dòng, tối đa 300 ký tự, không có ký tự điều khiển hay ký tự đảo chiều",
			"a document's title must be one line of at most 300 characters, without control or bidirectional-override characters")
	}
	return t, nil
}

// errBody refuses a text clean refused.
func errBody() error {
	return meeting.Errorf(meeting.Invalid, "Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không được phép",
		"the text holds control or bidirectional-override characters, which are not allowed")
}

// clean normalises outside text the office keeps and prints (PDFs, CSV,
// calendars, e-mail): CRLF becomes LF; invisible characters that only hide
// what is written (zero-width space, word joiner, byte order mark, soft
// hyphen) are dropped; the rest is composed (NFC: a Vietnamese letter
// typed as a base and combining marks becomes the one letter, so names
// and titles compare and print alike) and trimmed. ok is false for text
// that is not UTF-8, holds a control character (a line break too, unless
// multiline; a tab is kept) or a bidirectional embedding, override or
// isolate (U+202A–U+202E, U+2066–U+2069: "Trojan source" reordering of what
// a reader sees in a name or a title).
func clean(s string, multiline bool) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			if !multiline {
				return "", false
			}
		case r == '\t':
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			return "", false
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return "", false
		case r == 0x200b || r == 0x2060 || r == 0xfeff || r == 0xad:
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(norm.NFC.String(b.String())), true
}

// Check normalises p (trimmed, lower-case id, account and e-mail) and
// refuses what is not valid, with a reason fit to show.
func (p *Person) Check() error {
	p.ID = strings.ToLower(strings.TrimSpace(p.ID))
	if !ValidID(p.ID) {
		return meeting.Errorf(meeting.Invalid,
			"Mã người %q không hợp lệ: 2–64 ký tự chữ thường không dấu, số, dấu chấm, gạch ngang",
			"the person id %q is not valid: 2–64 lower-case letters a–z, digits, dots, dashes", p.ID)
	}
	var ok bool
	if p.Name, ok = text(p.Name, 120); !ok || p.Name == "" {
		return meeting.Errorf(meeting.Invalid, "Cần họ và tên (một dòng, tối đa 120 ký tự)", "a name is needed (one line, at most 120 characters)")
	}
	if p.Title, ok = text(p.Title, 200); !ok {
		return meeting.Errorf(meeting.Invalid, "Chức vụ quá dài (tối đa 200 ký tự, một dòng)", "the title is too long (at most 200 characters, one line)")
	}
	if p.Unit, ok = text(p.Unit, 200); !ok {
		return meeting.Errorf(meeting.Invalid, "Tên đơn vị quá dài (tối đa 200 ký tự, một dòng)", "the unit is too long (at most 200 characters, one line)")
	}
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	if p.Email != "" && !validEmail(p.Email) {
		return meeting.Errorf(meeting.Invalid, "Địa chỉ thư điện tử %q không hợp lệ", "the e-mail address %q is not valid", p.Email)
	}
	p.Account = strings.ToLower(strings.TrimSpace(p.Account))
	if p.Account != "" && !ValidID(p.Account) {
		return meeting.Errorf(meeting.Invalid, "Tên tài khoản %q không hợp lệ", "the account name %q is not valid", p.Account)
	}
	return nil
}

// validEmail is a plain local@domain check: one @, no spaces or header
// characters (the address goes into a mail header).
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return len(s) <= 254 && at > 0 && at == strings.LastIndexByte(s, '@') && at < len(s)-1 &&
		strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, " \t\r\n<>,;:\"()[]\\")
}

// Check normalises c and refuses what is not valid: its id and name, at
// most one chair, no person twice, every member a known person (known
// reports whether a person id is in the registry), the majority rule.
func (c *Committee) Check(known func(person string) bool) error {
	c.ID = strings.ToLower(strings.TrimSpace(c.ID))
	if !ValidID(c.ID) {
		return meeting.Errorf(meeting.Invalid,
			"Mã ban %q không hợp lệ: 2–64 ký tự chữ thường không dấu, số, dấu chấm, gạch ngang",
			"the committee id %q is not valid: 2–64 lower-case letters a–z, digits, dots, dashes", c.ID)
	}
	var ok bool
	if c.Name, ok = text(c.Name, 200); !ok || c.Name == "" {
		return meeting.Errorf(meeting.Invalid, "Cần tên của ban (một dòng, tối đa 200 ký tự)", "the committee needs a name (one line, at most 200 characters)")
	}
	switch c.Majority {
	case "", MajorityAllMembers, MajorityAnswered, MajorityTwoThirds:
	default:
		return meeting.Errorf(meeting.Invalid, "Cách tính đa số %q không có (all_members, answered, two_thirds)",
			"no majority rule %q (all_members, answered, two_thirds)", c.Majority)
	}
	if len(c.Members) > MaxMembers {
		return meeting.Errorf(meeting.Invalid, "Một ban có tối đa %d thành viên", "a committee has at most %d members", MaxMembers)
	}
	seen := map[string]bool{}
	chairs := 0
	for i := range c.Members {
		m := &c.Members[i]
		m.Person = strings.ToLower(strings.TrimSpace(m.Person))
		if seen[m.Person] {
			return meeting.Errorf(meeting.Invalid, "%q có tên hai lần trong ban", "%q is listed twice", m.Person)
		}
		seen[m.Person] = true
		if !ValidID(m.Person) || known == nil || !known(m.Person) {
			return meeting.Errorf(meeting.NotFound, "Không có người %q trong danh sách của văn phòng", "no person %q in the office's list", m.Person)
		}
		if m.Title, ok = text(m.Title, 200); !ok {
			return meeting.Errorf(meeting.Invalid, "Chức danh của %q quá dài", "the title of %q is too long", m.Person)
		}
		if m.Unit, ok = text(m.Unit, 200); !ok {
			return meeting.Errorf(meeting.Invalid, "Đơn vị của %q quá dài", "the unit of %q is too long", m.Person)
		}
		if m.Chair {
			chairs++
		}
	}
	if chairs > 1 {
		return meeting.Errorf(meeting.Invalid, "Một ban chỉ có một người chủ trì", "a committee has one chair at most")
	}
	return nil
}

// Participants are the committee's members as the participants of a new
// meeting: the chair as its chair, everyone else as a delegate, in the
// main hall (room), under their person ids, with their titles. A member
// whose id is skip (the meeting's secretary) is left out.
func (c Committee) Participants(people map[string]Person, room, skip string) []meeting.Participant {
	out := make([]meeting.Participant, 0, len(c.Members))
	for _, m := range c.Members {
		if m.Person == skip {
			continue
		}
		p := people[m.Person]
		title := m.Title
		if title == "" {
			title = p.Title
		}
		role := meeting.RoleDelegate
		if m.Chair {
			role = meeting.RoleChair
		}
		name := p.Name
		if name == "" {
			name = m.Person
		}
		out = append(out, meeting.Participant{ID: m.Person, Name: name, Title: title, Role: role, Room: room})
	}
	return out
}
