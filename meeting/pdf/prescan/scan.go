package prescan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// Reason says which bound a refused file broke.
type Reason string

// The reasons of a refusal.
const (
	// ReasonDepth: arrays or dictionaries nested deeper than MaxDepth.
	ReasonDepth Reason = "depth"
	// ReasonBomb: a stream, or all of them, decode to more than the budget.
	ReasonBomb Reason = "bomb"
	// ReasonObjects: more objects than MaxObjects, found or declared.
	ReasonObjects Reason = "objects"
	// ReasonFilter: a filter chain longer than MaxFilters, or decode
	// parameters whose rows are larger than MaxRowBytes.
	ReasonFilter Reason = "filter"
	// ReasonImage: an image declared larger than MaxImagePixels.
	ReasonImage Reason = "image"
	// ReasonTime: the scan ran out of time (its context ended).
	ReasonTime Reason = "time"
)

// Error is a refusal: the Reason and a short English detail.
type Error struct {
	Reason Reason
	Detail string
	// Limit is the byte budget a bomb exceeded.
	Limit int64
}

func (e *Error) Error() string { return "prescan: " + string(e.Reason) + ": " + e.Detail }

func refuse(r Reason, format string, args ...any) *Error {
	return &Error{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// Active is the set of kinds of active content a file names.
type Active uint8

// The kinds of active content.
const (
	// JavaScript: JavaScript (/JS, /JavaScript) and the actions that run
	// or fetch something (/Launch, /ImportData, /RichMediaExecute, /GoToE).
	JavaScript Active = 1 << iota
	// EmbeddedFiles: /EmbeddedFiles, /EmbeddedFile, /FileAttachment,
	// /RichMedia, /EF, /AF.
	EmbeddedFiles
	// XFA: an XFA form (/XFA).
	XFA
)

// activeNames maps the names that reveal active content to its kind.
var activeNames = map[string]Active{
	"JS": JavaScript, "JavaScript": JavaScript, "Launch": JavaScript, "ImportData": JavaScript,
	"RichMediaExecute": JavaScript, "GoToE": JavaScript,
	"EmbeddedFiles": EmbeddedFiles, "EmbeddedFile": EmbeddedFiles, "FileAttachment": EmbeddedFiles,
	"RichMedia": EmbeddedFiles, "EF": EmbeddedFiles, "AF": EmbeddedFiles,
	"XFA": XFA,
}

// Limits bounds a scan. Zero fields take DefaultLimits' values.
type Limits struct {
	// MaxDepth is how deep arrays and dictionaries may nest.
	MaxDepth int
	// MaxObjects bounds the objects of the file: found in its body and in
	// its object streams, and declared (/Size, /N, /Index).
	MaxObjects int
	// MaxParsedBytes bounds an estimate of the memory pdfcpu needs to
	// hold the file's parsed objects (ParsedBytes): it keeps every value
	// of the body and of the object streams.
	MaxParsedBytes int64
	// MaxStreamBytes bounds the bytes one stream's filters produce, every
	// stage counted.
	MaxStreamBytes int64
	// MaxDecodedBytes bounds the bytes all streams' filters produce: the
	// larger of it and DecodedPerByte times the file's size.
	MaxDecodedBytes int64
	DecodedPerByte  int64
	// MaxHeldBytes bounds the decoded size of the streams pdfcpu keeps
	// whole in memory: object streams, cross-reference streams, contents.
	MaxHeldBytes int64
	// MaxFilters is the longest filter chain.
	MaxFilters int
	// MaxRowBytes bounds a predictor's or fax decoder's row.
	MaxRowBytes int64
	// MaxImagePixels bounds an image's declared width × height.
	MaxImagePixels int64
}

// DefaultLimits are the limits of an upload: far beyond what real
// documents need (nesting rarely passes 10, filter chains 2; the largest
// of pdfcpu's 510 test files has 7,324 objects and 116,631 values), well
// within 256 MiB and 2 s on one core.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:        64,
		MaxObjects:      100_000,
		MaxParsedBytes:  128 << 20,
		MaxStreamBytes:  256 << 20,
		MaxDecodedBytes: 256 << 20,
		DecodedPerByte:  8,
		MaxHeldBytes:    32 << 20,
		MaxFilters:      4,
		MaxRowBytes:     4 << 20,
		MaxImagePixels:  200 << 20,
	}
}

