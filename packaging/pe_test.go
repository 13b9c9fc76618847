package packaging

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Resource types of a PE file (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// resource is one leaf of a PE file's resource tree.
type resource struct {
	Type, Name string // an ID as decimal text, or a name
	Lang       uint32
	Data       []byte
}

// readResources walks the resource directory of the .rsrc section
// (IMAGE_RESOURCE_DIRECTORY: type, then name, then language).
func readResources(f *pe.File) ([]resource, error) {
	sec := f.Section(".rsrc")
	if sec == nil {
		return nil, fmt.Errorf("no .rsrc section")
	}
	raw, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("read .rsrc: %w", err)
	}
	r := rsrcReader{raw: raw, base: sec.VirtualAddress}
	var out []resource
	err = r.dir(0, 0, nil, func(path []string, lang uint32, data []byte) {
		out = append(out, resource{Type: path[0], Name: path[1], Lang: lang, Data: data})
	})
	return out, err
}

type rsrcReader struct {
	raw  []byte
	base uint32 // the section's virtual address
}

func (r rsrcReader) u16(off uint32) (uint16, error) {
	if uint64(off)+2 > uint64(len(r.raw)) {
		return 0, fmt.Errorf("resource offset %#x out of range", off)
	}
	return binary.LittleEndian.Uint16(r.raw[off:]), nil
}

func (r rsrcReader) u32(off uint32) (uint32, error) {
	if uint64(off)+4 > uint64(len(r.raw)) {
		return 0, fmt.Errorf("resource offset %#x out of range", off)
	}
	return binary.LittleEndian.Uint32(r.raw[off:]), nil
}

// dir reads the directory at off (depth 0 type, 1 name, 2 language).
func (r rsrcReader) dir(off uint32, depth int, path []string, leaf func([]string, uint32, []byte)) error {
	if depth > 2 {
		return fmt.Errorf("resource tree deeper than three levels")
	}
	named, err := r.u16(off + 12)
	if err != nil {
		return err
	}
	ids, err := r.u16(off + 14)
	if err != nil {
		return err
	}
	for i := uint32(0); i < uint32(named)+uint32(ids); i++ {
		entry := off + 16 + 8*i
		nameField, err := r.u32(entry)
		if err != nil {
			return err
		}
		target, err := r.u32(entry + 4)
		if err != nil {
			return err
		}
		var name string
		if nameField&0x80000000 != 0 { // IMAGE_RESOURCE_DIR_STRING_U: length, then UTF-16
			so := nameField &^ 0x80000000
			n, err := r.u16(so)
			if err != nil {
				return err
			}
			if uint64(so)+2+2*uint64(n) > uint64(len(r.raw)) {
				return fmt.Errorf("resource name out of range")
			}
			name = decodeUTF16(r.raw[so+2 : so+2+2*uint32(n)])
		} else {
			name = fmt.Sprint(nameField)
		}
		if target&0x80000000 != 0 {
			if err := r.dir(target&^0x80000000, depth+1, append(path, name), leaf); err != nil {
				return err
			}
			continue
		}
		if depth != 2 {
			return fmt.Errorf("resource data at depth %d", depth)
		}
		rva, err := r.u32(target) // IMAGE_RESOURCE_DATA_ENTRY
		if err != nil {
			return err
		}
		size, err := r.u32(target + 4)
		if err != nil {
			return err
		}
		start := uint64(rva) - uint64(r.base)
		if rva < r.base || start+uint64(size) > uint64(len(r.raw)) {
			return fmt.Errorf("resource data %#x+%d outside .rsrc", rva, size)
		}
		lang := nameField
		leaf(path, lang, r.raw[start:start+uint64(size)])
	}
	return nil
}

func decodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// versionInfo is what a VS_VERSIONINFO resource says.
type versionInfo struct {
	FileVersion, ProductVersion [4]uint16         // VS_FIXEDFILEINFO
	Strings                     map[string]string // StringFileInfo, all tables
	Tables                      []string          // StringTable keys, e.g. 041304B0
}

// versionBlock is one node of a version resource: wLength, wValueLength,
// wType, the key (UTF-16, NUL-terminated), the value and the children, each
// aligned to 4 bytes.
type versionBlock struct {
	Key      string
	Value    []byte
	Text     bool
	Children []versionBlock
}

