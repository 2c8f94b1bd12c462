package dashboards

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"sync"
)

// A cached page is the layout (user name, CSRF token: per request) around
// a content rendered once per cache period. Its gzip encoding is stitched
// from parts instead of compressing the whole page on every request: a
// gzip member's deflate stream is a sequence of blocks, and a block
// sequence ended by a sync flush is byte-aligned and refers to nothing
// before it, so the content is deflated once (deflateFlushed) and the
// small layout parts around it on each request (stitchGzip).

var flatePool = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// deflateFlushed returns b as raw deflate blocks ending with a sync flush
// and no final block, to be placed inside a longer stream.
func deflateFlushed(b []byte, level int) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, level)
	w.Write(b)
	w.Flush()
	return buf.Bytes()
}

// gzipHeader is a gzip member header: deflate, no flags, no time, OS unknown.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// stitchGzip returns the gzip encoding of pre + content + post, where
// contentFlate is deflateFlushed(content).
func stitchGzip(pre, content, contentFlate, post []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(gzipHeader) + len(contentFlate) + (len(pre)+len(post))/2 + 64)
	out.Write(gzipHeader)
	w := flatePool.Get().(*flate.Writer)
	w.Reset(&out)
	w.Write(pre)
	w.Flush()
	out.Write(contentFlate)
	w.Reset(&out)
	w.Write(post)
	w.Close()
	flatePool.Put(w)
	crc := crc32.ChecksumIEEE(pre)
	crc = crc32.Update(crc, crc32.IEEETable, content)
	crc = crc32.Update(crc, crc32.IEEETable, post)
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:4], crc)
	binary.LittleEndian.PutUint32(tail[4:], uint32(len(pre)+len(content)+len(post)))
	out.Write(tail[:])
	return out.Bytes()
}