func (l *Limits) setDefaults() {
	d := DefaultLimits()
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxObjects <= 0 {
		l.MaxObjects = d.MaxObjects
	}
	if l.MaxParsedBytes <= 0 {
		l.MaxParsedBytes = d.MaxParsedBytes
	}
	if l.MaxStreamBytes <= 0 {
		l.MaxStreamBytes = d.MaxStreamBytes
	}
	if l.MaxDecodedBytes <= 0 {
		l.MaxDecodedBytes = d.MaxDecodedBytes
	}
	if l.DecodedPerByte <= 0 {
		l.DecodedPerByte = d.DecodedPerByte
	}
	if l.MaxHeldBytes <= 0 {
		l.MaxHeldBytes = d.MaxHeldBytes
	}
	if l.MaxFilters <= 0 {
		l.MaxFilters = d.MaxFilters
	}
	if l.MaxRowBytes <= 0 {
		l.MaxRowBytes = d.MaxRowBytes
	}
	if l.MaxImagePixels <= 0 {
		l.MaxImagePixels = d.MaxImagePixels
	}
}

// Report is what a scan that refused nothing found.
type Report struct {
	// Objects is the number of objects found (body and object streams).
	Objects int
	// Streams is the number of streams.
	Streams int
	// Decoded is the number of bytes all filter stages produced.
	Decoded int64
	// Depth is the deepest nesting seen.
	Depth int
	// Tokens is the number of values parsed (numbers, names, strings,
	// arrays, dictionaries), in the body and object streams.
	Tokens int
	// ParsedBytes estimates the memory pdfcpu needs to hold the parsed
	// objects: costObject a object, costDict a dictionary, costArray an
	// array, costValue any other value (measured with pdfcpu v0.15.0:
	// 100,000 null objects 63 MiB, 100,000 small dictionaries in an array
	// 42 MiB, 1,000,000 integers in an array 57 MiB, 100,000 objects of a
	// dictionary with an array and a string 295 MiB; the estimate is above
	// the first three and 80% of the last).
	ParsedBytes int64
	// Active is the active content named in the file.
	Active Active
	// Damaged is the first error of Flate data that does not decode
	// (bit flips, a cut): pdfcpu would fail on it too.
	Damaged error
}

// Scan checks the PDF in b against lim (see the package comment) and
// returns what it found, or an *Error. It never panics and never holds a
// decoded stream in memory beyond MaxHeldBytes (object and cross-reference
// streams, which it parses). ctx bounds its time.
func Scan(ctx context.Context, b []byte, lim Limits) (rep Report, err error) {
	lim.setDefaults()
	s := &scanner{ctx: ctx, b: b, lim: lim}
	s.total = max(lim.MaxDecodedBytes, lim.DecodedPerByte*int64(len(b)))
	defer func() {
		if r := recover(); r != nil {
			// A bug of the scan must not take the server down; the file
			// is refused as malformed beyond what we can bound.
			err = refuse(ReasonFilter, "scan failed: %v", r)
		}
	}()
	if err := s.body(); err != nil {
		return Report{}, err
	}
	if err := s.lyingOffsets(); err != nil {
		return Report{}, err
	}
	return s.rep, nil
}

// value is a parsed PDF object, kept in detail only near the top of an
// object (the keys a stream's dictionary is judged by).
type value struct {
	kind tokKind // tNum, tName, tString, tKeyword, tArrOpen (array), tDictOpen (dict)
	num  float64
	int  bool
	name string
	ref  bool // num is the object number of "num gen R"
	arr  []value
	dict map[string]value
}

// keepDepth is how deep values are kept in detail; keepItems how many
// items of an array.
const (
	keepDepth = 3
	keepItems = 4096
)

type scanner struct {
	ctx     context.Context
	b       []byte
	lim     Limits
	rep     Report
	starts  []int    // offsets of "n g obj" seen in the body, increasing
	xrefOff []int    // in-use offsets named by cross-reference sections
	streams [][2]int // the data ranges of the body's streams
	total   int64    // the budget of decoded bytes of the file
	steps   int
}

// tick checks the context every few thousand steps.
func (s *scanner) tick() error {
	s.steps++
	if s.steps&4095 == 0 {
		if err := s.ctx.Err(); err != nil {
			return refuse(ReasonTime, "the scan took too long: %v", err)
		}
	}
	return nil
}

