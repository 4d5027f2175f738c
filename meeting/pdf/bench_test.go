package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
)

// benchSizes are the page counts the benchmarks run on.
var benchSizes = []int{50, 500}

func BenchmarkValidate(b *testing.B) {
	e := mustEngine(b, Config{Timeout: DefaultTimeout * 4})
	for _, n := range benchSizes {
		src := mustGenerate(b, e, "Tài liệu đo hiệu năng", n)
		b.Run(fmt.Sprintf("%dpages", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				info, err := e.Validate(context.Background(), bytes.NewReader(src))
				if err != nil || info.Pages != n {
					b.Fatalf("Validate = %+v, %v", info, err)
				}
			}
		})
	}
}

func BenchmarkWatermark(b *testing.B) {
	e := mustEngine(b, Config{Timeout: DefaultTimeout * 4})
	for _, n := range benchSizes {
		src := mustGenerate(b, e, "Tài liệu đo hiệu năng", n)
		b.Run(fmt.Sprintf("%dpages", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				err := e.Watermark(context.Background(), bytes.NewReader(src), io.Discard,
					"TÀI LIỆU MẬT — Đại biểu "+nameHuong+" — Ghế A03 — 03/12/2026")
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
