// Package ziptest is for tests only: zip archives that expand far beyond their size (zip
// bombs, with honest or lying headers), made cheaply, and a measure of how much memory
// reading them takes.
package ziptest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

const mib = 1 << 20

// aMiB is one MiB of "a", the text the bombs expand to.
var aMiB = bytes.Repeat([]byte("a"), mib)

// deflateOf returns a raw deflate stream that expands to n MiB of "a", without
// compressing n MiB: one MiB is compressed and flushed (its blocks refer only to what they
// produced themselves, and end on a byte boundary), and those blocks are repeated n times
// before the final, empty block. A decoder cannot tell the difference.
func deflateOf(n int) []byte {
	var seg bytes.Buffer
	w, _ := flate.NewWriter(&seg, flate.BestCompression)
	_, _ = w.Write(aMiB)
	_ = w.Flush()
	block := bytes.Clone(seg.Bytes())
	seg.Reset()
	_ = w.Close() // the final block, empty
	out := bytes.Repeat(block, n)
	return append(out, seg.Bytes()...)
}

// crcOf is the CRC-32 of n MiB of "a".
func crcOf(n int) uint32 {
	var crc uint32
	for range n {
		crc = crc32.Update(crc, crc32.IEEETable, aMiB)
	}
	return crc
}

// Spec describes a bomb.
type Spec struct {
	Files   int    // content files (part-00.yaml, ...)
	MiBEach int    // MiB of "a" each expands to
	Padding int    // bytes of random, incompressible junk stored as photo.jpg, first
	Claim   uint64 // when set, every content file's headers claim this uncompressed size
}

// Bomb builds the zip the spec describes. With Claim 0, its headers are honest: sizes and
// CRCs are what the files hold, so a reader that trusts it reads all of it.
func Bomb(t testing.TB, s Spec) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if s.Padding > 0 {
		junk := make([]byte, s.Padding)
		r := rand.New(rand.NewPCG(1, 2))
		for i := range junk {
			junk[i] = byte(r.Uint32())
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "photo.jpg", Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(junk)
	}
	data, crc := deflateOf(s.MiBEach), crcOf(s.MiBEach)
	size := uint64(s.MiBEach) * mib
	if s.Claim != 0 {
		size = s.Claim
	}
	for i := range s.Files {
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: fmt.Sprintf("part-%02d.yaml", i), Method: zip.Deflate,
			CRC32: crc, CompressedSize64: uint64(len(data)), UncompressedSize64: size,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Memory is what running something cost.
type Memory struct {
	PeakRSS   uint64 // growth of the process's peak resident memory, bytes (0 if unknown)
	Allocated uint64 // bytes allocated on the heap, in total
}

func (m Memory) String() string {
	return fmt.Sprintf("peak RSS +%.1f MB, heap allocated %.1f MB", float64(m.PeakRSS)/1e6, float64(m.Allocated)/1e6)
}

// Measure runs f and says how much memory it took: the peak RSS is reset before f (Linux's
// /proc/self/clear_refs), so the figure is the growth f caused over the memory the process
// held.
func Measure(f func()) Memory {
	runtime.GC()
	debug.FreeOSMemory()
	before := rss()
	resetPeak := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	alloc := ms.TotalAlloc
	f()
	runtime.ReadMemStats(&ms)
	m := Memory{Allocated: ms.TotalAlloc - alloc}
	if peak := status("VmHWM"); resetPeak && peak > before {
		m.PeakRSS = peak - before
	}
	return m
}

func rss() uint64 { return status("VmRSS") }

// status reads a "kB" line of /proc/self/status, in bytes.
func status(field string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n << 10
		}
	}
	return 0
}