// body walks the file from its start: objects, their streams, xref
// sections and trailers, and whatever lies between.
func (s *scanner) body() error {
	b := s.b
	pos := 0
	for {
		if err := s.tick(); err != nil {
			return err
		}
		t := next(b, pos)
		switch t.kind {
		case tEOF:
			return nil
		case tNum:
			if _, t3, ok := objHeader(b, t); ok {
				end, err := s.object(t.start, t3.end)
				if err != nil {
					return err
				}
				pos = end
				continue
			}
			pos = t.end
		case tArrOpen, tDictOpen:
			v, end, err := s.parse(b, t, 1, true)
			if err != nil {
				return err
			}
			if err := s.declared(v); err != nil {
				return err
			}
			pos = end
		case tName:
			s.note(b[t.start:t.end])
			pos = t.end
		case tKeyword:
			if string(b[t.start:t.end]) == "xref" {
				pos = s.xrefTable(t.end)
				continue
			}
			pos = t.end
		default:
			pos = t.end
		}
	}
}

// objHeader reports whether t starts "n g obj".
func objHeader(b []byte, t token) (token, token, bool) {
	t2 := next(b, t.end)
	if t2.kind != tNum || !isInt(b[t.start:t.end]) || !isInt(b[t2.start:t2.end]) {
		return t2, t2, false
	}
	t3 := next(b, t2.end)
	if t3.kind != tKeyword || string(b[t3.start:t3.end]) != "obj" {
		return t2, t3, false
	}
	return t2, t3, true
}

// object scans the object whose header starts at start and ends at pos:
// its value, and its stream if it has one. It returns where the scan goes
// on.
func (s *scanner) object(start, pos int) (int, error) {
	b := s.b
	s.starts = append(s.starts, start)
	s.rep.Objects++
	s.rep.ParsedBytes += costObject
	if s.rep.Objects > s.lim.MaxObjects {
		return 0, refuse(ReasonObjects, "more than %d objects", s.lim.MaxObjects)
	}
	t := next(b, pos)
	if t.kind == tEOF {
		return t.end, nil
	}
	if t.kind == tKeyword && string(b[t.start:t.end]) == "endobj" {
		return t.end, nil
	}
	v, end, err := s.parse(b, t, 1, true)
	if err != nil {
		return 0, err
	}
	t = next(b, end)
	if t.kind != tKeyword || string(b[t.start:t.end]) != "stream" || v.kind != tDictOpen {
		return end, s.declared(v)
	}
	return s.stream(v, t.end)
}

// keptKeys are the dictionary keys whose values are kept: those a
// stream, trailer or decode-parameters dictionary is judged by.
var keptKeys = map[string]bool{
	"Type": true, "Subtype": true, "Length": true, "Filter": true, "F": true, "DecodeParms": true,
	"N": true, "First": true, "Size": true, "Index": true, "W": true, "Width": true, "Height": true,
	"BitsPerComponent": true, "ColorSpace": true, "Length1": true, "Length2": true, "Length3": true,
	"FunctionType": true, "HalftoneType": true, "PatternType": true, "Columns": true, "Colors": true,
	"Rows": true, "EarlyChange": true, "Predictor": true,
}

// kept returns the text of a name token and whether its value is kept,
// sparing the allocation when
// it has no #-escape and is not kept.
func kept(raw []byte) (string, bool) {
	if bytes.IndexByte(raw, '#') >= 0 {
		k := nameText(raw)
		return k, keptKeys[k]
	}
	if !keptKeys[string(raw[1:])] {
		return "", false
	}
	return string(raw[1:]), true
}

