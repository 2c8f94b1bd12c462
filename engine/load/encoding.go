package load

import (
	"bufio"
	"context"
	"io"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

func newBufWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, 1<<20) }

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// gb18030Reader decodes r (GB18030, which includes GBK and GB2312) to
// UTF-8, stopping when ctx ends.
func gb18030Reader(ctx context.Context, r io.Reader) io.Reader {
	return transform.NewReader(ctxReader{ctx, bufio.NewReaderSize(r, 1<<20)}, simplifiedchinese.GB18030.NewDecoder())
}
