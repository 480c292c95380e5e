package agenttool

import "encoding/binary"

// imageComplete reports whether data, an image of type mime (one
// sniffImage gave), runs to the end its format marks: PNG's IEND chunk,
// JPEG's end-of-image marker, GIF's trailer, the length WebP's RIFF header
// gives. Model APIs decode the whole image and refuse the whole request
// when they cannot (Anthropic and OpenAI both answer 400), so a file cut
// short (written while the listing ran, or by code that failed midway)
// must not go out as one. Only the structure is walked, nothing is
// decompressed: the check costs no memory, however many pixels the image
// holds.
func imageComplete(data []byte, mime string) bool {
	switch mime {
	case "image/png":
		return pngComplete(data)
	case "image/jpeg":
		return jpegComplete(data)
	case "image/gif":
		return gifComplete(data)
	case "image/webp":
		return len(data) >= 8 && uint64(binary.LittleEndian.Uint32(data[4:]))+8 <= uint64(len(data))
	}
	return false
}

// pngComplete walks a PNG's chunks (length, type, data, CRC) from the
// signature to IEND, which must follow pixel data (an IDAT chunk): a
// header and IEND alone pass image.DecodeConfig but decode to nothing.
func pngComplete(d []byte) bool {
	idat := false
	for i := uint64(8); i+12 <= uint64(len(d)); {
		n := uint64(binary.BigEndian.Uint32(d[i:]))
		switch string(d[i+4 : i+8]) {
		case "IEND":
			return idat
		case "IDAT":
			idat = true
		}
		i += 12 + n
	}
	return false
}

// jpegComplete walks a JPEG's segments from SOI to EOI, which must follow
// a scan (SOS), skipping the entropy-coded data after each SOS up to the
// next marker (in that data an 0xff byte is followed by 0x00, or by a
// restart marker).
func jpegComplete(d []byte) bool {
	scan := false
	for i := 2; i+2 <= len(d); {
		if d[i] != 0xff {
			return false
		}
		switch m := d[i+1]; {
		case m == 0xd9: // EOI
			return scan
		case m == 0xff: // a fill byte
			i++
			continue
		case m == 0x01 || m >= 0xd0 && m <= 0xd7: // markers without a length
			i += 2
			continue
		case i+4 > len(d):
			return false
		case m == 0xda: // SOS: its header, then the scan's data
			scan = true
			i += 2 + int(binary.BigEndian.Uint16(d[i+2:]))
			for i+1 < len(d) && (d[i] != 0xff || d[i+1] == 0 || d[i+1] >= 0xd0 && d[i+1] <= 0xd7) {
				i++
			}
		default:
			i += 2 + int(binary.BigEndian.Uint16(d[i+2:]))
		}
	}
	return false
}

// gifComplete walks a GIF's blocks from the logical screen descriptor to
// the trailer, which must follow an image: extensions and images, each
// ending in a run of sub-blocks.
func gifComplete(d []byte) bool {
	if len(d) < 13 {
		return false
	}
	frame := false
	i := 13 + colorTableSize(d[10])
	for i < len(d) {
		switch d[i] {
		case 0x3b: // the trailer
			return frame
		case 0x21: // an extension: label, sub-blocks
			i += 2
		case 0x2c: // an image: descriptor, local color table, LZW code size, sub-blocks
			if i+10 > len(d) {
				return false
			}
			frame = true
			i += 10 + colorTableSize(d[i+9]) + 1
		default:
			return false
		}
		if i = skipSubBlocks(d, i); i < 0 {
			return false
		}
	}
	return false
}

// colorTableSize is the size in bytes of the color table a GIF's packed
// field announces (none when its top bit is clear).
func colorTableSize(packed byte) int {
	if packed&0x80 == 0 {
		return 0
	}
	return 3 << (packed&7 + 1)
}

// skipSubBlocks returns the index after the run of GIF sub-blocks at i
// (each a length byte and that many bytes, the last of length 0), or -1
// when the data ends first.
func skipSubBlocks(d []byte, i int) int {
	for i < len(d) {
		n := int(d[i])
		i += 1 + n
		if n == 0 {
			return i
		}
	}
	return -1
}