// parse parses the value that starts with token t at nesting depth depth
// (the outermost array or dictionary is depth 1). Values are kept only
// when keep is set, near the top (keepDepth) and under keptKeys; the
// others are checked, not kept. It returns the value and the position
// after it.
func (s *scanner) parse(b []byte, t token, depth int, keep bool) (value, int, error) {
	s.rep.Tokens++
	switch t.kind {
	case tDictOpen:
		s.rep.ParsedBytes += costDict
	case tArrOpen:
		s.rep.ParsedBytes += costArray
	default:
		s.rep.ParsedBytes += costValue
	}
	if s.rep.ParsedBytes > s.lim.MaxParsedBytes {
		return value{}, 0, s.tooMuchParsed()
	}
	switch t.kind {
	case tNum:
		v := value{kind: tNum}
		raw := b[t.start:t.end]
		v.int = isInt(raw)
		if keep {
			v.num = parseNum(raw)
		}
		// "n g R"?
		if v.int {
			t2 := next(b, t.end)
			if t2.kind == tNum && isInt(b[t2.start:t2.end]) {
				t3 := next(b, t2.end)
				if t3.kind == tKeyword && t3.end-t3.start == 1 && b[t3.start] == 'R' {
					v.ref = true
					return v, t3.end, nil
				}
			}
		}
		return v, t.end, nil
	case tName:
		s.note(b[t.start:t.end])
		v := value{kind: tName}
		if keep {
			v.name = nameText(b[t.start:t.end])
		}
		return v, t.end, nil
	case tArrOpen, tDictOpen:
	default:
		return value{kind: t.kind}, t.end, nil
	}
	if depth > s.rep.Depth {
		s.rep.Depth = depth
	}
	if depth > s.lim.MaxDepth {
		return value{}, 0, refuse(ReasonDepth, "arrays or dictionaries nested more than %d deep (offset %d)", s.lim.MaxDepth, t.start)
	}
	// Kept: dictionaries near the top, and arrays under a kept key (an
	// object that is an array is judged by nothing).
	keep = keep && depth <= keepDepth && (t.kind == tDictOpen || depth > 1)
	v := value{kind: t.kind}
	closer := tArrClose
	if t.kind == tDictOpen {
		closer = tDictClose
	}
	pos := t.end
	var key string
	haveKey, keepItem := false, keep
	for {
		if err := s.tick(); err != nil {
			return value{}, 0, err
		}
		it := next(b, pos)
		switch {
		case it.kind == tEOF:
			return v, it.end, nil
		case it.kind == closer:
			return v, it.end, nil
		case it.kind == tArrClose || it.kind == tDictClose:
			// A stray closer: readers skip it; so do we.
			pos = it.end
			continue
		case it.kind == tKeyword:
			switch string(b[it.start:it.end]) {
			case "endobj", "stream", "obj":
				// An unclosed value ends at the end of its object.
				return v, it.start, nil
			}
		}
		if t.kind == tDictOpen && !haveKey {
			if it.kind == tName {
				s.note(b[it.start:it.end])
				haveKey = true
				keepItem = false
				if keep {
					key, keepItem = kept(b[it.start:it.end])
				}
				pos = it.end
				continue
			}
		}
		item, end, err := s.parse(b, it, depth+1, keepItem)
		if err != nil {
			return value{}, 0, err
		}
		pos = end
		if t.kind == tDictOpen {
			if haveKey && keepItem {
				if v.dict == nil {
					v.dict = map[string]value{}
				}
				v.dict[key] = item
			}
			haveKey = false
		} else if keep && len(v.arr) < keepItems {
			v.arr = append(v.arr, item)
		}
	}
}

// The estimated cost of holding a parsed object, dictionary, array and
// other value in pdfcpu (Report.ParsedBytes).
const (
	costObject = 1024
	costDict   = 600
	costArray  = 600
	costValue  = 64
)

func (s *scanner) tooMuchParsed() *Error {
	return refuse(ReasonObjects, "%d objects and %d values would take about %d MiB to hold (limit %d MiB)",
		s.rep.Objects, s.rep.Tokens, s.rep.ParsedBytes>>20, s.lim.MaxParsedBytes>>20)
}

// note records the active content a name reveals.
func (s *scanner) note(name []byte) {
	if len(name) < 3 || len(name) > 40 {
		return
	}
	if bytes.IndexByte(name, '#') >= 0 {
		s.rep.Active |= activeNames[nameText(name)]
		return
	}
	s.rep.Active |= activeNames[string(name[1:])]
}

// declared checks the object counts a dictionary declares (/Size of a
// trailer or cross-reference stream, /N of an object stream, /Index).
func (s *scanner) declared(v value) error {
	if v.kind != tDictOpen {
		return nil
	}
	if n := num(v, "Size"); n > float64(s.lim.MaxObjects) {
		return refuse(ReasonObjects, "/Size %.0f is more than %d objects", n, s.lim.MaxObjects)
	}
	return nil
}

// num returns the number under key of dict v (0 when absent, not a number
// or a reference).
func num(v value, key string) float64 {
	x, ok := v.dict[key]
	if !ok || x.kind != tNum || x.ref || math.IsNaN(x.num) {
		return 0
	}
	return x.num
}

func name(v value, key string) string {
	x, ok := v.dict[key]
	if !ok || x.kind != tName {
		return ""
	}
	return x.name
}

