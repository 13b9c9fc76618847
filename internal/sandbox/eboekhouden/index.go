package eboekhouden

import (
	"strings"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// This file owns the lookups that keep the relation and article operations
// from scanning the whole administration: positions by code and by ID, and
// each record's lower-cased search text for the substring filters. The
// index is rebuilt whenever the state is replaced (New, Update, Reset) and
// kept in step by every operation that changes a relation; articles change
// only through Update. The answers are the same as a scan's: matches in
// list order (by ID), capped.

// searchSep separates the fields of a relation's search text. It cannot
// occur in a Trefwoord (XML 1.0 has no U+0000), so a match never spans two
// fields; a keyword holding it anyway is matched field by field.
const searchSep = "\x00"

// index is the lookup structure of one State.
type index struct {
	relByCode map[string]int // position in Relations; codes are unique
	relByID   map[int64]int  // position in Relations; IDs are unique
	// relText holds, per relation, its lower-cased Trefwoord fields joined
	// by searchSep.
	relText *textIndex

	artByCode map[string][]int // positions in Articles, ascending
	artByID   map[int64][]int  // positions in Articles, ascending
	artDesc   *textIndex       // lower-cased ArtikelOmschrijving
	artGroup  *textIndex       // lower-cased GroepOmschrijving
	// artPrices caches what articlePrices derived, per position.
	artPrices []cachedPrices
}

// cachedPrices are an article's derived prices for one year (0: none yet).
type cachedPrices struct {
	year      int
	incl, pct string
}

// newIndex indexes a normalized state.
func newIndex(st *State) *index {
	relSize, descSize, groupSize := 0, 0, 0
	for i := range st.Relations {
		for _, f := range relationFields(&st.Relations[i]) {
			relSize += len(f) + len(searchSep)
		}
	}
	for _, a := range st.Articles {
		descSize, groupSize = descSize+len(a.ArtikelOmschrijving), groupSize+len(a.GroepOmschrijving)
	}
	ix := &index{
		relByCode: make(map[string]int, len(st.Relations)),
		relByID:   make(map[int64]int, len(st.Relations)),
		relText: newTextIndex(len(st.Relations), relSize, func(dst []byte, i int) []byte {
			return appendRelationText(dst, &st.Relations[i])
		}),
		artByCode: make(map[string][]int, len(st.Articles)),
		artByID:   make(map[int64][]int, len(st.Articles)),
		artDesc: newTextIndex(len(st.Articles), descSize, func(dst []byte, i int) []byte {
			return appendLower(dst, st.Articles[i].ArtikelOmschrijving)
		}),
		artGroup: newTextIndex(len(st.Articles), groupSize, func(dst []byte, i int) []byte {
			return appendLower(dst, st.Articles[i].GroepOmschrijving)
		}),
		artPrices: make([]cachedPrices, len(st.Articles)),
	}
	for i, r := range st.Relations {
		ix.relByCode[r.Code] = i
		ix.relByID[r.ID] = i
	}
	for i := range st.Articles {
		a := &st.Articles[i]
		ix.artByCode[a.ArtikelCode] = append(ix.artByCode[a.ArtikelCode], i)
		ix.artByID[a.ArtikelID] = append(ix.artByID[a.ArtikelID], i)
	}
	return ix
}

// relationFields are the fields a Trefwoord searches. [inferred]
func relationFields(r *demodata.Relatie) [5]string {
	return [5]string{r.Code, r.Bedrijf, r.Contactpersoon, r.Plaats, r.Email}
}

// relationText is the search text of a relation: its Trefwoord fields in
// lower case, joined by searchSep.
func relationText(r *demodata.Relatie) string { return string(appendRelationText(nil, r)) }

func appendRelationText(dst []byte, r *demodata.Relatie) []byte {
	for i, f := range relationFields(r) {
		if i > 0 {
			dst = append(dst, searchSep...)
		}
		dst = appendLower(dst, f)
	}
	return dst
}

// addRelation indexes the relation at position i, which must be the end of
// the list.
func (ix *index) addRelation(i int, r *demodata.Relatie) {
	ix.relByCode[r.Code] = i
	ix.relByID[r.ID] = i
	ix.relText.set(i, relationText(r))
}

// replaceRelation re-indexes position i after old became r (same ID).
func (ix *index) replaceRelation(i int, old, r *demodata.Relatie) {
	if ix.relByCode[old.Code] == i {
		delete(ix.relByCode, old.Code)
	}
	ix.relByCode[r.Code] = i
	ix.relByID[r.ID] = i
	ix.relText.set(i, relationText(r))
}

// relationByCode returns the position of the relation with this code, or -1.
func (ix *index) relationByCode(code string) int {
	if i, ok := ix.relByCode[code]; ok {
		return i
	}
	return -1
}

// relationByID returns the position of the relation with this ID, or -1.
func (ix *index) relationByID(id int64) int {
	if i, ok := ix.relByID[id]; ok {
		return i
	}
	return -1
}

// relationFilter is a GetRelaties filter: Code and ID exact (when set),
// keyword a lower-cased substring of any Trefwoord field; all must hold.
type relationFilter struct {
	code    string
	id      int64
	keyword string
}

// relations calls fn with the position of every relation that matches f, in
// list order, until fn returns false.
func (ix *index) relations(rels []demodata.Relatie, f relationFilter, fn func(i int) bool) {
	acrossFields := strings.Contains(f.keyword, searchSep)
	match := func(i int) bool {
		r := &rels[i]
		if (f.code != "" && r.Code != f.code) || (f.id != 0 && r.ID != f.id) {
			return false
		}
		switch {
		case f.keyword == "":
			return true
		case acrossFields:
			fields := relationFields(r)
			return containsFold(f.keyword, fields[:]...)
		}
		return strings.Contains(ix.relText.texts[i], f.keyword)
	}
	switch {
	case f.code != "":
		if i := ix.relationByCode(f.code); i >= 0 && match(i) {
			fn(i)
		}
	case f.id != 0:
		if i := ix.relationByID(f.id); i >= 0 && match(i) {
			fn(i)
		}
	case f.keyword != "" && !acrossFields:
		ix.relText.search(f.keyword, fn)
	default:
		for i := range rels {
			if match(i) && !fn(i) {
				return
			}
		}
	}
}

// articleFilter is a GetArtikelen filter: ID, code and group code exact
// (when set), desc and groupDesc lower-cased substrings; all must hold.
type articleFilter struct {
	id              int64
	code, groupCode string
	desc, groupDesc string
}

// articles calls fn with the position of every article that matches f, in
// list order, until fn returns false.
func (ix *index) articles(arts []Article, f articleFilter, fn func(i int) bool) {
	match := func(i int) bool {
		a := &arts[i]
		if (f.id != 0 && a.ArtikelID != f.id) || (f.code != "" && a.ArtikelCode != f.code) || (f.groupCode != "" && a.GroepCode != f.groupCode) {
			return false
		}
		return (f.desc == "" || strings.Contains(ix.artDesc.texts[i], f.desc)) &&
			(f.groupDesc == "" || strings.Contains(ix.artGroup.texts[i], f.groupDesc))
	}
	search := func(ti *textIndex, needle string) {
		ti.search(needle, func(i int) bool { return !match(i) || fn(i) })
	}
	each := func(positions []int) {
		for _, i := range positions {
			if match(i) && !fn(i) {
				return
			}
		}
	}
	switch {
	case f.id != 0:
		each(ix.artByID[f.id])
	case f.code != "":
		each(ix.artByCode[f.code])
	case f.desc != "":
		search(ix.artDesc, f.desc)
	case f.groupDesc != "":
		search(ix.artGroup, f.groupDesc)
	default:
		for i := range arts {
			if match(i) && !fn(i) {
				return
			}
		}
	}
}

// articlePrices is articlePrices of the article at position i, computed once
// per year: articles change only through Update, which rebuilds the index.
func (ix *index) articlePrices(i int, a *Article, year int) (incl, pct string, err error) {
	if p := ix.artPrices[i]; p.year == year && year != 0 {
		return p.incl, p.pct, nil
	}
	if incl, pct, err = articlePrices(a.Artikel, year); err == nil {
		ix.artPrices[i] = cachedPrices{year: year, incl: incl, pct: pct}
	}
	return incl, pct, err
}
