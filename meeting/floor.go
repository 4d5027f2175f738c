package meeting

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The floor: who asks to speak (on what topic, for what kind of turn), who
// speaks, the registered contributions (tham luận) the secretary prepares,
// the speeches the minutes list.

// requestKind returns the kind a request is written with: "speech" and
// the empty kind are both a speech (written empty, as in logs older than
// kinds). A contribution is not asked for: the secretary registers it.
func requestKind(k SpeechKind) (SpeechKind, error) {
	switch k {
	case SpeechDefault, "speech":
		return SpeechDefault, nil
	case SpeechQuestion, SpeechOrder:
		return k, nil
	case SpeechContribution:
		return "", Errorf(Invalid, "Tham luận do thư ký đăng ký trước, không đăng ký từ máy tính bảng",
			"a contribution is registered by the secretary, not asked for from a tablet")
	}
	return "", Errorf(Invalid, "Loại đăng ký phát biểu không hợp lệ: %q (speech: phát biểu, question: chất vấn, order: kiến nghị về thủ tục)",
		"invalid kind %q (speech, question or order)", k)
}

// bidiControls are the Unicode formatting characters that reorder the
// text around them (a topic shown to the room must read as it was typed).
func bidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') || r == '\u200E' || r == '\u200F'
}

// checkTopic returns topic trimmed, refusing one that is not valid UTF-8,
// longer than MaxTopicRunes runes, or holding a control character (a line
// break, a tab, a bidi override); required refuses an empty one.
func checkTopic(topic string, required bool) (string, error) {
	if !utf8.ValidString(topic) {
		return "", Errorf(Invalid, "Chủ đề phát biểu không hợp lệ (không phải UTF-8)", "the topic is not valid UTF-8")
	}
	t := strings.TrimSpace(topic)
	if required && t == "" {
		return "", Errorf(Invalid, "Thiếu chủ đề tham luận", "the contribution's topic is missing")
	}
	if n := utf8.RuneCountInString(t); n > MaxTopicRunes {
		return "", Errorf(Invalid, "Chủ đề phát biểu quá dài: %d ký tự (tối đa %d)", "the topic is too long: %d characters (at most %d)", n, MaxTopicRunes)
	}
	if i := strings.IndexFunc(t, func(r rune) bool { return unicode.IsControl(r) || bidiControl(r) }); i >= 0 {
		return "", Errorf(Invalid, "Chủ đề phát biểu có ký tự điều khiển (xuống dòng, tab…) ở vị trí %d", "the topic holds a control character (a line break, a tab…) at byte %d", i)
	}
	return t, nil
}

func (c RequestFloor) decide(d decider) ([]Event, error) {
	if err := d.inSession(); err != nil {
		return nil, err
	}
	s := d.s
	if d.me.Role == RoleObserver {
		return nil, Errorf(Forbidden, "Quan sát viên không đăng ký phát biểu", "observers may not ask to speak")
	}
	kind, err := requestKind(c.Kind)
	if err != nil {
		return nil, err
	}
	topic, err := checkTopic(c.Topic, false)
	if err != nil {
		return nil, err
	}
	if slices.Contains(s.Floor.Queue, d.me.ID) {
		return nil, Errorf(Conflict, "Đồng chí đã đăng ký phát biểu", "you have already asked to speak")
	}
	if s.Floor.Speaker == d.me.ID {
		return nil, Errorf(Conflict, "Đồng chí đang phát biểu", "you have the floor")
	}
	return d.emit(FloorRequested{Participant: d.me.ID, Topic: topic, Kind: kind})
}

func (c WithdrawFloor) decide(d decider) ([]Event, error) {
	if err := d.inSession(); err != nil {
		return nil, err
	}
	if !slices.Contains(d.s.Floor.Queue, d.me.ID) {
		return nil, Errorf(Conflict, "Đồng chí chưa đăng ký phát biểu", "you have not asked to speak")
	}
	return d.emit(FloorWithdrawn{Participant: d.me.ID})
}

func (c EndFloor) decide(d decider) ([]Event, error) {
	if err := d.inSession(); err != nil {
		return nil, err
	}
	s := d.s
	if s.Floor.Speaker == "" {
		return nil, Errorf(Conflict, "Không có ai đang phát biểu", "nobody has the floor")
	}
	if d.me.Role != RoleChair && s.Floor.Speaker != d.me.ID {
		return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc người đang phát biểu mới kết thúc lượt phát biểu", "only the chair or the speaker may end the turn")
	}
	return d.emit(FloorEnded{Participant: s.Floor.Speaker})
}

