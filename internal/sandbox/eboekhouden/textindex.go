package eboekhouden

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// This file owns the substring search behind Trefwoord and the description
// filters: the lower-cased texts of all records in one string, so that a
// search is one strings.Index sweep over it instead of a call per record,
// kept in step with records that change or are added.

// textIndex finds the records whose text contains a lower-cased needle, in
// record order.
type textIndex struct {
	// texts are the records' texts; for a record not changed since the
	// corpus was built, a substring of it.
	texts []string
	// corpus is the texts of records [0, len(starts)-1), each followed by
	// searchSep; starts[i] is where record i begins, and the last entry is
	// len(corpus).
	corpus string
	starts []int
	// changed are the records below len(starts)-1, in order, whose text
	// changed since the corpus was built: their place in it is stale.
	changed []int
}

// newTextIndex indexes n texts of about size bytes in all; appendText
// appends the text of record i.
func newTextIndex(n, size int, appendText func(dst []byte, i int) []byte) *textIndex {
	ti := &textIndex{texts: make([]string, n)}
	ti.build(n, size, appendText)
	return ti
}

// rebuild makes a fresh corpus of the current texts.
func (ti *textIndex) rebuild() {
	size := 0
	for _, t := range ti.texts {
		size += len(t)
	}
	ti.build(len(ti.texts), size, func(dst []byte, i int) []byte { return append(dst, ti.texts[i]...) })
}

// build makes the corpus of n texts and points texts into it.
func (ti *textIndex) build(n, size int, appendText func(dst []byte, i int) []byte) {
	ti.starts = make([]int, 0, n+1)
	corpus := make([]byte, 0, size+n*len(searchSep))
	for i := range n {
		ti.starts = append(ti.starts, len(corpus))
		corpus = append(appendText(corpus, i), searchSep...)
	}
	ti.starts = append(ti.starts, len(corpus))
	ti.corpus = string(corpus)
	for i := range n {
		ti.texts[i] = ti.corpus[ti.starts[i] : ti.starts[i+1]-len(searchSep)]
	}
	ti.changed = nil
}

// appendLower appends s in lower case, as strings.ToLower writes it.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(dst, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// indexed is the number of records the corpus holds.
func (ti *textIndex) indexed() int { return len(ti.starts) - 1 }

// set gives record i (an existing one, or len(texts) to add one) a text.
func (ti *textIndex) set(i int, text string) {
	if i == len(ti.texts) {
		ti.texts = append(ti.texts, text)
	} else {
		ti.texts[i] = text
		if i < ti.indexed() {
			if k := sort.SearchInts(ti.changed, i); k == len(ti.changed) || ti.changed[k] != i {
				ti.changed = append(ti.changed, 0)
				copy(ti.changed[k+1:], ti.changed[k:])
				ti.changed[k] = i
			}
		}
	}
	// A corpus that is more than a little stale is made afresh; the cost is
	// spread over the changes that made it so.
	if stale := len(ti.changed) + len(ti.texts) - ti.indexed(); stale > 256 && stale > len(ti.texts)/16 {
		ti.rebuild()
	}
}

// search calls fn, in record order, with every record whose text contains
// needle (lower-cased, not empty), until fn returns false.
func (ti *textIndex) search(needle string, fn func(i int) bool) {
	if strings.Contains(needle, searchSep) {
		// It could match across records in the corpus: one by one.
		for i, t := range ti.texts {
			if strings.Contains(t, needle) && !fn(i) {
				return
			}
		}
		return
	}
	changed := ti.changed
	// emitChanged reports the changed records below end that match.
	emitChanged := func(end int) bool {
		for len(changed) > 0 && changed[0] < end {
			i := changed[0]
			changed = changed[1:]
			if strings.Contains(ti.texts[i], needle) && !fn(i) {
				return false
			}
		}
		return true
	}
	for off := 0; ; {
		at := strings.Index(ti.corpus[off:], needle)
		if at < 0 {
			break
		}
		at += off
		// The record holding the match: the last one starting at or before it.
		i := sort.SearchInts(ti.starts, at+1) - 1
		off = ti.starts[i+1]
		if !emitChanged(i) {
			return
		}
		if len(changed) > 0 && changed[0] == i {
			continue // stale: emitChanged checks its current text
		}
		if !fn(i) {
			return
		}
	}
	if !emitChanged(ti.indexed()) {
		return
	}
	for i := ti.indexed(); i < len(ti.texts); i++ {
		if strings.Contains(ti.texts[i], needle) && !fn(i) {
			return
		}
	}
}