// xrefTable reads a classic cross-reference section from pos and records
// its in-use offsets; it returns where the scan goes on (its trailer).
func (s *scanner) xrefTable(pos int) int {
	b := s.b
	for {
		t1 := next(b, pos)
		if t1.kind != tNum {
			return pos
		}
		t2 := next(b, t1.end)
		if t2.kind != tNum {
			return pos
		}
		count := int(parseNum(b[t2.start:t2.end]))
		pos = t2.end
		for i := 0; i < count; i++ {
			o := next(b, pos)
			g := next(b, o.end)
			k := next(b, g.end)
			if o.kind != tNum || g.kind != tNum || k.kind != tKeyword {
				return pos
			}
			if string(b[k.start:k.end]) == "n" && len(s.xrefOff) < s.lim.MaxObjects {
				s.xrefOff = append(s.xrefOff, int(parseNum(b[o.start:o.end])))
			}
			pos = k.end
		}
	}
}

// stream scans the stream whose dictionary is d and whose keyword
// "stream" ends at pos; it returns the position after "endstream".
func (s *scanner) stream(d value, pos int) (int, error) {
	b := s.b
	s.rep.Streams++
	if err := s.declared(d); err != nil {
		return 0, err
	}
	// The data starts after the end of line that follows "stream".
	if pos < len(b) && b[pos] == '\r' {
		pos++
	}
	if pos < len(b) && b[pos] == '\n' {
		pos++
	}
	start, end := pos, -1
	if l := num(d, "Length"); l > 0 && l <= float64(len(b)-start) {
		e := start + int(l)
		if bytes.HasPrefix(b[skip(b, e):], []byte("endstream")) {
			end = e
		}
	}
	if end < 0 {
		if i := bytes.Index(b[start:], []byte("endstream")); i >= 0 {
			end = start + i
		} else {
			end = len(b)
		}
	}
	s.streams = append(s.streams, [2]int{start, end})
	after := end
	if bytes.HasPrefix(b[skip(b, end):], []byte("endstream")) {
		after = skip(b, end) + len("endstream")
	}
	return after, s.decode(d, b[start:end])
}

// kind of stream, by what pdfcpu does with its decoded bytes.
const (
	sOther   = iota // decoded only when used: counted, not held
	sObjStm         // parsed by pdfcpu: held, scanned for objects
	sXRef           // held by pdfcpu
	sContent        // page or form content: held, scanned for nesting
)

func streamKind(d value) int {
	typ, sub := name(d, "Type"), name(d, "Subtype")
	switch {
	case typ == "ObjStm":
		return sObjStm
	case typ == "XRef":
		return sXRef
	case sub == "Form" || num(d, "PatternType") == 1:
		return sContent
	}
	for _, k := range []string{"Type", "Subtype", "Length1", "Length2", "Length3", "N", "FunctionType", "HalftoneType", "Width", "Height", "BitsPerComponent", "ColorSpace"} {
		if _, ok := d.dict[k]; ok {
			return sOther
		}
	}
	return sContent
}

