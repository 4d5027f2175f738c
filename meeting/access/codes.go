package access

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Invitation is a one-time sign-in code made for a participant.
type Invitation struct {
	Participant string `json:"participant"`
	Code        string `json:"code"`
}

// MaxInvitationsPerCall bounds one Invitations call (a party congress has
// about 1,600 delegates).
const MaxInvitationsPerCall = 5000

// codeAlphabet has no symbols that read alike (0/O, 1/I/L): 31 symbols.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// codeLen is how many symbols a code has: 31^13 ≈ 2^64.4.
const codeLen = 13

// codeGroups is how a code is shown: "K7Q2-M4XP-A9RTW".
var codeGroups = []int{4, 4, 5}

// errCode is the answer to every code that does not admit: it does not
// tell an unknown code from a used, replaced or expired one.
func errCode() error {
	return meeting.Errorf(meeting.Unauthorized, "Mã mời không đúng, đã được dùng hoặc đã hết hạn", "the invitation code is wrong, used or expired")
}

// Invite makes a one-time invitation code for a participant of a meeting,
// such as "K7Q2-M4XP-A9RTW", to be typed on a tablet or scanned as a QR
// code. The participant's older unused code stops working.
func (s *Service) Invite(ctx context.Context, meetingID, participant string) (string, error) {
	if !meeting.ValidMeetingID(meetingID) {
		return "", meeting.Errorf(meeting.Invalid, "Mã hội nghị không hợp lệ: %q", "invalid meeting id %q", meetingID)
	}
	_, ok, version, err := s.member(ctx, meetingID, participant)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", meeting.Errorf(meeting.NotFound, "Không có đại biểu %q trong hội nghị", "no participant %q in this meeting", participant)
	}
	return s.issue(ctx, meetingID, participant, version)
}

// Invitations makes a new one-time code for each of participants (every
// participant of the meeting, in the meeting's order, when none are named),
// on behalf of a secretary of the session's meeting. Each participant's
// older unused code stops working. An unknown participant refuses the whole
// call before any code is made.
func (s *Service) Invitations(ctx context.Context, sess Session, participants []string) ([]Invitation, error) {
	if err := requireSecretary(sess); err != nil {
		return nil, err
	}
	var (
		order   []string
		known   map[string]bool
		version uint64
	)
	err := s.meetings.Read(ctx, sess.Meeting, func(st *meeting.State) {
		version = st.Version
		order = append(order, st.Order...)
		known = make(map[string]bool, len(st.Participants))
		for id := range st.Participants {
			known[id] = true
		}
	})
	if err != nil {
		return nil, err
	}
	if len(participants) == 0 {
		participants = order
	}
	if len(participants) > MaxInvitationsPerCall {
		return nil, meeting.Errorf(meeting.Invalid, "Tối đa %d mã mời mỗi lần", "at most %d invitations per call", MaxInvitationsPerCall)
	}
	seen := make(map[string]bool, len(participants))
	for _, p := range participants {
		if !known[p] {
			return nil, meeting.Errorf(meeting.NotFound, "Không có đại biểu %q trong hội nghị", "no participant %q in this meeting", p)
		}
		if seen[p] {
			return nil, meeting.Errorf(meeting.Invalid, "Đại biểu %q được nêu hai lần", "participant %q is named twice", p)
		}
		seen[p] = true
	}
	out := make([]Invitation, 0, len(participants))
	for _, p := range participants {
		code, err := s.issue(ctx, sess.Meeting, p, version)
		if err != nil {
			// Codes already made are unused and harmless: nobody has seen them.
			return nil, err
		}
		out = append(out, Invitation{Participant: p, Code: code})
	}
	return out, nil
}

