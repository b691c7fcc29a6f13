package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"
)

// How bench tells the bot's CPU from the rest of its own process.
//
// The bot (open, the Telegram adapter, the broadcaster), the fake Bot API and the
// simulated people all run in bench's process, so the process's CPU time is theirs
// together. Every goroutine the bot starts runs under the pprof label qamqor=bot, and every
// one of the harness (the fake's server and handlers, the people, the Redis snapshots)
// under qamqor=harness: a goroutine inherits its creator's labels, so the bot's HTTP
// connections, its webhook server's connections and its Redis pool are the bot's, the
// fake's connections the harness's. A CPU profile of the measured window then splits the
// time by label. What runs under neither label is the runtime's own (the garbage
// collector's background workers, the scheduler, timers): it is shared out in proportion
// to the labelled time, the bot's share counted as the bot's. Redis runs in a process of
// its own and counts in neither.
const cpuLabel = "qamqor"

// Values of cpuLabel.
const (
	cpuBot     = "bot"
	cpuHarness = "harness"
)

// cpuWindow is what a CPU profile and the process's own accounting say of the measured
// window.
type cpuWindow struct {
	bot, harness, runtime time.Duration // profiled time by label; runtime: no label
	process               time.Duration // user + system time of the process (getrusage), 0 when unknown
	profile               []byte        // the profile, for --cpuprofile
}

// botAlone is the bot's labelled time and its proportional share of the runtime's.
func (w cpuWindow) botAlone() time.Duration {
	labelled := w.bot + w.harness
	if labelled == 0 {
		return 0
	}
	return w.bot + time.Duration(float64(w.runtime)*float64(w.bot)/float64(labelled))
}

// startCPUWindow starts profiling the process; the returned function stops and reads it.
func startCPUWindow() (stop func() (cpuWindow, error), err error) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return nil, err
	}
	before, _ := processCPU()
	return func() (cpuWindow, error) {
		pprof.StopCPUProfile()
		after, ok := processCPU()
		w := cpuWindow{profile: buf.Bytes()}
		if ok {
			w.process = after - before
		}
		byLabel, unlabelled, err := cpuByLabel(buf.Bytes(), cpuLabel)
		if err != nil {
			return w, err
		}
		w.bot, w.harness, w.runtime = byLabel[cpuBot], byLabel[cpuHarness], unlabelled
		for v, d := range byLabel {
			if v != cpuBot && v != cpuHarness {
				w.runtime += d
			}
		}
		return w, nil
	}, nil
}

// labelled runs f with the goroutine, and every goroutine it starts, under cpuLabel=value.
func labelled(ctx context.Context, value string, f func(context.Context)) {
	pprof.Do(ctx, pprof.Labels(cpuLabel, value), f)
}

// writeProfile writes a window's profile to path ("" for none).
func writeProfile(path string, w cpuWindow) error {
	if path == "" {
		return nil
	}
	return os.WriteFile(path, w.profile, 0o644)
}

// cpuByLabel reads a CPU profile as runtime/pprof writes it (gzipped profile.proto) and
// adds up its samples' CPU time by the value of label key; samples without it are
// unlabelled. Only the fields it needs are read: sample (2) with its value (2) and label
// (3), and string_table (6); the CPU time is a sample's last value (the sample types are
// samples/count and cpu/nanoseconds).
func cpuByLabel(profile []byte, key string) (byValue map[string]time.Duration, unlabelled time.Duration, err error) {
	zr, err := gzip.NewReader(bytes.NewReader(profile))
	if err != nil {
		return nil, 0, fmt.Errorf("reading the CPU profile: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the CPU profile: %w", err)
	}
	// Each sample's CPU time and labels (key and value, as string table indexes); the
	// string table comes last, so labels are named once it is read.
	type sample struct {
		nanos  int64
		labels [][2]int64
	}
	var samples []sample
	var strs []string
	err = protoFields(data, func(field int, wire int, v uint64, b []byte) error {
		switch {
		case field == 2 && wire == 2:
			var values []int64
			var pairs [][2]int64
			err := protoFields(b, func(field int, wire int, v uint64, b []byte) error {
				switch {
				case field == 2 && wire == 0:
					values = append(values, int64(v))
				case field == 2 && wire == 2:
					for len(b) > 0 {
						x, n := binary.Uvarint(b)
						if n <= 0 {
							return errors.New("a bad packed value")
						}
						values, b = append(values, int64(x)), b[n:]
					}
				case field == 3 && wire == 2:
					var k, s int64
					if err := protoFields(b, func(field int, wire int, v uint64, _ []byte) error {
						switch {
						case field == 1 && wire == 0:
							k = int64(v)
						case field == 2 && wire == 0:
							s = int64(v)
						}
						return nil
					}); err != nil {
						return err
					}
					pairs = append(pairs, [2]int64{k, s})
				}
				return nil
			})
			if err != nil {
				return err
			}
			if len(values) == 0 {
				return nil
			}
			samples = append(samples, sample{nanos: values[len(values)-1], labels: pairs})
		case field == 6 && wire == 2:
			strs = append(strs, string(b))
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("reading the CPU profile: %w", err)
	}
	byValue = map[string]time.Duration{}
	for _, s := range samples {
		value := ""
		for _, p := range s.labels {
			if p[0] >= 0 && p[0] < int64(len(strs)) && strs[p[0]] == key && p[1] >= 0 && p[1] < int64(len(strs)) {
				value = strs[p[1]]
			}
		}
		if value == "" {
			unlabelled += time.Duration(s.nanos)
			continue
		}
		byValue[value] += time.Duration(s.nanos)
	}
	return byValue, unlabelled, nil
}

// protoFields calls f with each field of a protocol buffer message: its number, its wire
// type, and its value (varint) or bytes (length-delimited). Fixed-size fields are skipped.
func protoFields(data []byte, f func(field, wire int, v uint64, b []byte) error) error {
	for len(data) > 0 {
		tag, n := binary.Uvarint(data)
		if n <= 0 {
			return errors.New("a bad field tag")
		}
		data = data[n:]
		field, wire := int(tag>>3), int(tag&7)
		var v uint64
		var b []byte
		switch wire {
		case 0:
			v, n = binary.Uvarint(data)
			if n <= 0 {
				return errors.New("a bad varint")
			}
			data = data[n:]
		case 1:
			if len(data) < 8 {
				return errors.New("a short fixed64")
			}
			data = data[8:]
			continue
		case 2:
			l, n := binary.Uvarint(data)
			if n <= 0 || uint64(len(data)-n) < l {
				return errors.New("a bad length")
			}
			b, data = data[n:n+int(l)], data[n+int(l):]
		case 5:
			if len(data) < 4 {
				return errors.New("a short fixed32")
			}
			data = data[4:]
			continue
		default:
			return fmt.Errorf("wire type %d", wire)
		}
		if err := f(field, wire, v, b); err != nil {
			return err
		}
	}
	return nil
}
