package main

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag value in bytes that accepts the usual suffixes, so
// that -max-upload-bytes 1GiB works as well as -max-upload-bytes 1073741824.
type byteSize int64

var byteSuffixes = []struct {
	suffix string
	mult   int64
}{
	{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30},
	{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
}

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	v := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, sf := range byteSuffixes {
		if strings.HasSuffix(v, sf.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, sf.suffix)), sf.mult
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size in bytes", s)
	}
	*b = byteSize(n * mult)
	return nil
}