// decode checks stream d with data raw: its declared sizes, then its
// filters, as a stream of bytes, into a sink that fits its kind.
func (s *scanner) decode(d value, raw []byte) error {
	kind := streamKind(d)
	if name(d, "Subtype") == "Image" || (num(d, "Width") > 0 && num(d, "Height") > 0) {
		if px := num(d, "Width") * num(d, "Height"); px > float64(s.lim.MaxImagePixels) {
			return refuse(ReasonImage, "an image of %.0f × %.0f pixels (limit %d pixels)", num(d, "Width"), num(d, "Height"), s.lim.MaxImagePixels)
		}
	}
	filters, parms := filterChain(d)
	if len(filters) > s.lim.MaxFilters {
		return refuse(ReasonFilter, "a chain of %d filters (limit %d)", len(filters), s.lim.MaxFilters)
	}
	for i, p := range parms {
		if err := s.checkParms(filters[i], p); err != nil {
			return err
		}
	}
	if kind == sObjStm {
		if n := num(d, "N"); n < 0 || n > float64(s.lim.MaxObjects-s.rep.Objects) {
			return refuse(ReasonObjects, "an object stream declares %.0f objects (limit %d in all)", n, s.lim.MaxObjects)
		}
	}
	if kind == sXRef {
		total := 0.0
		if idx, ok := d.dict["Index"]; ok {
			for i := 1; i < len(idx.arr); i += 2 {
				total += idx.arr[i].num
			}
		}
		if total > float64(s.lim.MaxObjects) {
			return refuse(ReasonObjects, "a cross-reference stream's /Index declares %.0f objects (limit %d)", total, s.lim.MaxObjects)
		}
	}

	bud := &budget{s: s, max: s.lim.MaxStreamBytes}
	r, complete := chain(raw, filters, parms, bud)
	if !complete {
		// A filter we do not decode (images: DCT, JPX, JBIG2, CCITT;
		// Crypt; unknown): pdfcpu does not parse what it hides.
		kind = sOther
	}
	switch kind {
	case sObjStm, sXRef:
		// Measure first, streaming; hold only what fits.
		n, err := io.Copy(io.Discard, &heldLimit{r: r, left: s.lim.MaxHeldBytes, max: s.lim.MaxHeldBytes})
		if err != nil {
			return s.decodeErr(err)
		}
		r, _ = chain(raw, filters, parms, nil)
		held := bytes.NewBuffer(make([]byte, 0, n))
		if _, err := io.Copy(held, io.LimitReader(r, n)); err != nil {
			return s.decodeErr(err)
		}
		if kind == sObjStm {
			return s.objStm(d, held.Bytes())
		}
		return s.xrefStream(d, held.Bytes())
	case sContent:
		return s.decodeErr(s.content(&heldLimit{r: r, left: s.lim.MaxHeldBytes, max: s.lim.MaxHeldBytes}))
	default:
		_, err := io.Copy(io.Discard, r)
		return s.decodeErr(err)
	}
}

// chain returns raw decoded by the filters it knows, each stage counted
// in bud (nil: not counted), and whether every filter was applied.
func chain(raw []byte, filters []string, parms []value, bud *budget) (io.Reader, bool) {
	var r io.Reader = bytes.NewReader(raw)
	for i, f := range filters {
		dec := decoder(f, r, parms[i])
		if dec == nil {
			return r, false
		}
		r = dec
		if bud != nil {
			r = &counter{r: dec, b: bud}
		}
	}
	return r, true
}

// decodeErr keeps the refusals of a decoding and drops its other errors:
// damaged compressed data is for pdfcpu to judge.
func (s *scanner) decodeErr(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var d damaged
	if errors.As(err, &d) && s.rep.Damaged == nil {
		s.rep.Damaged = d.err
	}
	return nil
}

// filterChain returns the names of d's filters and their parameters (nil
// when absent).
func filterChain(d value) ([]string, []value) {
	var filters []string
	var parms []value
	f, ok := d.dict["Filter"]
	if !ok {
		f, ok = d.dict["F"] // the abbreviation of inline images, tolerated
	}
	if !ok {
		return nil, nil
	}
	switch f.kind {
	case tName:
		filters = []string{f.name}
	case tArrOpen:
		for _, x := range f.arr {
			if x.kind == tName {
				filters = append(filters, x.name)
			}
		}
	}
	parms = make([]value, len(filters))
	if p, ok := d.dict["DecodeParms"]; ok {
		switch p.kind {
		case tDictOpen:
			if len(parms) > 0 {
				parms[0] = p
			}
		case tArrOpen:
			for i, x := range p.arr {
				if i < len(parms) {
					parms[i] = x
				}
			}
		}
	}
	return filters, parms
}

// checkParms bounds the rows a predictor or fax decoder allocates.
func (s *scanner) checkParms(filter string, p value) error {
	if p.kind != tDictOpen {
		return nil
	}
	cols, colors, bpc := num(p, "Columns"), num(p, "Colors"), num(p, "BitsPerComponent")
	if cols < 0 || colors < 0 || bpc < 0 || colors > 64 || bpc > 32 {
		return refuse(ReasonFilter, "decode parameters out of range (Columns %.0f, Colors %.0f, BitsPerComponent %.0f)", cols, colors, bpc)
	}
	colors, bpc = max(colors, 1), max(bpc, 8)
	if row := cols * colors * bpc / 8; row > float64(s.lim.MaxRowBytes) {
		return refuse(ReasonFilter, "decode parameters with rows of %.0f bytes (limit %d)", row, s.lim.MaxRowBytes)
	}
	if filter == "CCITTFaxDecode" || filter == "CCF" {
		if rows := num(p, "Rows"); rows < 0 || max(cols, 1728)*rows > float64(s.lim.MaxImagePixels) {
			return refuse(ReasonImage, "a fax image of %.0f × %.0f pixels (limit %d pixels)", cols, rows, s.lim.MaxImagePixels)
		}
	}
	return nil
}

