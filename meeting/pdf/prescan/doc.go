// Package prescan bounds the work an uploaded PDF can cause before pdfcpu
// parses it. pdfcpu keeps whole streams in memory, decodes a page's content
// with a fixed 512 MiB cap, parses object streams it has inflated whole and
// recurses into nested arrays and dictionaries; a file of a few kilobytes
// can make it spend gigabytes and seconds. Scan reads the raw bytes once,
// without building a document:
//
//   - every array and dictionary, in the file body, in object streams and
//     in page content streams, is nested at most Limits.MaxDepth deep;
//   - every stream is decoded through its filter chain (Flate, LZW,
//     ASCIIHex, ASCII85, RunLength) as a stream of bytes into a counter,
//     never into memory, and every stage's output counts against the
//     stream's budget (Limits.MaxStreamBytes) and the file's
//     (Limits.MaxDecodedBytes), so a bomb is refused once it has produced
//     its budget, whatever its ratio or depth of filters;
//   - the streams pdfcpu holds whole (object streams, cross-reference
//     streams, page contents) are held to Limits.MaxHeldBytes;
//   - filter chains are at most Limits.MaxFilters long, predictor rows and
//     declared images are of bounded size, and the number of objects (in
//     the body and in object streams, and as declared by /Size, /N and
//     /Index) is bounded by Limits.MaxObjects.
//
// Scan also reports the active content it saw named (JavaScript and other
// actions that run something, embedded files, XFA), for the caller to
// remove or refuse, and checks cleaned output has none left.
//
// Scan is conservative where the file is ambiguous: an object that a
// lying cross-reference table would make pdfcpu parse from inside stream
// data is parsed from that offset too.
package prescan