func (c GiveFloor) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	s := d.s
	who := c.Participant
	if c.Contribution != "" {
		ct := s.Floor.Contribution(c.Contribution)
		if ct == nil {
			return nil, Errorf(NotFound, "Không có tham luận %q", "no contribution %q", c.Contribution)
		}
		if ct.Done {
			return nil, Errorf(Conflict, "Tham luận %q đã được trình bày", "contribution %q has already been given", ct.ID)
		}
		if who != "" && who != ct.Participant {
			return nil, Errorf(Invalid, "Tham luận %q do đại biểu khác trình bày", "contribution %q is another participant's", ct.ID)
		}
		who = ct.Participant
	}
	if who == "" {
		if len(s.Floor.Queue) == 0 {
			return nil, Errorf(Conflict, "Không có ai đăng ký phát biểu", "nobody has asked to speak")
		}
		who = s.Floor.Queue[0]
	}
	if s.Participants[who] == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", who)
	}
	if s.Floor.Speaker == who {
		return nil, Errorf(Conflict, "Đại biểu đang phát biểu", "this participant already has the floor")
	}
	return d.emit(FloorGiven{Participant: who, Contribution: c.Contribution})
}

// needContributions refuses an actor who may not prepare contributions:
// the secretaries and the chair may.
func (d decider) needContributions() error {
	if d.me.Role != RoleSecretary && d.me.Role != RoleChair {
		return Errorf(Forbidden, "Chỉ thư ký và chủ tọa mới được chuẩn bị danh sách tham luận", "only a secretary or the chair may prepare the contributions")
	}
	return nil
}

func (c AddContribution) decide(d decider) ([]Event, error) {
	if err := d.needContributions(); err != nil {
		return nil, err
	}
	s, ct := d.s, c.Contribution
	if !idPattern.MatchString(ct.ID) {
		return nil, badID("contribution", "tham luận", ct.ID)
	}
	p := s.Participants[ct.Participant]
	if p == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", ct.Participant)
	}
	if p.Role == RoleObserver || p.Role == RoleDisplay {
		return nil, Errorf(Invalid, "%s không trình bày tham luận (quan sát viên, màn hình)", "%s may not give a contribution (an observer or a display)", p.Name)
	}
	topic, err := checkTopic(ct.Topic, true)
	if err != nil {
		return nil, err
	}
	if ct.Item != "" && s.Item(ct.Item) == nil {
		return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", ct.Item)
	}
	if s.Floor.Contribution(ct.ID) != nil {
		return nil, Errorf(Conflict, "Tham luận %q đã có", "contribution %q already exists", ct.ID)
	}
	for _, o := range s.Floor.Contributions {
		if o.Participant == ct.Participant && strings.EqualFold(o.Topic, topic) {
			return nil, Errorf(Conflict, "%s đã được đăng ký tham luận về chủ đề này (%q)", "%s is already registered on this topic (%q)", p.Name, o.ID)
		}
	}
	return d.emit(ContributionAdded{Contribution: Contribution{ID: ct.ID, Participant: ct.Participant, Topic: topic, Item: ct.Item}})
}

func (c RemoveContribution) decide(d decider) ([]Event, error) {
	if err := d.needContributions(); err != nil {
		return nil, err
	}
	ct := d.s.Floor.Contribution(c.Contribution)
	if ct == nil {
		return nil, Errorf(NotFound, "Không có tham luận %q", "no contribution %q", c.Contribution)
	}
	if ct.Done {
		return nil, Errorf(Conflict, "Tham luận %q đã được trình bày; biên bản ghi lại, không xóa được", "contribution %q has been given: the minutes keep it", ct.ID)
	}
	return d.emit(ContributionRemoved(c))
}

func (c MoveContribution) decide(d decider) ([]Event, error) {
	if err := d.needContributions(); err != nil {
		return nil, err
	}
	f := d.s.Floor
	at := slices.IndexFunc(f.Contributions, func(ct Contribution) bool { return ct.ID == c.Contribution })
	if at < 0 {
		return nil, Errorf(NotFound, "Không có tham luận %q", "no contribution %q", c.Contribution)
	}
	if c.Index < 0 {
		return nil, Errorf(Invalid, "Vị trí %d không hợp lệ", "invalid position %d", c.Index)
	}
	to := min(c.Index, len(f.Contributions)-1)
	if to == at {
		return nil, nil // already there
	}
	return d.emit(ContributionMoved{Contribution: c.Contribution, Index: to})
}

func (d FloorRequested) fits(s *State, full bool) error {
	return need(s.known(d.Participant) && !slices.Contains(s.Floor.Queue, d.Participant),
		"participant %q is unknown or already queued", d.Participant)
}

