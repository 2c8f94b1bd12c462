package load

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

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

// transcodeGB18030 streams src (GB18030, which includes GBK and GB2312) to
// dst in UTF-8.
func transcodeGB18030(ctx context.Context, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("transcode: %w", err)
	}
	r := transform.NewReader(ctxReader{ctx, bufio.NewReaderSize(in, 1<<20)}, simplifiedchinese.GB18030.NewDecoder())
	bw := newBufWriter(out)
	if _, err := io.Copy(bw, r); err != nil {
		out.Close()
		return fmt.Errorf("transcode GB18030 to UTF-8: %w", err)
	}
	if err := bw.Flush(); err != nil {
		out.Close()
		return fmt.Errorf("transcode: %w", err)
	}
	return out.Close()
}
