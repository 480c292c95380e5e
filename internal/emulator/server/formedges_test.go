package server

import (
	"fmt"
	"strings"
	"testing"
)

// edgeBody is a body whose text at offset at (counted from the body's
// start) begins with what: the first part's content is padded to put it
// there. The first part is a path field or a file; more parts follow.
func edgeBody(at int, what string) string {
	head := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"one\"\r\n\r\n"
	pad := at - len(head)
	filler := strings.Repeat("0123456\r\n-\n", pad/11+1)[:pad]
	return head + filler + what +
		"\r\nmore content\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"two\"\r\n\r\nsecond\r\n--b--\r\n"
}

// Delimiters, delimiter look-alikes and a part's header placed across the
// edge of the 256 KiB read buffer and of the 32 KiB file writes, at each
// byte around their start and their end: formReader reads each body as
// mime/multipart does.
func TestFormReaderAtBufferAndWriteEdges(t *testing.T) {
	pieces := []string{
		"\r\n--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nd",
		"\r\n--b--\r\n",
		"\r\n--b \t\r\nX-Head: " + strings.Repeat("h", 40) + "\r\n\r\nx",
		"\r\n--bx\r\n",
		"\r\n--b-x",
		"\n--b\r\n",
		"\r\n--b\n\r\n",
	}
	// (Each body is some 260 KiB: the edges and reads are few, to keep
	// the test short under -race.)
	edges := []int{fileWriteSize, uploadBufferSize}
	for _, edge := range edges {
		for i, piece := range pieces {
			// The piece's start (its delimiter and the bytes that judge
			// it) and its end (a header's blank line) across the edge.
			offsets := []int{1 - len(piece), -len(piece), -1 - len(piece)}
			for off := -7; off <= 1; off++ {
				offsets = append(offsets, off)
			}
			for _, off := range offsets {
				body := edgeBody(edge+off, piece)
				name := fmt.Sprintf("edge %d piece %d offset %d", edge, i, off)
				t.Run(name, func(t *testing.T) {
					requireSameForm(t, []byte(body), "b", 1<<20, -1, 0, 0)
					requireSameForm(t, []byte(body), "b", 65537, -1, 4096, 0)
				})
			}
		}
	}
}
