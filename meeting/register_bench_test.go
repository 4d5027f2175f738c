package meeting

import (
	"fmt"
	"testing"
)

// BenchmarkCloneWithRegister: the service clones the state for every
// document request; a congress's register (1,600 delegates × 10 secret
// documents) must not make that cost grow with it.
func BenchmarkCloneWithRegister(b *testing.B) {
	s := NewState()
	s.ID = "m"
	for i := range 16000 {
		s.Copies = append(s.Copies, &CopyRecord{Seq: uint64(i + 1), Participant: fmt.Sprintf("p%04d", i%1600), Device: fmt.Sprintf("tab-%04d", i%1600),
			Document: fmt.Sprintf("d%d", i/1600), Version: sha, Level: Mat, Kind: CopyView, Watermark: "0123456789abcdef", WatermarkText: "TÀI LIỆU MẬT — Đại biểu"})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Clone()
	}
}
