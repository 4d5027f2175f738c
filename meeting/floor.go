package meeting

import (
	"slices"
	"time"
)

// The floor: who asks to speak, who speaks, the speeches the minutes list.

func (c RequestFloor) decide(d decider) ([]Event, error) {
	if err := d.inSession(); err != nil {
		return nil, err
	}
	s := d.s
	if d.me.Role == RoleObserver {
		return nil, Errorf(Forbidden, "Quan sát viên không đăng ký phát biểu", "observers may not ask to speak")
	}
	if slices.Contains(s.Floor.Queue, d.me.ID) {
		return nil, Errorf(Conflict, "Đồng chí đã đăng ký phát biểu", "you have already asked to speak")
	}
	if s.Floor.Speaker == d.me.ID {
		return nil, Errorf(Conflict, "Đồng chí đang phát biểu", "you have the floor")
	}
	return d.emit(FloorRequested{Participant: d.me.ID})
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
	return d.emit(FloorGiven{Participant: who})
}

func (d FloorRequested) fits(s *State, full bool) error {
	return need(s.known(d.Participant) && !slices.Contains(s.Floor.Queue, d.Participant),
		"participant %q is unknown or already queued", d.Participant)
}

func (d FloorRequested) change(s *State, e Event) {
	s.Floor.Queue = append(s.Floor.Queue, d.Participant)
}

func (d FloorWithdrawn) fits(s *State, full bool) error {
	return need(slices.Contains(s.Floor.Queue, d.Participant), "participant %q is not queued", d.Participant)
}

func (d FloorWithdrawn) change(s *State, e Event) {
	s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, func(id string) bool { return id == d.Participant })
}

func (d FloorGiven) fits(s *State, full bool) error { return s.person(d.Participant) }

func (d FloorGiven) change(s *State, e Event) {
	s.endSpeech(e.At)
	s.Floor.Speaker, s.Floor.Since = d.Participant, e.At
	s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, func(id string) bool { return id == d.Participant })
	s.Floor.Speeches = append(s.Floor.Speeches, Speech{Participant: d.Participant, Item: s.Current, From: e.At})
}

func (d FloorEnded) fits(s *State, full bool) error {
	return need(d.Participant != "" && s.Floor.Speaker == d.Participant, "participant %q does not have the floor", d.Participant)
}

func (d FloorEnded) change(s *State, e Event) {
	s.endSpeech(e.At)
	s.Floor.Speaker, s.Floor.Since = "", time.Time{}
}

// endSpeech closes the speech in progress, if any, at t.
func (s *State) endSpeech(t time.Time) {
	if n := len(s.Floor.Speeches); n > 0 && s.Floor.Speaker != "" && s.Floor.Speeches[n-1].To.IsZero() {
		s.Floor.Speeches[n-1].To = t
	}
}