func parseVersionBlock(b []byte) (versionBlock, int, error) {
	if len(b) < 6 {
		return versionBlock{}, 0, fmt.Errorf("version block of %d bytes", len(b))
	}
	length := int(binary.LittleEndian.Uint16(b))
	valueLen := int(binary.LittleEndian.Uint16(b[2:]))
	text := binary.LittleEndian.Uint16(b[4:]) == 1
	if length < 6 || length > len(b) {
		return versionBlock{}, 0, fmt.Errorf("version block length %d of %d bytes", length, len(b))
	}
	b = b[:length]
	off := 6
	for {
		if off+2 > len(b) {
			return versionBlock{}, 0, fmt.Errorf("unterminated version block key")
		}
		if b[off] == 0 && b[off+1] == 0 {
			break
		}
		off += 2
	}
	blk := versionBlock{Key: decodeUTF16(b[6:off]), Text: text}
	off = align4(off + 2)
	if text {
		valueLen *= 2 // in characters
	}
	if off+valueLen > len(b) {
		return versionBlock{}, 0, fmt.Errorf("version block %q: value out of range", blk.Key)
	}
	blk.Value = b[off : off+valueLen]
	off = align4(off + valueLen)
	for off < len(b) {
		child, n, err := parseVersionBlock(b[off:])
		if err != nil {
			return versionBlock{}, 0, fmt.Errorf("%s: %w", blk.Key, err)
		}
		blk.Children = append(blk.Children, child)
		off = align4(off + n)
	}
	return blk, length, nil
}

func align4(n int) int { return (n + 3) &^ 3 }

func parseVersionInfo(b []byte) (versionInfo, error) {
	root, _, err := parseVersionBlock(b)
	if err != nil {
		return versionInfo{}, err
	}
	if root.Key != "VS_VERSION_INFO" || len(root.Value) < 52 {
		return versionInfo{}, fmt.Errorf("not a VS_VERSIONINFO (key %q, %d value bytes)", root.Key, len(root.Value))
	}
	fixed := root.Value
	if sig := binary.LittleEndian.Uint32(fixed); sig != 0xFEEF04BD {
		return versionInfo{}, fmt.Errorf("VS_FIXEDFILEINFO signature %#x", sig)
	}
	split := func(ms, ls uint32) [4]uint16 {
		return [4]uint16{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
	}
	u := func(i int) uint32 { return binary.LittleEndian.Uint32(fixed[i:]) }
	v := versionInfo{FileVersion: split(u(8), u(12)), ProductVersion: split(u(16), u(20)), Strings: map[string]string{}}
	for _, c := range root.Children {
		if c.Key != "StringFileInfo" {
			continue
		}
		for _, table := range c.Children {
			v.Tables = append(v.Tables, table.Key)
			for _, s := range table.Children {
				v.Strings[s.Key] = strings.TrimRight(decodeUTF16(s.Value), "\x00")
			}
		}
	}
	return v, nil
}

func versionString(v [4]uint16) string { return fmt.Sprintf("%d.%d.%d.%d", v[0], v[1], v[2], v[3]) }

// iconGroupEntry is one entry of a GRPICONDIR (an RT_GROUP_ICON resource).
type iconGroupEntry struct {
	Size int // pixels; a stored 0 means 256
	ID   uint16
}

func parseIconGroup(b []byte) ([]iconGroupEntry, error) {
	if len(b) < 6 || binary.LittleEndian.Uint16(b[2:]) != 1 {
		return nil, fmt.Errorf("not an icon group")
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	if len(b) < 6+14*n {
		return nil, fmt.Errorf("icon group of %d entries in %d bytes", n, len(b))
	}
	var out []iconGroupEntry
	for i := 0; i < n; i++ {
		e := b[6+14*i:]
		size := int(e[0])
		if size == 0 {
			size = 256
		}
		out = append(out, iconGroupEntry{Size: size, ID: binary.LittleEndian.Uint16(e[12:])})
	}
	return out, nil
}

// icoSizes reads the directory of an .ico file (ICONDIR) and returns the
// sizes it holds.
func icoSizes(b []byte) ([]int, error) {
	if len(b) < 6 || !bytes.Equal(b[:4], []byte{0, 0, 1, 0}) {
		return nil, fmt.Errorf("not an .ico file")
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	if len(b) < 6+16*n {
		return nil, fmt.Errorf("ico directory of %d entries in %d bytes", n, len(b))
	}
	var sizes []int
	for i := 0; i < n; i++ {
		e := b[6+16*i:]
		w, h := int(e[0]), int(e[1])
		if w == 0 {
			w = 256
		}
		if h == 0 {
			h = 256
		}
		if w != h {
			return nil, fmt.Errorf("icon %d is %dx%d", i, w, h)
		}
		size := binary.LittleEndian.Uint32(e[8:])
		off := binary.LittleEndian.Uint32(e[12:])
		if uint64(off)+uint64(size) > uint64(len(b)) {
			return nil, fmt.Errorf("icon %d data out of range", i)
		}
		sizes = append(sizes, w)
	}
	return sizes, nil
}
