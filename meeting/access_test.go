package meeting

import "testing"

func TestCanRead(t *testing.T) {
	s := NewState()
	s.ID = "m"
	for _, p := range []Participant{
		{ID: "sec", Role: RoleSecretary},
		{ID: "chair", Role: RoleChair},
		{ID: "d1", Role: RoleDelegate},
		{ID: "d2", Role: RoleDelegate},
		{ID: "obs", Role: RoleObserver},
	} {
		s.Participants[p.ID] = &p
	}
	s.Documents["pub"] = &Document{ID: "pub", Title: "Công khai", Pages: 1}
	s.Documents["conf"] = &Document{ID: "conf", Title: "Mật", Pages: 1, Confidential: true, Readers: []string{"d1", "obs"}}
	s.Documents["sealed"] = &Document{ID: "sealed", Title: "Mật, không ai được giao", Pages: 1, Confidential: true}

	tests := []struct {
		participant, document string
		want                  bool
	}{
		{"sec", "pub", true},
		{"chair", "pub", true},
		{"d2", "pub", true},
		{"obs", "pub", true},
		{"stranger", "pub", false},
		{"d1", "missing", false},
		{"sec", "conf", true},
		{"chair", "conf", true},
		{"d1", "conf", true},
		{"obs", "conf", true},
		{"d2", "conf", false},
		{"stranger", "conf", false},
		{"sec", "sealed", true},
		{"chair", "sealed", true},
		{"d1", "sealed", false},
	}
	for _, tt := range tests {
		t.Run(tt.participant+"/"+tt.document, func(t *testing.T) {
			if got := s.CanRead(tt.participant, tt.document); got != tt.want {
				t.Errorf("CanRead(%q, %q) = %v, want %v", tt.participant, tt.document, got, tt.want)
			}
		})
	}
}