func (d FloorRequested) change(s *State, e Event) {
	s.Floor.Queue = append(s.Floor.Queue, d.Participant)
	if s.Floor.Requests == nil {
		s.Floor.Requests = map[string]FloorRequest{}
	}
	s.Floor.Requests[d.Participant] = FloorRequest{Topic: d.Topic, Kind: d.Kind, At: e.At}
}

func (d FloorWithdrawn) fits(s *State, full bool) error {
	return need(slices.Contains(s.Floor.Queue, d.Participant), "participant %q is not queued", d.Participant)
}

func (d FloorWithdrawn) change(s *State, e Event) {
	s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, func(id string) bool { return id == d.Participant })
	delete(s.Floor.Requests, d.Participant)
}

func (d FloorGiven) fits(s *State, full bool) error {
	if err := s.person(d.Participant); err != nil {
		return err
	}
	if d.Contribution == "" {
		return nil
	}
	ct := s.Floor.Contribution(d.Contribution)
	return need(ct != nil && !ct.Done && ct.Participant == d.Participant,
		"contribution %q is unknown, given, or not %q's", d.Contribution, d.Participant)
}

func (d FloorGiven) change(s *State, e Event) {
	s.endSpeech(e.At)
	s.Floor.Speaker, s.Floor.Since = d.Participant, e.At
	sp := Speech{Participant: d.Participant, Item: s.Current, From: e.At}
	if ct := s.Floor.Contribution(d.Contribution); ct != nil {
		ct.Done = true
		sp.Topic, sp.Kind, sp.Contribution = ct.Topic, SpeechContribution, ct.ID
		if sp.Item == "" {
			sp.Item = ct.Item
		}
	} else if r, ok := s.Floor.Requests[d.Participant]; ok {
		sp.Topic, sp.Kind = r.Topic, r.Kind
	}
	s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, func(id string) bool { return id == d.Participant })
	delete(s.Floor.Requests, d.Participant)
	s.Floor.Speeches = append(s.Floor.Speeches, sp)
}

func (d FloorEnded) fits(s *State, full bool) error {
	return need(d.Participant != "" && s.Floor.Speaker == d.Participant, "participant %q does not have the floor", d.Participant)
}

func (d FloorEnded) change(s *State, e Event) {
	s.endSpeech(e.At)
	s.Floor.Speaker, s.Floor.Since = "", time.Time{}
}

func (d ContributionAdded) fits(s *State, full bool) error {
	ct := d.Contribution
	return need(ct.ID != "" && s.Floor.Contribution(ct.ID) == nil && s.known(ct.Participant) && (ct.Item == "" || s.Item(ct.Item) != nil),
		"contribution %q is empty or taken, or its participant or item unknown", ct.ID)
}

func (d ContributionAdded) change(s *State, e Event) {
	ct := d.Contribution
	ct.Done = false
	s.Floor.Contributions = append(s.Floor.Contributions, ct)
}

func (d ContributionRemoved) fits(s *State, full bool) error {
	ct := s.Floor.Contribution(d.Contribution)
	return need(ct != nil && !ct.Done, "contribution %q is unknown or given", d.Contribution)
}

func (d ContributionRemoved) change(s *State, e Event) {
	s.Floor.Contributions = slices.DeleteFunc(s.Floor.Contributions, func(ct Contribution) bool { return ct.ID == d.Contribution })
}

func (d ContributionMoved) fits(s *State, full bool) error {
	return need(s.Floor.Contribution(d.Contribution) != nil && d.Index >= 0, "contribution %q is unknown or index %d negative", d.Contribution, d.Index)
}

func (d ContributionMoved) change(s *State, e Event) {
	list := s.Floor.Contributions
	at := slices.IndexFunc(list, func(ct Contribution) bool { return ct.ID == d.Contribution })
	ct := list[at]
	list = slices.Delete(slices.Clone(list), at, at+1)
	to := min(d.Index, len(list))
	s.Floor.Contributions = slices.Insert(list, to, ct)
}

// forgetSpeaker takes a removed participant off the floor: their request
// and the contributions they had not given yet (a given one stays, as
// their speech does).
func (f *Floor) forgetSpeaker(id string) {
	f.Queue = slices.DeleteFunc(f.Queue, func(q string) bool { return q == id })
	delete(f.Requests, id)
	f.Contributions = slices.DeleteFunc(f.Contributions, func(ct Contribution) bool { return ct.Participant == id && !ct.Done })
}

// endSpeech closes the speech in progress, if any, at t.
func (s *State) endSpeech(t time.Time) {
	if n := len(s.Floor.Speeches); n > 0 && s.Floor.Speaker != "" && s.Floor.Speeches[n-1].To.IsZero() {
		s.Floor.Speeches[n-1].To = t
	}
}