// heldLimit refuses a stream that pdfcpu would hold whole beyond its
// bound.
type heldLimit struct {
	r         io.Reader
	left, max int64
}

func (h *heldLimit) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.left -= int64(n)
	if h.left < 0 {
		e := refuse(ReasonBomb, "an object, cross-reference or content stream decodes to more than %d MiB", h.max>>20)
		e.Limit = h.max
		return n, e
	}
	return n, err
}

// objStm scans the objects of a decoded object stream.
func (s *scanner) objStm(d value, b []byte) error {
	n := int(num(d, "N"))
	s.rep.Objects += n
	s.rep.ParsedBytes += int64(n) * costObject
	if s.rep.ParsedBytes > s.lim.MaxParsedBytes {
		return s.tooMuchParsed()
	}
	if s.rep.Objects > s.lim.MaxObjects {
		return refuse(ReasonObjects, "more than %d objects", s.lim.MaxObjects)
	}
	// The whole stream — header of number pairs, then the objects — is a
	// sequence of values.
	pos := 0
	for {
		if err := s.tick(); err != nil {
			return err
		}
		t := next(b, pos)
		if t.kind == tEOF {
			return nil
		}
		v, end, err := s.parse(b, t, 1, true)
		if err != nil {
			return err
		}
		if err := s.declared(v); err != nil {
			return err
		}
		if end <= pos {
			end = t.end
		}
		pos = end
	}
}

// xrefStream records the in-use offsets of a decoded cross-reference
// stream.
func (s *scanner) xrefStream(d value, b []byte) error {
	w, ok := d.dict["W"]
	if !ok || len(w.arr) != 3 {
		return nil
	}
	var ws [3]int
	sum := 0
	for i, x := range w.arr {
		if x.num < 0 || x.num > 8 {
			return nil
		}
		ws[i] = int(x.num)
		sum += ws[i]
	}
	if sum == 0 {
		return nil
	}
	field := func(p []byte) int {
		v := 0
		for _, c := range p {
			v = v<<8 | int(c)
		}
		return v
	}
	for i := 0; i+sum <= len(b) && len(s.xrefOff) < s.lim.MaxObjects; i += sum {
		typ := 1
		if ws[0] > 0 {
			typ = field(b[i : i+ws[0]])
		}
		if typ == 1 {
			s.xrefOff = append(s.xrefOff, field(b[i+ws[0]:i+ws[0]+ws[1]]))
		}
	}
	return nil
}

// lyingOffsets parses, as pdfcpu would, every object a cross-reference
// section places where the walk of the body found none (inside a stream's
// data): a lying table must not smuggle a deep object past the scan.
func (s *scanner) lyingOffsets() error {
	seen := map[int]bool{}
	for _, off := range s.xrefOff {
		if off <= 0 || off >= len(s.b) || seen[off] {
			continue
		}
		if _, found := slices.BinarySearch(s.starts, off); found {
			continue
		}
		t := next(s.b, off)
		if t.kind != tNum {
			continue
		}
		_, t3, ok := objHeader(s.b, t)
		if !ok {
			continue
		}
		seen[off] = true
		v := next(s.b, t3.end)
		if _, _, err := s.parse(s.b, v, 1, true); err != nil {
			return err
		}
	}
	return nil
}

// budget counts the bytes one stream's filters produce, and the file's.
type budget struct {
	s    *scanner
	n    int64
	max  int64
	tick int64
}

type counter struct {
	r io.Reader
	b *budget
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	bud := c.b
	bud.n += int64(n)
	bud.s.rep.Decoded += int64(n)
	if bud.n > bud.max {
		e := refuse(ReasonBomb, "a stream decodes to more than %d MiB", bud.max>>20)
		e.Limit = bud.max
		return n, e
	}
	if bud.s.rep.Decoded > bud.s.total {
		e := refuse(ReasonBomb, "the streams decode to more than %d MiB in all", bud.s.total>>20)
		e.Limit = bud.s.total
		return n, e
	}
	bud.tick += int64(n)
	if bud.tick > 1<<20 {
		bud.tick = 0
		if err := bud.s.ctx.Err(); err != nil {
			return n, refuse(ReasonTime, "the scan took too long: %v", err)
		}
	}
	return n, err
}