// issue stores a new code for a participant known to exist at log version
// seq, replacing their older one, and returns it as shown.
func (s *Service) issue(ctx context.Context, meetingID, participant string, seq uint64) (string, error) {
	code, err := newCode()
	if err != nil {
		return "", internal(err)
	}
	inv := storage.Invitation{Meeting: meetingID, Participant: participant, Seq: seq, Expires: s.opt.Now().Add(s.opt.CodeTTL)}
	if err := s.store.PutInvitation(ctx, storeKey("code", code), inv); err != nil {
		return "", unavailable(err)
	}
	return formatCode(code), nil
}

// Join redeems an invitation code (once) and opens a session. A code that
// is not codeLen symbols of the alphabet is refused without a look-up.
func (s *Service) Join(ctx context.Context, code string) (Session, error) {
	return s.JoinWhere(ctx, code, nil)
}

// JoinWhere is Join for a place that serves only some meetings (a bridge
// site serves those that have its room): allow, given the code's meeting,
// refuses it with an error that JoinWhere returns, and the code is put
// back unspent — typing a code at the wrong place changes nothing. allow
// nil allows every meeting.
func (s *Service) JoinWhere(ctx context.Context, code string, allow func(ctx context.Context, meetingID string) error) (Session, error) {
	c, ok := NormaliseCode(code)
	if !ok {
		return Session{}, errCode()
	}
	key := storeKey("code", c)
	inv, err := s.store.RedeemInvitation(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return Session{}, errCode()
	}
	if err != nil {
		return Session{}, unavailable(err)
	}
	if allow != nil {
		if err := allow(ctx, inv.Meeting); err != nil {
			// Back as it was (a code issued for the participant in the
			// instant between would be voided by it, as any new code
			// voids the older ones).
			if perr := s.store.PutInvitation(ctx, key, inv); perr != nil {
				s.opt.Logger.Error("putting back an invitation code refused at this place failed: it is spent", "meeting", inv.Meeting, "participant", inv.Participant, "err", perr)
			}
			return Session{}, err
		}
	}
	var (
		found, valid bool
		version      uint64
	)
	err = s.meetings.Read(ctx, inv.Meeting, func(st *meeting.State) {
		version = st.Version
		found = st.Participant(inv.Participant) != nil
		valid = st.SignInValid(inv.Participant, "", inv.Seq)
	})
	if err != nil {
		return Session{}, err
	}
	if !found || !valid {
		// Made before a removal or a revocation: void (and now used up).
		return Session{}, errCode()
	}
	return s.openSession(ctx, inv.Meeting, inv.Participant, version)
}

// newCode returns codeLen symbols of codeAlphabet, each uniform (rejection
// sampling: no symbol is likelier than another).
func newCode() (string, error) {
	const limit = 256 - 256%len(codeAlphabet) // 248
	out := make([]byte, 0, codeLen)
	var buf [32]byte
	for len(out) < codeLen {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", err
		}
		for _, x := range buf {
			if int(x) < limit && len(out) < codeLen {
				out = append(out, codeAlphabet[int(x)%len(codeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// formatCode groups a canonical code for reading: "K7Q2-M4XP-A9RTW".
func formatCode(c string) string {
	var b strings.Builder
	i := 0
	for g, n := range codeGroups {
		if g > 0 {
			b.WriteByte('-')
		}
		b.WriteString(c[i : i+n])
		i += n
	}
	return b.String()
}

// NormaliseCode returns the canonical form of a typed code: upper case,
// without spaces, dashes or dots (any separator a person or a QR scanner
// adds), and whether it has the shape of a code. It does not say whether
// the code exists.
func NormaliseCode(code string) (string, bool) {
	if len(code) > 64 {
		return "", false
	}
	out := make([]byte, 0, codeLen)
	for _, r := range code {
		switch {
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r == '-' || r == ' ' || r == '.' || r == '_' || r == '\t' || r == '\u2010' || r == '\u2013' || r == '\u2014':
			continue
		}
		if r > 127 || !strings.ContainsRune(codeAlphabet, r) {
			return "", false
		}
		out = append(out, byte(r))
	}
	return string(out), len(out) == codeLen
}
